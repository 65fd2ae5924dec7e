import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { type CliProcess, runCliProcess, startCliProcess } from "../test-support/run-cli-process";

// Issue 18, finding 4: with the exports `aks-atlas emulate` prints, `aks-atlas scan` sat at "collecting
// 0/1" for over a minute: MSAL's instance discovery asked login.microsoftonline.com about the emulator's
// authority (DNS lookups that never came back here) and the credential had no time limit. Both processes
// are the real CLI; the harness kills any that has not exited by its deadline, and a kill fails the test.

describe("aks-atlas scan with the exports aks-atlas emulate prints", () => {
  let db: TestDatabase;
  let scratch: string;
  let emulate: CliProcess;
  let exports: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-emulate-exports-"));
    emulate = startCliProcess(
      ["emulate", "demo", "--data-dir", path.join(scratch, "emulator")],
      {},
      {
        deadlineMs: 600_000,
      },
    );
    const banner = await emulate.waitForStdout(/Press Ctrl-C to stop\./);
    exports = Object.fromEntries(
      [...banner.matchAll(/^\s*export (\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]),
    );
  });
  afterAll(async () => {
    emulate?.signal("SIGINT");
    await emulate?.result;
    await fs.rm(scratch, { recursive: true, force: true });
    await db?.drop();
  });

  // Only the printed exports and a database: nothing from the test's own environment that could help.
  const scanEnv = (extra: Record<string, string> = {}) => ({
    ...exports,
    DATABASE_URL: db.url,
    ATLAS_DATA_DIR: path.join(scratch, "data"),
    ...extra,
  });

  it("completes a scan of the demo tenant through the SDKs", async () => {
    expect(Object.keys(exports)).toContain("AZURE_AUTHORITY_HOST");
    const run = await runCliProcess(["scan", "--json"], scanEnv(), { deadlineMs: 300_000 });
    expect(run.hung, `the scan did not finish; stderr:\n${run.stderr}`).toBe(false);
    expect([0, 2], run.stderr).toContain(run.code);
    const result = JSON.parse(run.stdout) as {
      status: string;
      tenantId: string;
      counts: Record<string, number>;
    };
    expect(result.tenantId).toBe(exports.AZURE_TENANT_ID.toLowerCase());
    expect(["succeeded", "partial"]).toContain(result.status);
    expect(result.counts.clusters).toBeGreaterThan(0);
  });

  it("stops waiting for an authority that never answers, and says which and how long", async () => {
    // A TCP listener that accepts and never speaks: the TLS handshake to it never completes.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const run = await runCliProcess(
        ["scan"],
        scanEnv({ AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}`, ATLAS_TOKEN_TIMEOUT_SECONDS: "2" }),
        { deadlineMs: 180_000 },
      );
      expect(run.hung, `the scan did not exit; stderr:\n${run.stderr}`).toBe(false);
      // Nothing could be read: the scan is recorded with the error (runScan's status, 1 failed or 2 partial).
      expect([1, 2], run.stdout + run.stderr).toContain(run.code);
      expect(run.stdout + run.stderr).toContain(
        `could not get a token from https://127.0.0.1:${port} within 2 s`,
      );
    } finally {
      silent.close();
    }
  });

  it("rejects a token timeout that is not a number of seconds", async () => {
    const run = await runCliProcess(["scan"], scanEnv({ ATLAS_TOKEN_TIMEOUT_SECONDS: "soon" }));
    expect(run.hung).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "ATLAS_TOKEN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 600",
    );
  });
});
