// The image's web server: what `npm start` runs (scripts/start.mjs) minus its rebuild check — the image
// holds a finished production build on a read-only file system, so nothing may be built at start.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertNode22 } from "../scripts/node-version.mjs";

assertNode22("AKS Identity Atlas");
// The build's id stamps the whole-tenant aggregates the server keeps past a restart
// (lib/queries/scan-aggregates.ts): another image's build computes them again.
try {
  process.env.ATLAS_BUILD_ID = readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), "..", ".next", "BUILD_ID"),
    "utf8",
  ).trim();
} catch {
  // no production build to stamp them with: nothing is kept (Next.js says what is missing)
}
const { register } = await import("tsx/esm/api");
register();
const { startServer } = await import("../lib/server/start.ts");
await startServer().catch((error) => {
  console.error(`[atlas] could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
