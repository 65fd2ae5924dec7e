// The image's web server: what `npm start` runs (scripts/start.mjs) minus its rebuild check — the image
// holds a finished production build on a read-only file system, so nothing may be built at start.
import { assertNode22 } from "../scripts/node-version.mjs";

assertNode22("AKS Identity Atlas");
const { register } = await import("tsx/esm/api");
register();
const { startServer } = await import("../lib/server/start.ts");
await startServer().catch((error) => {
  console.error(`[atlas] could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
