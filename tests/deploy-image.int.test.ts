import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database";

/**
 * The OCI image for real (opt-in: ATLAS_IMAGE_TEST=1, root, buildah + podman; building it runs the
 * production build, several minutes on two cores). Builds it with deploy/build-image.sh from a base made
 * by deploy/build-base.sh with debootstrap — no image registry — unless ATLAS_IMAGE names one already
 * built; then runs it as Kubernetes would (read-only root, writable /tmp and /var/lib/atlas, non-root):
 * the web container serves /api/health, a one-shot container scans the demo tenant into the same external
 * PostgreSQL, and a worker container runs the scan that the cron trigger queues through the web app.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const ENABLED = process.env.ATLAS_IMAGE_TEST === "1";
const run = promisify(execFile);
const BUILD_DEADLINE_MS = 45 * 60_000;

type Exec = { code: number; stdout: string; stderr: string };
function exec(cmd: string, args: string[], deadlineMs = 300_000): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Thrown by a probe when waiting longer cannot help (the container exited). */
class Fatal extends Error {}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      if (error instanceof Fatal) throw error;
      return undefined; // not listening yet
    });
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!ENABLED)("the OCI image (deploy/Containerfile)", () => {
  let image = process.env.ATLAS_IMAGE ?? "";
  let flags: string[] = [];
  let db: TestDatabase;
  let port: number;
  const containers: string[] = [];
  const cronSecret = randomBytes(24).toString("hex");
  const secretKey = randomBytes(32).toString("base64");
  let env: Record<string, string>;

  /** podman run as Kubernetes runs the pods: read-only root, writable /tmp and data, the host's network for PostgreSQL. */
  const podmanRun = (
    command: string[],
    options: { detach?: boolean; entrypoint?: string; env?: Record<string, string> } = {},
  ) => [
    "run",
    ...(options.detach ? ["-d"] : ["--rm"]),
    "--network",
    "host",
    "--read-only",
    "--tmpfs",
    "/tmp",
    // An anonymous volume keeps the image's ownership of ATLAS_DATA_DIR (10001), as fsGroup does for an
    // emptyDir; podman 4.3's --tmpfs comes up root-owned 0750 here, whatever mode= says.
    "-v",
    "/var/lib/atlas",
    ...flags,
    ...Object.entries(options.env ?? env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...(options.entrypoint ? ["--entrypoint", options.entrypoint] : []),
    image,
    ...command,
  ];

  beforeAll(async () => {
    if (!image) {
      const built = await exec(path.join(ROOT, "deploy", "build-image.sh"), [], BUILD_DEADLINE_MS);
      if (built.code !== 0)
        throw new Error(`build-image.sh failed (${built.code}): ${built.stderr.slice(-4000)}`);
      image = built.stdout.trim().split("\n").at(-1) as string;
    }
    const probe = await exec(path.join(ROOT, "deploy", "container-run-flags.sh"), [image]);
    if (probe.code !== 0) throw new Error(`this machine runs no container: ${probe.stderr}`);
    flags = probe.stdout.trim().split(/\s+/).filter(Boolean);
    db = await createTestDatabase({ migrate: false });
    port = await freePort();
    env = {
      DATABASE_URL: db.url,
      HOST: "127.0.0.1",
      PORT: String(port),
      ATLAS_SECRET_KEY: secretKey,
      ATLAS_CRON_SECRET: cronSecret,
      ATLAS_DEMO_HISTORY: "0",
      ATLAS_SCAN_ON_START: "0",
    };
  }, BUILD_DEADLINE_MS + 120_000);

  afterAll(async () => {
    for (const id of containers) await exec("podman", ["rm", "-f", "-v", id]).catch(() => undefined);
    await db?.drop();
  });

  it("runs as a non-root user with the web app as its default command", async () => {
    const { stdout } = await run("podman", [
      "image",
      "inspect",
      "--format",
      "{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}",
      image,
    ]);
    expect(stdout.trim()).toBe('10001:10001 ["/usr/bin/tini","--","/app/deploy/entrypoint.sh"] ["web"]');
    const id = await exec("podman", podmanRun([], { entrypoint: "/usr/bin/id" }));
    expect(id.stdout.trim()).toBe("uid=10001(atlas) gid=10001(atlas) groups=10001(atlas)");
    // Node 22 (the `node` package's binary) and Debian's Chromium are the runtime.
    const versions = await exec(
      "podman",
      podmanRun(
        ["-c", "node --version && /usr/bin/chromium --version && test ! -w /app && echo app-read-only"],
        {
          entrypoint: "/bin/sh",
        },
      ),
    );
    expect(versions.stdout).toMatch(/^v22\.\d+\.\d+\nChromium \d+/);
    expect(versions.stdout).toContain("app-read-only");
  });

  it(
    "web serves /api/health; a one-shot container scans the demo tenant; a worker container runs the cron scan",
    async () => {
      const web = await run("podman", podmanRun(["web"], { detach: true }));
      containers.push(web.stdout.trim());
      const health = await until(
        "a healthy /api/health",
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/health`);
          return response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
        },
        10 * 60_000,
      );
      expect(health.status).toBe("ok");

      // One-shot scan: the CLI's JSON on stdout and its exit code (0 succeeded, 2 partial).
      const scan = await exec(
        "podman",
        podmanRun(["scan", "--emulate", "lib/emulator/demo/demo-tenant.json", "--json"]),
        15 * 60_000,
      );
      const outcome = JSON.parse(scan.stdout) as { status: string; scanId: string; tenantId: string };
      expect(scan.code, scan.stderr.slice(-2000)).toBe(outcome.status === "succeeded" ? 0 : 2);
      expect(["succeeded", "partial"]).toContain(outcome.status);
      // The web app reads the scan the other container wrote: one external PostgreSQL.
      const scans = (await (await fetch(`http://127.0.0.1:${port}/api/scans`)).json()) as unknown;
      expect(JSON.stringify(scans)).toContain(outcome.scanId);

      // A PDF report from that scan: Debian's Chromium, as user 10001 on a read-only root with /tmp only.
      const pdf = await exec(
        "podman",
        podmanRun(
          [
            "-c",
            `/app/deploy/entrypoint.sh cli report --scan ${outcome.scanId} --format pdf --out /tmp/report.pdf >&2 && head -c 5 /tmp/report.pdf`,
          ],
          { entrypoint: "/bin/sh" },
        ),
        10 * 60_000,
      );
      expect(pdf.code, pdf.stderr.slice(-2000)).toBe(0);
      expect(pdf.stdout).toBe("%PDF-");

      // A worker container, then the CronJob's request through the image's `cron` command.
      const worker = await run("podman", podmanRun(["worker"], { detach: true }));
      containers.push(worker.stdout.trim());
      // The CronJob's pod knows the cron secret and the web Service, nothing else (deploy/kubernetes/base/cronjob.yaml).
      const cron = await exec(
        "podman",
        podmanRun(["cron"], {
          env: { ATLAS_CRON_SECRET: cronSecret, ATLAS_CRON_URL: `http://127.0.0.1:${port}/api/cron/scan` },
        }),
      );
      expect(cron.code, cron.stderr).toBe(0);
      expect(cron.stdout).toContain(outcome.tenantId);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const finished = await until(
          "the worker to finish the cron scan",
          async () => {
            const { rows } = await client.query<{ status: string }>(
              `SELECT "status" FROM "scans" WHERE "trigger" = 'cron' AND "status" IN ('succeeded', 'partial', 'failed')`,
            );
            return rows[0];
          },
          15 * 60_000,
        );
        expect(["succeeded", "partial"]).toContain(finished.status);
      } finally {
        await client.end();
      }
      const logs = await exec("podman", ["logs", worker.stdout.trim()]);
      expect(logs.stdout + logs.stderr).toContain("worker running");
    },
    40 * 60_000,
  );
});
