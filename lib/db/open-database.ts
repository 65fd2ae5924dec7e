import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { readDatabaseConfig } from "./config";
import {
  EmbeddedPostgresError,
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
  withDatabase,
} from "./embedded-postgres";
import { type MigrateResult, MigrationError, migrate } from "./migrate";

export interface OpenDatabase {
  url: string;
  embedded: EmbeddedPostgresHandle | null;
  migrations: MigrateResult;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** join an embedded server that another live process owns (CLI) instead of refusing (server) */
  attach?: boolean;
  env?: Record<string, string | undefined>;
  /**
   * When set, close() of a server this process started waits until other processes attached to it have
   * disconnected (told once through this callback), so a short CLI command does not cut off a CLI scan
   * that joined its server. The app server leaves it unset: its shutdown must not wait on clients.
   */
  onWait?: (message: string) => void;
}

/** Any failure to open the database, with a message that says which database and what to do. */
export class DatabaseOpenError extends Error {
  override name = "DatabaseOpenError";
}

/** How long one connection attempt may take: an unreachable host otherwise waits for the OS (minutes). */
const CONNECT_TIMEOUT_MS = 15_000;
/** How long an attacher waits for the server another process is starting (initdb can take a while). */
const ATTACH_WAIT_MS = 120_000;
const LOCK_NAME = "atlas.lock.json";

/** host:port/database of a URL, never its password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "(an unparsable URL)";
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Why a connection failed, in the user's terms, with what to check. */
function connectionProblem(error: unknown, where: string, passwordSource: string): string {
  const message = error instanceof Error ? error.message : String(error);
  switch (errorCode(error)) {
    case "ECONNREFUSED":
      return `${where}: connection refused (${message}) — is PostgreSQL running there?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${where}: the host name does not resolve (${message})`;
    case "28P01":
      return `${where}: ${message} — check the password in ${passwordSource}`;
    case "28000":
      return `${where}: ${message} — the server refuses this user or address`;
    case "3D000":
      return `${where}: ${message} — create the database first`;
    case "57P03":
      return `${where}: the server is starting up or shutting down (${message})`;
    default:
      if (/timeout/i.test(message))
        return `${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s (${message})`;
      return `${where}: ${message}`;
  }
}

/** One connection and a trivial query, so every later failure is about our work, not the connection. */
async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A refused or dropped connection can also surface as an 'error' event; without a listener it would end the process.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new pg.Client({
    connectionString: maintenanceUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // Two starters may race to create it; the loser sees a duplicate database (42P04) or, when both
    // passed the check above at once, a unique violation on pg_database (23505).
    const code = errorCode(error);
    if (code !== "42P04" && code !== "23505") throw error;
  } finally {
    await client.end();
  }
}

async function lockOwner(dataDir: string): Promise<number | null> {
  try {
    const lock = JSON.parse(await fs.readFile(path.join(dataDir, LOCK_NAME), "utf8")) as { pid?: unknown };
    return typeof lock.pid === "number" ? lock.pid : null;
  } catch {
    return null;
  }
}

/**
 * The owner writes its lock before initdb and the postmaster are done, so a process that attaches in
 * that window finds nobody listening yet (two CLI scans started together): wait for the server while its
 * owner is the same live process, rather than failing with a bare ECONNREFUSED.
 */
async function waitForAttachedServer(handle: EmbeddedPostgresHandle): Promise<"ready" | "owner-gone"> {
  const owner = await lockOwner(handle.dataDir);
  const deadline = Date.now() + ATTACH_WAIT_MS;
  for (;;) {
    try {
      await probe(withDatabase(handle.url, "postgres"));
      return "ready";
    } catch (error) {
      const starting = errorCode(error) === "ECONNREFUSED" || errorCode(error) === "57P03";
      if (!starting) throw error;
      if ((await lockOwner(handle.dataDir)) !== owner) return "owner-gone";
      if (Date.now() >= deadline) throw error;
      await sleep(250);
    }
  }
}

