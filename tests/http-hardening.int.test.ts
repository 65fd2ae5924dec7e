import path from "node:path";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { POST as createShareRoute } from "@/app/api/reports/[id]/shares/route";
import { POST as createReportRoute } from "@/app/api/reports/route";
import { GET as searchRoute } from "@/app/api/search/route";
import { PATCH as settingsRoute } from "@/app/api/settings/route";
import { GET as sharePage } from "@/app/share/[token]/route";
import { handleProxyRequest } from "@/lib/auth/proxy-handler";
import { type AppRoute, concretePath, listAppRoutes } from "@/lib/auth/route-inventory";
import { SHARE_CONTENT_SECURITY_POLICY } from "@/lib/auth/security-headers";
import { entraConfig, entraEnv, sessionCookies, sessionFor } from "@/lib/auth/test-support";
import { closePool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { MAX_JSON_BODY_BYTES } from "@/lib/http/json-body";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

/**
 * Issue #18, findings 5, 6, 7 and 9, against a database holding a scan of the demo tenant: the share page's
 * CSP and its script-free HTML, Cache-Control on every API route, control characters refused with 400 (no
 * PostgreSQL 22021), oversized bodies answered 413, health details for callers with a role only, and share
 * URLs that ignore X-Forwarded-Host. Routes are called as Next calls them: the proxy, then the handler.
 *
 * Why the proxy's headers are the ones that count: Next copies the headers of `NextResponse.next()` onto the
 * outgoing response first, and a handler's header of the same name is then skipped
 * (node_modules/next/dist/server/send-response.js: `if (… || !isHeaderPresent) res.appendHeader(…)`).
 */

const ORIGIN = "http://127.0.0.1:3000";
const CRON_SECRET = "hardening-cron-secret-0123456789abcdef";
let db: TestDatabase;
let pool: pg.Pool;
let tenantId = "";
let reportId = "";

type Handler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

function request(
  pathname: string,
  init: { method?: string; body?: BodyInit; headers?: Record<string, string> } = {},
): NextRequest {
  return new NextRequest(new URL(pathname, ORIGIN), {
    method: init.method ?? "GET",
    headers: { host: "127.0.0.1:3000", ...init.headers },
    ...(init.body !== undefined ? { body: init.body, duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
}
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

async function errorCode(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code ?? "(none)" };
}

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  pool = new pg.Pool({ connectionString: db.url });
  const demo = await loadDemoTenant();
  tenantId = demo.tenantId.toLowerCase();
  const model = modelFromTenantFile(demo);
  await runScan({
    pool,
    tenant: { id: tenantId, displayName: "Contoso", source: "import" },
    trigger: "cli",
    collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
  });
  const created = await createReportRoute(
    request("/api/reports", { method: "POST", body: JSON.stringify({ title: "Hardening report" }) }),
  );
  expect(created.status).toBe(201);
  reportId = ((await created.json()) as { id: string }).id;
});

afterEach(() => vi.unstubAllEnvs());

afterAll(async () => {
  await prisma().$disconnect();
  await closePool();
  await pool?.end();
  await db?.drop();
});

async function newShareToken(): Promise<string> {
  const created = await createShareRoute(
    request(`/api/reports/${reportId}/shares`, { method: "POST", body: "{}" }),
    params({ id: reportId }),
  );
  expect(created.status).toBe(201);
  return ((await created.json()) as { token: string }).token;
}

describe("finding 5: the public share page allows no script and no fetch", () => {
  it("the proxy sends the strict share CSP, not the app's nonce policy, on the page and the files", async () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    const token = await newShareToken();
    for (const pathname of [`/share/${token}`, `/api/share/${token}.pdf`, "/share/not-a-token"]) {
      const gate = await handleProxyRequest(request(pathname));
      expect(gate.headers.get("x-middleware-next")).toBe("1");
      const csp = gate.headers.get("content-security-policy") ?? "";
      expect(csp).toBe(SHARE_CONTENT_SECURITY_POLICY);
      const directives = new Map(
        csp.split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(" ")] as const;
        }),
      );
      expect(directives.get("default-src")).toBe("'none'");
      expect(directives.has("script-src")).toBe(false); // falls back to default-src 'none'
      expect(directives.get("connect-src")).toBe("'none'");
      expect(directives.get("form-action")).toBe("'none'");
      expect(directives.get("frame-ancestors")).toBe("'none'");
      expect(csp).not.toMatch(/nonce-|'self'|strict-dynamic|unsafe-eval/);
      // The request CSP Next would read a nonce from is the strict one too: nothing to stamp scripts with.
      expect(gate.headers.get("x-middleware-request-content-security-policy")).toBe(
        SHARE_CONTENT_SECURITY_POLICY,
      );
      expect(gate.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("the page is complete, readable HTML without a single script or outside resource", async () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    const token = await newShareToken();
    const response = await sharePage(request(`/share/${token}`), params({ token }));
    expect(response.status).toBe(200);
    const html = await response.text();
    // A route handler's own document: Next injects no runtime into it, and we put none in.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i); // styles are inline (style-src 'unsafe-inline')
    expect(html).not.toMatch(/<(img|iframe|object|embed|video|audio)\b[^>]*\ssrc=["'](?!data:)/i); // img-src data:
    expect(html).not.toMatch(/url\((?!["']?data:)/i);
    expect(html).not.toMatch(/<form\b/i);
    // …and the content is there in the markup itself, not fetched later.
    expect(html).toContain("Hardening report");
    expect(html).toMatch(/cluster-admin/i);
    expect(html).toContain(`/api/share/${token}.pdf`);
  });
});

describe("finding 6: Cache-Control private, no-store on every answer with data", () => {
  const apiRoutes: AppRoute[] = listAppRoutes().filter(
    (route) => route.kind === "route" && route.pattern.startsWith("/api/"),
  );
  const cases = apiRoutes.flatMap((route) =>
    route.methods.map((method) => ({ route, method, label: `${method} ${route.pattern}` })),
  );

  it("covers the API routes of the file tree", () => {
    expect(cases.map((c) => c.label)).toEqual(
      expect.arrayContaining(["GET /api/settings", "PATCH /api/settings", "GET /api/clusters/[id]/access"]),
    );
  });

  it.each(cases)("$label: the proxy marks the answer private, no-store", async ({ route, method }) => {
    // Anonymous mode: every local caller is admin, so every route passes to its handler.
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    const anonymous = await handleProxyRequest(
      request(
        concretePath(route, () => "1"),
        { method },
      ),
    );
    expect(anonymous.headers.get("x-middleware-next")).toBe("1");
    expect(anonymous.headers.get("cache-control")).toBe("private, no-store");

    // With sign-in: an admin's session (reads; writes would need the CSRF token, tested in lib/auth).
    if (method !== "GET") return;
    const env = entraEnv();
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value ?? "");
    const config = entraConfig();
    const cookie = Object.entries(await sessionCookies(config, sessionFor("admin", Date.now())))
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const signedIn = await handleProxyRequest(
      new NextRequest(
        new URL(
          concretePath(route, () => "1"),
          "https://atlas.example.test",
        ),
        {
          headers: { cookie },
        },
      ),
    );
    if (route.pattern.startsWith("/api/cron/")) return; // machine route: no session involved
    expect(signedIn.headers.get("x-middleware-next")).toBe("1");
    expect(signedIn.headers.get("cache-control")).toBe("private, no-store");
  });

  it("pages with data get it too; framework assets do not need it", async () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    expect((await handleProxyRequest(request("/clusters"))).headers.get("cache-control")).toBe(
      "private, no-store",
    );
    expect((await handleProxyRequest(request("/settings"))).headers.get("cache-control")).toBe(
      "private, no-store",
    );
    expect((await handleProxyRequest(request("/favicon.ico"))).headers.get("cache-control")).toBeNull();
  });
});

describe("finding 7: control characters are a 400, never a database error", () => {
  it("a NUL in a report title (was PostgreSQL 22021 → 500)", async () => {
    for (const title of ["a\u0000b", "bell\u0007", "del\u007f", "c1\u0085next", "tab\tinside"]) {
      const response = await createReportRoute(
        request("/api/reports", { method: "POST", body: JSON.stringify({ title }) }),
      );
      expect({ title, ...(await errorCode(response)) }).toEqual({ title, status: 400, code: "invalid_body" });
    }
  });

  it("in a report's cluster scope and in the settings fields", async () => {
    const scoped = await createReportRoute(
      request("/api/reports", {
        method: "POST",
        body: JSON.stringify({ scope: { clusters: ["aks-1\u0000"] } }),
      }),
    );
    expect(await errorCode(scoped)).toEqual({ status: 400, code: "invalid_body" });
    for (const field of [
      { webhookUrl: "https://hooks.example.com/a\u0000b" },
      { scanTimezone: "UTC\u0000" },
      { scanSchedule: "0 \u0000 * * *" },
      { webhookFormat: "slack\u0000" },
    ]) {
      const response = await settingsRoute(
        request("/api/settings", { method: "PATCH", body: JSON.stringify({ tenantId, ...field }) }),
      );
      expect({ field, ...(await errorCode(response)) }).toEqual({ field, status: 400, code: "invalid_body" });
    }
  });

  it("in a query string: C1 controls too, which the old check let through", async () => {
    const response = await (searchRoute as unknown as Handler)(
      request(`/api/search?q=${encodeURIComponent("aks\u0085")}`),
      params({}),
    );
    expect(response.status).toBe(400);
  });
});

describe("finding 9: health, share URLs and oversized bodies", () => {
  it("health tells anonymous callers the status only; callers with a role also get the versions", async () => {
    const env = entraEnv();
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value ?? "");
    const config = entraConfig();
    const withSession = async (role: "viewer" | null) =>
      new NextRequest("https://atlas.example.test/api/health", {
        headers: {
          cookie: Object.entries(await sessionCookies(config, sessionFor(role, Date.now())))
            .map(([name, value]) => `${name}=${value}`)
            .join("; "),
        },
      });

    const anonymous = await healthRoute(new NextRequest("https://atlas.example.test/api/health"));
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: "ok" });

    const noRole = await healthRoute(await withSession(null));
    expect(await noRole.json()).toEqual({ status: "ok" });

    const viewer = (await (await healthRoute(await withSession("viewer"))).json()) as {
      version?: string;
      database?: { serverVersion?: string };
    };
    expect(viewer.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(viewer.database?.serverVersion).toMatch(/^\d+/);
  });

  it("a share URL ignores X-Forwarded-Host and -Proto, and uses ATLAS_PUBLIC_URL when set", async () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    const forged = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    const create = async () => {
      const response = await createShareRoute(
        request(`/api/reports/${reportId}/shares`, { method: "POST", body: "{}", headers: forged }),
        params({ id: reportId }),
      );
      expect(response.status).toBe(201);
      return (await response.json()) as { url: string; token: string };
    };
    const local = await create();
    // The listener's own address as Next names it (NextURL spells loopback "localhost").
    expect(local.url).toBe(`http://localhost:3000/share/${local.token}`);

    vi.stubEnv("ATLAS_PUBLIC_URL", "https://atlas.contoso.test");
    const configured = await create();
    expect(configured.url).toBe(`https://atlas.contoso.test/share/${configured.token}`);
  });

  it("a body over the limit is 413 payload_too_large at every JSON route, declared or streamed", async () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    vi.stubEnv("ATLAS_CRON_SECRET", CRON_SECRET);
    // 11 MB: past Next's 10 MB cut, valid JSON — the old readers parsed it and answered something else.
    const huge = JSON.stringify({ title: "a".repeat(11 * 1024 * 1024) });
    const routes: { file: string; method: string; pathname: string; params: Record<string, string> }[] = [
      { file: "app/api/reports/route.ts", method: "POST", pathname: "/api/reports", params: {} },
      {
        file: "app/api/reports/[id]/shares/route.ts",
        method: "POST",
        pathname: `/api/reports/${reportId}/shares`,
        params: { id: reportId },
      },
      { file: "app/api/scans/route.ts", method: "POST", pathname: "/api/scans", params: {} },
      { file: "app/api/settings/route.ts", method: "PATCH", pathname: "/api/settings", params: {} },
      { file: "app/api/cron/scan/route.ts", method: "POST", pathname: "/api/cron/scan", params: {} },
    ];
    for (const route of routes) {
      const handler = ((await import(path.resolve(route.file))) as Record<string, Handler>)[route.method];
      const headers = { authorization: `Bearer ${CRON_SECRET}`, "content-type": "application/json" };
      const declared = await handler(
        request(route.pathname, { method: route.method, body: huge, headers }),
        params(route.params),
      );
      expect({ route: route.pathname, ...(await errorCode(declared)) }).toEqual({
        route: route.pathname,
        status: 413,
        code: "payload_too_large",
      });
      // No Content-Length (chunked): counted while reading, stopped just past the limit.
      const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > MAX_JSON_BODY_BYTES * 4) controller.close();
          else {
            sent += chunk.byteLength;
            controller.enqueue(chunk);
          }
        },
      });
      const streamed = await handler(
        request(route.pathname, { method: route.method, body: stream, headers }),
        params(route.params),
      );
      expect({ route: route.pathname, ...(await errorCode(streamed)) }).toEqual({
        route: route.pathname,
        status: 413,
        code: "payload_too_large",
      });
      expect(sent).toBeLessThan(MAX_JSON_BODY_BYTES * 2);
    }
  });
});
