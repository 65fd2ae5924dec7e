import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as sharePage } from "@/app/share/[token]/route";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import type { AuthConfig } from "./config";
import { processState } from "./process-state";
import { handleRateLimitedProxyRequest } from "./proxy-handler";
import {
  closeRateLimiter,
  createRateLimiter,
  createRateLimitPool,
  type RateLimiter,
  type RateLimits,
} from "./rate-limit";
import { applyRequestSecurity } from "./server-hooks";
import { anonymousConfig } from "./test-support";

// The rate limiter against a real PostgreSQL (issue #18, finding 2): the client address comes from the
// socket, counts hold across processes, a global limit degrades per client, windows expire.

const MINUTE = 60_000;
/** A moment in the middle of a window, so a test's requests never straddle two windows. */
const MID_WINDOW = Date.UTC(2026, 11, 3, 12, 0, 30);

let db: TestDatabase;
/** Reads the limiter's table as an operator would. */
let inspect: pg.Pool;
const opened: RateLimiter[] = [];

/** A limiter as a separate app process would have it: its own pool, its own memory. */
function processLimiter(limits: RateLimits): RateLimiter {
  const limiter = createRateLimiter({ pool: createRateLimitPool(db.url), limits });
  opened.push(limiter);
  return limiter;
}

const limitsWith = (share: RateLimits["share"]): RateLimits => ({
  "sign-in": { perClient: 30, windowMs: MINUTE },
  share,
  cron: { perClient: 12, windowMs: MINUTE },
});

beforeAll(async () => {
  db = await createTestDatabase();
  inspect = new pg.Pool({ connectionString: db.url, max: 1 });
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  process.env.ATLAS_SHARE_RATE_LIMIT = "5";
  process.env.ATLAS_SHARE_RATE_LIMIT_GLOBAL = "1000";
});
afterAll(async () => {
  for (const limiter of opened) await limiter.close();
  await closeRateLimiter();
  await inspect.end();
  await prisma().$disconnect();
  await closePool();
  await db.drop();
  delete process.env.ATLAS_SHARE_RATE_LIMIT;
  delete process.env.ATLAS_SHARE_RATE_LIMIT_GLOBAL;
});

/**
 * The custom server of lib/server/start.ts with Next's router replaced by what it runs for /share/<token>:
 * the server hook, then the proxy, then the share route handler.
 */