/**
 * Before the owner of the embedded server stops it, other processes attached to it (a CLI scan while
 * another CLI command started the server) must finish: stopping would cut their work off mid-way.
 */
async function waitForOtherClients(url: string, onWait?: (message: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on("error", () => {});
  try {
    await client.connect();
    let told = false;
    for (;;) {
      const { rows } = await client.query<{ others: number }>(
        `SELECT count(*)::int AS others FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      const others = rows[0]?.others ?? 0;
      if (others === 0) return;
      if (!told) {
        onWait?.(
          `waiting for ${others} connection(s) of another process (an aks-atlas command or worker) to end before stopping the embedded PostgreSQL…`,
        );
        told = true;
      }
      await sleep(500);
    }
  } catch {
    // The server is going away anyway; nothing left to protect.
  } finally {
    await client.end().catch(() => {});
  }
}

async function openEmbedded(
  dataDir: string,
  options: OpenDatabaseOptions,
): Promise<{ embedded: EmbeddedPostgresHandle; migrations: MigrateResult }> {
  for (let attempt = 0; ; attempt++) {
    const embedded = await startEmbeddedPostgres({ dataDir, attach: options.attach }).catch(
      (error: unknown) => {
        if (errorCode(error) === "ENOENT" && /pg-password/.test(String((error as { path?: unknown }).path))) {
          throw new DatabaseOpenError(
            `${path.join(dataDir, "pg-password")} is missing, so the embedded PostgreSQL another process runs in ${dataDir} cannot be joined. ` +
              "Restore the file (or stop that process and set ATLAS_DATA_DIR to a new folder).",
          );
        }
        if (error instanceof EmbeddedPostgresError) throw new DatabaseOpenError(error.message);
        throw error;
      },
    );
    const where = `The embedded PostgreSQL in ${dataDir} (127.0.0.1:${embedded.port})`;
    const passwordSource = path.join(dataDir, "pg-password");
    try {
      if (!embedded.owned && (await waitForAttachedServer(embedded)) === "owner-gone" && attempt < 3) {
        continue; // its owner stopped while we waited: start (or join) it afresh
      }
      try {
        await ensureDatabase(withDatabase(embedded.url, "postgres"), "atlas");
      } catch (error) {
        throw new DatabaseOpenError(connectionProblem(error, where, passwordSource));
      }
      const migrations = await migrate(embedded.url);
      return { embedded, migrations };
    } catch (error) {
      await embedded.stop();
      if (error instanceof DatabaseOpenError || error instanceof MigrationError) throw error;
      throw new DatabaseOpenError(connectionProblem(error, where, passwordSource));
    }
  }
}

/**
 * The one way every entry point (server, worker, CLI, tests) gets a database: DATABASE_URL when set,
 * otherwise the embedded PostgreSQL in ATLAS_DATA_DIR; migrated before anyone reads it. Every failure to
 * open it is a DatabaseOpenError (or MigrationError) that names the database and the likely cause.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenDatabase> {
  let config: ReturnType<typeof readDatabaseConfig>;
  try {
    config = readDatabaseConfig(options.env);
  } catch (error) {
    throw new DatabaseOpenError((error as Error).message);
  }
  const databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    const where = `The database at ${describeUrl(databaseUrl)} (DATABASE_URL)`;
    try {
      await probe(databaseUrl);
    } catch (error) {
      throw new DatabaseOpenError(connectionProblem(error, where, "DATABASE_URL"));
    }
    const migrations = await migrate(databaseUrl).catch((error: unknown) => {
      if (error instanceof MigrationError) throw error;
      throw new DatabaseOpenError(connectionProblem(error, where, "DATABASE_URL"));
    });
    return { url: databaseUrl, embedded: null, migrations, close: async () => {} };
  }
  const { embedded, migrations } = await openEmbedded(config.dataDir, options);
  return {
    url: embedded.url,
    embedded,
    migrations,
    close: async () => {
      if (embedded.owned && options.onWait) await waitForOtherClients(embedded.url, options.onWait);
      await embedded.stop();
    },
  };
}
