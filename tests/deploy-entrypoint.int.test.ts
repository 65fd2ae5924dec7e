import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database";

/**
 * The image's entrypoint (deploy/entrypoint.sh) run directly from the checkout with the environment a
 * container gets: the same dispatch the image runs, without a container runtime. The image itself is
 * exercised by tests/deploy-image.int.test.ts (opt-in: it builds the image).
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const ENTRYPOINT = path.join(ROOT, "deploy", "entrypoint.sh");
const NODE22 = path.join(ROOT, "node_modules", "node", "bin");

type Run = { code: number | null; stdout: string; stderr: string };

function run(args: string[], env: Record<string, string> = {}, deadlineMs = 180_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(ENTRYPOINT, args, {
      cwd: tmpdir(), // the entrypoint finds the app from its own location, as in the image
      env: {
        PATH: `${NODE22}:/usr/bin:/bin`,
        HOME: tmpdir(),
        NODE_ENV: "production",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    // A harness deadline: a hung command fails the test instead of hanging it.
    const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("deploy/entrypoint.sh", () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataDir = mkdtempSync(path.join(tmpdir(), "atlas-entrypoint-"));
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("help lists every command; an unknown command or stray arguments exit 64 with a message", async () => {
    const help = await run(["help"]);
    expect(help.code).toBe(0);
    for (const command of ["web", "worker", "scan", "migrate", "cli", "cron"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    }
    const unknown = await run(["serve"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown command "serve"');
    const stray = await run(["worker", "--now"]);
    expect(stray.code).toBe(64);
    expect(stray.stderr).toContain("worker takes no arguments (got: --now)");
  });

  it("migrate applies the migrations to DATABASE_URL once; a second run finds nothing to do", async () => {
    const env = { DATABASE_URL: db.url, ATLAS_DATA_DIR: dataDir };
    const first = await run(["migrate"], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d{8}/);
    const second = await run(["migrate"], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Database is up to date \(\d+ migrations\)\./);
  });

  it("scan runs a one-shot scan of the demo tenant into DATABASE_URL; its exit code is the scan's status", async () => {
    const result = await run(["scan", "--emulate", "lib/emulator/demo/demo-tenant.json", "--json"], {
      DATABASE_URL: db.url,
      ATLAS_DATA_DIR: dataDir,
      ATLAS_SECRET_KEY: "an-entrypoint-test-key-of-at-least-32-bytes",
    });
    const outcome = JSON.parse(result.stdout) as {
      status: string;
      scanId: string;
      counts: Record<string, number>;
    };
    // Exit codes are the CLI's contract (cli/commands/scan.ts): 0 succeeded, 2 partial.
    expect(result.code).toBe(outcome.status === "succeeded" ? 0 : 2);
    expect(["succeeded", "partial"]).toContain(outcome.status);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client
      .query(`SELECT "trigger", "status" FROM "scans" WHERE "id" = $1`, [outcome.scanId])
      .finally(() => client.end());
    expect(rows).toEqual([{ trigger: "cli", status: outcome.status }]);
  });

  describe("cron", () => {
    let server: http.Server;
    let url: string;
    const seen: { method?: string; path?: string; auth?: string; body: string }[] = [];
    let answer = 202;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => {
          body += c;
        });
        req.on("end", () => {
          seen.push({ method: req.method, path: req.url, auth: req.headers.authorization, body });
          res.writeHead(answer, { "content-type": "application/json" });
          res.end(
            answer === 202 ? '{"queued":[],"alreadyQueued":["t"]}' : '{"error":{"code":"unauthorized"}}',
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/cron/scan`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("POSTs /api/cron/scan with the secret as a bearer token; 202 exits 0, anything else exits 1", async () => {
      const ok = await run(["cron"], { ATLAS_CRON_URL: url, ATLAS_CRON_SECRET: "s3cret-value" });
      expect(ok.code).toBe(0);
      expect(seen.at(-1)).toEqual({
        method: "POST",
        path: "/api/cron/scan",
        auth: "Bearer s3cret-value",
        body: "{}",
      });
      answer = 401;
      const refused = await run(["cron"], { ATLAS_CRON_URL: url, ATLAS_CRON_SECRET: "wrong" });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("answered 401");
    });

    it("without ATLAS_CRON_SECRET it exits 64 before sending anything", async () => {
      const before = seen.length;
      const missing = await run(["cron"], { ATLAS_CRON_URL: url });
      expect(missing.code).toBe(64);
      expect(missing.stderr).toContain("ATLAS_CRON_SECRET is not set");
      expect(seen.length).toBe(before);
    });
  });
});