async function startServer(config: AuthConfig): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    applyRequestSecurity(config, req, res);
    // What Next's base server does before the proxy runs: it fills X-Forwarded-For from the socket when the
    // client sent none (node_modules/next/dist/server/base-server.js: `req.headers['x-forwarded-for'] ??=
    // originalRequest.socket.remoteAddress`), so the old share limiter keyed a direct client by its address.
    req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, one);
    }
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    void (async () => {
      const gate = await handleRateLimitedProxyRequest(new NextRequest(url, { headers }));
      const token = url.pathname.split("/").at(-1) ?? "";
      const answer =
        gate.headers.get("x-middleware-next") === "1"
          ? await sharePage(new NextRequest(url, { headers }), { params: Promise.resolve({ token }) })
          : gate;
      res.statusCode = answer.status;
      res.end(await answer.text());
    })().catch((error: unknown) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** GET from a given loopback source address (all of 127/8 is this machine), with the headers given. */
function get(
  port: number,
  from: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, path, localAddress: from, headers, agent: false },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

describe("the share rate limit end to end (server hook → proxy → share page)", () => {
  afterEach(() => vi.useRealTimers());

  it("does not let a spoofed X-Forwarded-For spend the victim's limit without ATLAS_TRUST_PROXY", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: MID_WINDOW });
    const server = await startServer(anonymousConfig());
    try {
      const attacker = "127.0.0.2";
      const victim = "127.0.0.3";
      const spoofed = { "x-forwarded-for": victim, "x-real-ip": victim, "x-atlas-client-address": victim };
      const attack: number[] = [];
      for (let i = 0; i < 7; i++)
        attack.push(await get(server.port, attacker, "/share/unknown-token", spoofed));
      // ATLAS_SHARE_RATE_LIMIT=5: the attacker spent its own five, not the victim's.
      expect(attack).toEqual([404, 404, 404, 404, 404, 429, 429]);
      expect(await get(server.port, victim, "/share/unknown-token")).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("behind a trusted proxy counts by the hop the proxy appended, whatever came before it or its port", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: MID_WINDOW });
    const server = await startServer(anonymousConfig({ ATLAS_TRUST_PROXY: "1" }));
    try {
      const proxy = "127.0.0.4"; // every request arrives from the reverse proxy's socket
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        // The client wrote the first hop; the proxy appended "address:port" as Azure Application Gateway does
        // (https://azure.microsoft.com/en-us/blog/rewrite-http-headers-with-azure-application-gateway/), with
        // a new source port per connection.
        const forwarded = `198.51.100.7, 203.0.113.50:${41_000 + i}`;
        statuses.push(
          await get(server.port, proxy, "/share/unknown-token", { "x-forwarded-for": forwarded }),
        );
      }
      expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
      // The address the attacker put first is untouched, and so is another client behind the same proxy.
      const victim = { "x-forwarded-for": "198.51.100.7:50000" };
      expect(await get(server.port, proxy, "/share/unknown-token", victim)).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe("rate limits in PostgreSQL", () => {
  // rate-limiter-flexible reads the time from Date.now(): the tests set the clock, not a parameter.
  afterEach(() => vi.useRealTimers());
  const clockAt = (now: number) => vi.useFakeTimers({ toFake: ["Date"], now });

  it("hold across processes: two pools share one count", async () => {
    clockAt(MID_WINDOW);
    const limits = limitsWith({ perClient: 25, windowMs: MINUTE });
    const first = processLimiter(limits);
    const second = processLimiter(limits);
    // 40 requests at once, half through each "process": exactly 25 get through (the upsert is atomic).
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).take("share", "192.0.2.10")),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
    expect(await first.take("share", "192.0.2.10")).toMatchObject({ allowed: false, reason: "client" });
    expect(await second.take("share", "192.0.2.10")).toMatchObject({ allowed: false });
    expect([first.lastCountedIn(), second.lastCountedIn()]).toEqual(["database", "database"]);
    // Another client has its own count, and another bucket too.
    expect((await second.take("share", "192.0.2.11")).allowed).toBe(true);
    expect((await first.take("sign-in", "192.0.2.10")).allowed).toBe(true);
    // Counted in the library's table, under its "<bucket>:<scope>:<client>" keys (42 = 40 + the two refused).
    const { rows } = await inspect.query<{ key: string; points: number }>(
      `SELECT key, points FROM rate_limits WHERE key LIKE '%:192.0.2.10' ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: "share:client:192.0.2.10", points: 42 },
      { key: "sign-in:client:192.0.2.10", points: 1 },
    ]);
  });

  it("degrades the global limit per client: a flood from ten addresses does not lock out an eleventh", async () => {
    const limits = limitsWith({ perClient: 10, windowMs: MINUTE, global: { limit: 100, fairShare: 2 } });
    const processes = [processLimiter(limits), processLimiter(limits)];
    const later = MID_WINDOW + 10 * MINUTE; // a window no other test counted in
    clockAt(later);
    const flooders = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`);
    const allowed = new Map<string, number>();
    for (let round = 0; round < 12; round++) {
      for (const [i, client] of flooders.entries()) {
        const decision = await processes[i % 2].take("share", client);
        if (decision.allowed) allowed.set(client, (allowed.get(client) ?? 0) + 1);
      }
    }
    // Each flooder got its own ten; together they spent the global hundred and then some.
    expect([...allowed.values()]).toEqual(Array(10).fill(10));

    const newcomer = "203.0.113.9";
    const first = await processes[0].take("share", newcomer);
    const second = await processes[1].take("share", newcomer);
    const third = await processes[0].take("share", newcomer);
    expect([first.allowed, second.allowed]).toEqual([true, true]); // its fair share
    expect(third).toEqual({ allowed: false, retryAfterSeconds: 30, reason: "global" });
    // The flooders stay refused; the next window starts everyone afresh.
    expect((await processes[1].take("share", flooders[0])).allowed).toBe(false);
    vi.setSystemTime(later + MINUTE);
    expect((await processes[1].take("share", flooders[0])).allowed).toBe(true);
    expect((await processes[0].take("share", newcomer)).allowed).toBe(true);
  });

  it("expires windows: refused until the window ends, and ended windows are pruned", async () => {
    const limits = limitsWith({ perClient: 3, windowMs: MINUTE });
    const limiter = processLimiter(limits);
    const client = "192.0.2.77";
    const bystander = "192.0.2.78";
    const start = MID_WINDOW - 30_000 + 20 * MINUTE; // the window [12:20:00, 12:21:00)
    const at = (offsetMs: number, from = client) => {
      vi.setSystemTime(start + offsetMs);
      return limiter.take("share", from);
    };
    clockAt(start);
    for (let i = 0; i < 3; i++) expect((await at(10_000)).allowed).toBe(true);
    expect(await at(10_000)).toEqual({ allowed: false, retryAfterSeconds: 50, reason: "client" });
    expect(await at(59_999)).toEqual({ allowed: false, retryAfterSeconds: 1, reason: "client" });
    expect((await at(60_000)).allowed).toBe(true);

    const rowOf = async (who: string) => {
      const { rows } = await inspect.query<{ points: number; expire: string }>(
        "SELECT points, expire FROM rate_limits WHERE key = $1",
        [`share:client:${who}`],
      );
      return rows[0] ? { points: rows[0].points, expire: Number(rows[0].expire) } : undefined;
    };
    // The key's window restarted at the clock's minute, not at the first request of the new window.
    expect(await rowOf(client)).toEqual({ points: 1, expire: start + 2 * MINUTE });

    // Pruning runs at most once a minute per process (the first take pruned), and keeps a minute's grace
    // for slower clocks: the client's window ended at +120 s.
    await at(121_000, bystander);
    expect(await rowOf(client)).toBeDefined(); // ended a second ago: within the grace
    await at(180_500, bystander);
    expect(await rowOf(client)).toBeDefined(); // past the grace, but 59.5 s since the last prune
    await at(181_000, bystander);
    expect(await rowOf(client)).toBeUndefined();
    // A current window is never pruned: the bystander has two requests in [+180 s, +240 s).
    expect(await rowOf(bystander)).toEqual({ points: 2, expire: start + 4 * MINUTE });
  });
});

