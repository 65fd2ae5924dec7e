import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { handleProxyRequest } from "@/lib/auth/proxy-handler";
import { type AppRoute, concretePath, listAppRoutes } from "@/lib/auth/route-inventory";
import { closePool } from "@/lib/db/pool";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

/**
 * Malformed ids, query strings and bodies thrown at every API route handler found in app/api (file tree),
 * called directly with NextRequests against a database holding a scan of the demo tenant. Every answer must
 * be below 500, and every 4xx must be the one JSON error shape. Then the proxy itself gets garbage
 * headers, cookies and paths, and must always answer (never throw) with its headers set.
 */

type Handler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

const RUNS_PER_METHOD = Number(process.env.ATLAS_FUZZ_RUNS ?? 40);
// The cron endpoint is switched on (with a secret) so its input handling is what gets fuzzed, not "off".
const CRON_SECRET = "fuzz-cron-secret-0123456789abcdef0123456789";
let db: TestDatabase;
let scanId = "1";

const apiRoutes: AppRoute[] = listAppRoutes().filter(
  (route) => route.kind === "route" && route.pattern.startsWith("/api/"),
);

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  process.env.ATLAS_CRON_SECRET = CRON_SECRET;
  const pool = new pg.Pool({ connectionString: db.url });
  const demo = await loadDemoTenant();
  const outcome = await runScan({
    pool,
    tenant: { id: demo.tenantId.toLowerCase(), displayName: "Contoso", source: "import" },
    trigger: "cli",
    collect: async (onProgress) => {
      const model = modelFromTenantFile(demo);
      onProgress({ done: 1, total: 1 });
      return { model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } };
    },
  });
  scanId = outcome.scanId.toString();
  await pool.end();
});

afterAll(async () => {
  await closePool();
  const holder = globalThis as unknown as { atlasPrisma?: { $disconnect(): Promise<void> } };
  await holder.atlasPrisma?.$disconnect();
  holder.atlasPrisma = undefined;
  await db?.drop();
});

// --- what gets thrown ------------------------------------------------------------------------------------

const NASTY = [
  "",
  "0",
  "-1",
  "1e309",
  "NaN",
  "99999999999999999999999999",
  "9223372036854775808",
  "1.5",
  " 1",
  "null",
  "undefined",
  "../../etc/passwd",
  "%00",
  "\u0000",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "😀",
  "a".repeat(5000),
  "/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/aks-1",
  "aks-1",
  "00000000-0000-0000-0000-00000000c0de",
  "12.pdf",
  "12.exe",
];
const nasty = fc.constantFrom(...NASTY);
const idValue = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer().map(String),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    "scan",
    "limit",
    "before",
    "tenant",
    "q",
    "from",
    "to",
    "cluster",
    "severity",
    "rule",
    "status",
    "sort",
    "page",
    "framework",
    "kind",
    "key",
  ),
  fc.string({ maxLength: 12 }),
);
const query = fc.array(fc.tuple(queryKey, idValue), { maxLength: 6 });
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "{",
    "[1,",
    "null",
    "[]",
    '{"tenantId":1}',
    '{"__proto__":{"x":1}}',
    "\uFEFF{}",
    '{"a":'.repeat(200),
  ),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "",
);

function paramsFor(route: AppRoute, value: (name: string) => string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const segment of route.segments) {
    if (segment.kind === "dynamic") params[segment.name] = value(segment.name);
    if (segment.kind === "catch-all") params[segment.name] = [value(segment.name), "more"];
  }
  return params;
}

async function load(route: AppRoute): Promise<Record<string, unknown>> {
  return (await import(path.resolve(route.file))) as Record<string, unknown>;
}

/**
 * Handlers that serve documents to people rather than JSON to programs: a shared report's download link
 * answers an unknown token with the same HTML 404 page as /share/<token>. They must still never 5xx.
 */
const DOCUMENT_ROUTES = new Set(["/api/share/[token]"]);

const errorShape = z.strictObject({
  error: z.strictObject({ code: z.string().min(1), message: z.string().min(1) }),
});

