import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "@/lib/db/embedded-postgres";
import { demoTenantPath } from "@/lib/emulator/demo/index";
import { type CliRun, runCliProcess } from "../test-support/run-cli-process";

// Issue 18, finding 3: `aks-atlas scan --emulate` hung on every database-open error, because the
// in-process emulator was started first and never closed. Each case runs the real CLI as a process;
// the harness kills it if it has not exited by a generous deadline, and a kill fails the test.

function expectClearFailure(run: CliRun, message: RegExp): void {
  expect(run.hung, `the CLI did not exit; stderr:\n${run.stderr}`).toBe(false);
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  // One line of explanation, not a stack trace.
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe("aks-atlas scan: a database that cannot be opened ends the process with a clear message", () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-scan-failures-"));
    await fs.chmod(scratch, 0o755);
  });
  afterAll(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  const scan = (env: Record<string, string | undefined>) =>
    runCliProcess(["scan", "--emulate", demoTenantPath], env);

  it("an unreachable data folder", async () => {
    const file = path.join(scratch, "a-file");
    await fs.writeFile(file, "");
    const run = await scan({ DATABASE_URL: "", ATLAS_DATA_DIR: path.join(file, "data") });
    expectClearFailure(run, /The data folder .*a-file\/data is not writable by user \w+ \(ENOTDIR\)/);
  });

  it("a stopped database (nothing listens at DATABASE_URL)", async () => {
    const port = await freePort();
    const run = await scan({
      DATABASE_URL: `postgresql://atlas:secret@127.0.0.1:${port}/atlas`,
      ATLAS_DATA_DIR: path.join(scratch, "stopped"),
    });
    expectClearFailure(
      run,
      new RegExp(
        `The database at 127\\.0\\.0\\.1:${port}/atlas \\(DATABASE_URL\\): connection refused .*is PostgreSQL running there\\?`,
      ),
    );
    expect(run.stderr).not.toContain("secret"); // the password is never echoed
  });

  it("a wrong password", async () => {
    const url = new URL(inject("databaseUrl"));
    url.password = "not-the-password";
    const run = await scan({ DATABASE_URL: url.toString(), ATLAS_DATA_DIR: path.join(scratch, "password") });
    expectClearFailure(run, /password authentication failed for user .* check the password in DATABASE_URL/);
    expect(run.stderr).not.toContain("not-the-password");
  });

  it("a missing pg-password beside an initialised embedded database", async () => {
    const dataDir = path.join(scratch, "no-password");
    await fs.mkdir(path.join(dataDir, "pg"), { recursive: true });
    await fs.writeFile(path.join(dataDir, "pg", "PG_VERSION"), "17\n");
    const run = await scan({ DATABASE_URL: "", ATLAS_DATA_DIR: dataDir });
    expectClearFailure(run, /no-password\/pg-password is missing; the database in .* cannot be opened/);
  });

  it("a missing pg-password while another process holds the folder", async () => {
    const dataDir = path.join(scratch, "held-no-password");
    await fs.mkdir(dataDir, { recursive: true });
    // This test process plays the live owner, started a minute ago; its server's password file is gone.
    // (An owner that started a moment ago is given time to write it: see readOwnersPassword.)
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    await fs.writeFile(
      path.join(dataDir, "atlas.lock.json"),
      JSON.stringify({ pid: process.pid, port: await freePort(), startedAt }),
    );
    const run = await scan({ DATABASE_URL: "", ATLAS_DATA_DIR: dataDir });
    expectClearFailure(
      run,
      /held-no-password\/pg-password is missing, so the embedded PostgreSQL another process runs/,
    );
  });
});

describe("aks-atlas scan: two scans started together on one data folder", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-scan-race-"));
    await fs.chmod(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach it
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("one scans; the other says a scan is running and exits 1; both exit and the folder is released", async () => {
    // Before: the one that joined while the other was still starting PostgreSQL printed ECONNREFUSED
    // (or lost the CREATE DATABASE race) and never exited, its emulator still listening.
    const env = { DATABASE_URL: "", ATLAS_DATA_DIR: dataDir };
    const runs = await Promise.all([
      runCliProcess(["scan", "--emulate", demoTenantPath], env, { deadlineMs: 240_000 }),
      runCliProcess(["scan", "--emulate", demoTenantPath], env, { deadlineMs: 240_000 }),
    ]);
    for (const run of runs) expect(run.hung, `a scan did not exit; stderr:\n${run.stderr}`).toBe(false);
    const loser = runs.find((run) => run.code === 1);
    const winner = runs.find((run) => run !== loser);
    expect(loser?.stderr, runs.map((run) => run.stderr).join("\n---\n")).toMatch(
      /A scan of tenant 00000000-0000-0000-0000-00000000c0de is already running\./,
    );
    // Exit codes are the contract: 0 succeeded, 2 partial.
    expect([0, 2], winner?.stderr).toContain(winner?.code);
    expect(winner?.stdout).toMatch(/Scan #\d+: (succeeded|partial)/);
    // Whoever started the server stopped it only after the other was done, and released the folder.
    await expect(fs.access(path.join(dataDir, "atlas.lock.json"))).rejects.toThrow();
    await expect(fs.access(path.join(dataDir, "pg", "postmaster.pid"))).rejects.toThrow();
  });
});