describe("the process limiter", () => {
  afterEach(() => vi.useRealTimers());

  it("is the one the proxy uses, counted in this test's database", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: MID_WINDOW });
    const pool: pg.Pool = createRateLimitPool(db.url);
    try {
      const request = () =>
        new NextRequest("http://127.0.0.1:3000/auth/login", {
          headers: { host: "127.0.0.1:3000", "x-atlas-client-address": "192.0.2.200" },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) statuses.push((await handleRateLimitedProxyRequest(request())).status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      const { rows } = await pool.query<{ points: number }>(
        `SELECT points FROM rate_limits WHERE key = 'sign-in:client:192.0.2.200'`,
      );
      expect(rows.map((row) => row.points)).toEqual([31]);
    } finally {
      await pool.end();
    }
  });

  it("closes: after closeRateLimiter its pool is ended, and the next request opens a new one", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: MID_WINDOW + 30 * MINUTE });
    const request = new NextRequest("http://127.0.0.1:3000/auth/login", {
      headers: { host: "127.0.0.1:3000", "x-atlas-client-address": "192.0.2.201" },
    });
    await handleRateLimitedProxyRequest(request);
    const before = processState().rateLimiter;
    expect(before?.lastCountedIn()).toBe("database");
    await closeRateLimiter();
    expect(processState().rateLimiter).toBeUndefined();
    // A closed limiter must not keep counting (its pool is gone): it answers from memory, never hangs.
    expect((await before?.take("sign-in", "192.0.2.201"))?.allowed).toBe(true);
    expect(before?.lastCountedIn()).toBe("memory");
    await handleRateLimitedProxyRequest(request);
    expect(processState().rateLimiter?.lastCountedIn()).toBe("database");
  });
});