describe("every API route handler, fuzzed", () => {
  it("found the API routes in the file tree", () => {
    expect(apiRoutes.map((route) => route.pattern)).toContain("/api/scans/[id]");
    expect(apiRoutes.length).toBeGreaterThanOrEqual(3);
  });

  const cases = apiRoutes.flatMap((route) =>
    route.methods
      .filter((m) => m !== "HEAD" && m !== "OPTIONS")
      .map((method) => ({ route, method, label: `${method} ${route.pattern}` })),
  );

  it.each(cases)("$label: malformed input is a 4xx JSON error, never a 5xx", async ({ route, method }) => {
    const handler = (await load(route))[method] as Handler;
    const sendsBody = method !== "GET";
    const failures: string[] = [];
    let reachedHandler = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(idValue, fc.constant(scanId)),
        query,
        body,
        contentType,
        fc.boolean(),
        async (id, pairs, payload, type, withSecret) => {
          const url = new URL(`http://127.0.0.1:3000${concretePath(route, () => id)}`);
          for (const [key, value] of pairs) url.searchParams.append(key, value);
          const makeRequest = () =>
            new NextRequest(url, {
              method,
              headers: {
                host: "127.0.0.1:3000",
                ...(type ? { "content-type": type } : {}),
                ...(withSecret ? { authorization: `Bearer ${CRON_SECRET}` } : {}),
              },
              ...(sendsBody && payload !== undefined ? { body: payload } : {}),
            });
          // As in production: the proxy first (anonymous mode, so only its input checks apply), then the handler.
          const request = makeRequest();
          const gate = await handleProxyRequest(makeRequest());
          const passed = gate.headers.get("x-middleware-next") === "1";
          if (passed) reachedHandler += 1;
          const response = passed
            ? await handler(request, { params: Promise.resolve(paramsFor(route, () => id)) })
            : gate;
          const text = await response.text();
          const summary = `${method} ${url.pathname}${url.search} body=${JSON.stringify(payload)?.slice(0, 80)} → ${response.status} ${text.slice(0, 200)}`;
          if (response.status >= 500) failures.push(summary);
          if (response.status >= 400 && response.status < 500) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const shaped = errorShape.safeParse(parsed).success;
            const json = (response.headers.get("content-type") ?? "").includes("application/json");
            if ((!shaped || !json) && !DOCUMENT_ROUTES.has(route.pattern)) {
              failures.push(`not the JSON error shape: ${summary}`);
            }
          }
          // Failures are collected rather than thrown, so one run reports every distinct problem.
          return true;
        },
      ),
      {
        numRuns: RUNS_PER_METHOD,
        // The classic troublemakers always, then random input.
        examples: NASTY.map((id): [string, [string, string][], string, "application/json", boolean] => [
          id,
          [["scan", id]],
          id,
          "application/json",
          true,
        ]),
      },
    );
    expect([...new Set(failures)].slice(0, 10)).toEqual([]);
    // Most inputs must get past the proxy, or the handler was never really fuzzed.
    expect(reachedHandler).toBeGreaterThan(RUNS_PER_METHOD / 2);
  });
});

describe("every API route, every method it does not answer", () => {
  // Issue #18 finding 7: a method a handler does not export is a 405 naming the ones it does, never a 500
  // or a misleading 403. TRACE/CONNECT are answered by the custom server (lib/http/methods.test.ts).
  const cases = apiRoutes.flatMap((route) =>
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "MKCOL"]
      .filter(
        (method) => !route.methods.includes(method) && !(method === "HEAD" && route.methods.includes("GET")),
      )
      .map((method) => ({ route, method, label: `${method} ${route.pattern}` })),
  );

  it.each(cases)("$label → 405 with Allow", async ({ route, method }) => {
    process.env.ATLAS_AUTH_TENANT_ID = "";
    const response = await handleProxyRequest(
      new NextRequest(`http://127.0.0.1:3000${concretePath(route, () => scanId)}`, {
        method,
        headers: { host: "127.0.0.1:3000" },
      }),
    );
    delete process.env.ATLAS_AUTH_TENANT_ID;
    expect(response.status).toBe(405);
    const allow = (response.headers.get("allow") ?? "").split(", ");
    for (const exported of route.methods) expect(allow).toContain(exported);
    expect(allow).not.toContain(method);
    if (method !== "HEAD") expect(errorShape.safeParse(await response.json()).success).toBe(true);
  });
});

describe("the proxy, fuzzed", () => {
  it("always answers, with its headers, whatever the method, path, headers and cookies", async () => {
    process.env.ATLAS_AUTH_TENANT_ID = "";
    const header = fc.constantFrom(
      "origin",
      "sec-fetch-site",
      "x-csrf-token",
      "host",
      "referer",
      "x-forwarded-for",
      "cookie",
    );
    const segment = fc.oneof(
      fc.constantFrom("api", "share", "auth", "settings", "scans", "_next", "%", "%2e%2e", "%zz", ".."),
      fc.string({ maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"),
        fc.array(segment, { maxLength: 5 }),
        fc.array(fc.tuple(header, fc.string({ maxLength: 60 })), { maxLength: 5 }),
        async (method, segments, headers) => {
          let url: URL;
          try {
            url = new URL(
              `http://127.0.0.1:3000/${segments.map((s) => s.replace(/[/?#\\]/g, "")).join("/")}`,
            );
          } catch {
            return true;
          }
          const h = new Headers({ host: "127.0.0.1:3000" });
          for (const [name, value] of headers) {
            try {
              h.set(name, value);
            } catch {
              // not a valid header value: browsers cannot send it either
            }
          }
          const response = await handleProxyRequest(new NextRequest(url, { method, headers: h }));
          expect(response.headers.get("x-content-type-options")).toBe("nosniff");
          expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
          return response.status < 500;
        },
      ),
      { numRuns: 1500 },
    );
    delete process.env.ATLAS_AUTH_TENANT_ID;
  });
});
