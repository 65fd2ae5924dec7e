import http from "node:http";
import next from "next";
import { closeRateLimiter } from "@/lib/auth/rate-limit";
import { applyRequestSecurity, prepareServerSecurity } from "@/lib/auth/server-hooks";
import { openDatabase } from "@/lib/db/open-database";
import { answerConnect, answerUnsupportedMethod } from "@/lib/http/methods";
import { PRODUCT_VERSION } from "@/lib/version";
import { prepareDemoHistory, startBackgroundServices } from "./background";
import { readServerConfig } from "./config";

/**
 * The production entry behind `npm start`: database first (embedded or DATABASE_URL, migrated), then the
 * Next.js production build on HOST:PORT, then background services (demo tenant, scheduled scans).
 * SIGINT/SIGTERM stop everything in reverse order, Postgres last.
 */
export async function startServer(): Promise<void> {
  const config = readServerConfig();
  // Security (lib/auth): redacted logs, auth settings validated, anonymous mode kept on loopback — before anything starts.
  const security = prepareServerSecurity(config.HOST);
  for (const line of security.lines) console.log(`[atlas] ${line}`);
  const db = await openDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  console.log(
    `[atlas] database ready (${db.embedded ? `embedded PostgreSQL in ${db.embedded.dataDir}` : "DATABASE_URL"}; ` +
      `${db.migrations.applied.length} migration(s) applied)`,
  );

  const app = next({ dev: false, dir: process.cwd(), hostname: config.HOST, port: config.PORT });
  // The demo's past is scanned before the server listens (first start only; a no-op otherwise).
  await Promise.all([app.prepare(), prepareDemoHistory()]);
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    // First, before Next: stamps the client address from the socket over whatever the client sent.
    applyRequestSecurity(security.config, req, res);
    // TRACE and friends cannot become a fetch Request inside Next (it would throw: a 500): 405 here.
    if (answerUnsupportedMethod(req, res)) return;
    handle(req, res).catch((error: unknown) => {
      console.error("[atlas] request failed", error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ error: { code: "internal", message: "Internal error" } }));
      }
    });
  });
  server.on("connect", answerConnect);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : config.PORT;
  console.log(`[atlas] AKS Identity Atlas ${PRODUCT_VERSION} on http://${config.HOST}:${port}`);

  const background = await startBackgroundServices({ databaseUrl: db.url, port });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`[atlas] ${signal}: shutting down`);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await background.stop().catch((error: unknown) => console.error("[atlas] background stop failed", error));
    // The proxy's rate-limit pool (same process, reached through globalThis) before the database stops.
    await closeRateLimiter().catch(() => {});
    await db.close();
    console.log("[atlas] stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
