// `prisma generate` without the schema engine: the CLI only needs PRISMA_SCHEMA_ENGINE_BINARY to point
// at an existing file (it never runs it for generate), and the generated Prisma 7 client runs on the
// pg driver adapter with no native engine at all.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(cli)) {
  console.error("prisma-generate: the prisma CLI is not installed (run npm ci)");
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, "generate"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? cli,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
