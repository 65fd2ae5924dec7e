// Removes development-only packages from node_modules after the production build, offline: the lock
// file (v3) marks each package that only devDependencies need with "dev": true, which is what
// `npm prune --omit=dev` removes too — without npm (the image carries no npm) and without a registry.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = process.argv[2] ?? process.cwd();
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
if (!lock.packages) {
  console.error(
    "prune-dev-dependencies: package-lock.json has no `packages` map (lockfileVersion >= 2 needed)",
  );
  process.exit(1);
}
let removed = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  if (!location.startsWith("node_modules/") || entry.dev !== true) continue;
  const dir = path.join(root, location);
  if (!existsSync(dir)) continue;
  rmSync(dir, { recursive: true, force: true });
  removed++;
}
// The .bin links of removed packages now dangle; none of them is used at run time.
console.log(`prune-dev-dependencies: removed ${removed} development-only packages`);
