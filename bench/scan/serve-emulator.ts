/**
 * The emulator in its own process for the scan benchmark, so the benchmark's RSS is the scanner's
 * alone. Prints one JSON line with what a ScanTarget needs, then answers `counts` / `reset` lines
 * on stdin with JSON, and exits when stdin closes.
 *
 *   node --import tsx bench/scan/serve-emulator.ts --tenant <file> --data-dir <dir> [--latency 20] [--page-size 500]
 */
import { createInterface } from "node:readline";
import { startEmulator } from "@/lib/emulator/server";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { parseFlags } from "../lib/measure";

const flags = parseFlags(process.argv.slice(2));
if (!flags.tenant || !flags["data-dir"]) throw new Error("--tenant and --data-dir are required");
const tenant = await readTenantFile(flags.tenant);
const emulator = await startEmulator({
  tenant,
  dataDir: flags["data-dir"],
  latencyMs: Number(flags.latency ?? 20),
  pageSize: Number(flags["page-size"] ?? 500),
});
process.stdout.write(
  `${JSON.stringify({
    ready: {
      tenantId: emulator.tenantId,
      armEndpoint: emulator.armEndpoint,
      graphEndpoint: emulator.graphEndpoint,
      authorityHost: emulator.authorityHost,
      caPem: emulator.caPem,
      scannerCredential: emulator.scannerCredential,
    },
    rssBytes: process.memoryUsage().rss,
  })}\n`,
);
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line === "counts") process.stdout.write(`${JSON.stringify({ counts: emulator.counts() })}\n`);
  if (line === "reset") {
    emulator.resetCounts();
    process.stdout.write(`${JSON.stringify({ reset: true })}\n`);
  }
});
lines.on("close", () => {
  void emulator.close().then(() => process.exit(0));
});
