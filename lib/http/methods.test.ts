import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handleProxyRequest } from "@/lib/auth/proxy-handler";
import { listAppRoutes } from "@/lib/auth/route-inventory";
import { APP_METHODS, answerConnect, answerUnsupportedMethod, ROUTE_HANDLER_METHODS } from "./methods";

// Issue #18 finding 7: `TRACE /` was a 500. The Fetch standard makes TRACE, TRACK and CONNECT "forbidden
// methods" (https://fetch.spec.whatwg.org/#forbidden-method): `new Request(url, { method: "TRACE" })`
// throws, and Next turns every Node request into one (node_modules/next/dist/server/web/spec-extension/
// adapters/next-request.js), so the refusal has to happen in the custom server, before Next.

describe("the route-handler method table", () => {
  it("is exactly what app/**/route.ts exports (add a new handler's methods to ROUTE_HANDLER_METHODS)", () => {
    const fromFiles = Object.fromEntries(
      listAppRoutes()
        .filter((route) => route.kind === "route")
        .map((route) => [route.pattern.replace(/\[[^\]/]+\]/g, "*"), [...route.methods].sort()]),
    );
    const fromTable = Object.fromEntries(
      Object.entries(ROUTE_HANDLER_METHODS).map(([pattern, methods]) => [pattern, [...methods].sort()]),
    );
    expect(fromTable).toEqual(fromFiles);
  });
});

describe("the proxy answers a method a route does not have with 405 and Allow", () => {
  async function proxied(method: string, pathname: string) {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", ""); // anonymous: everyone is admin, only the method decides
    const response = await handleProxyRequest(
      new NextRequest(`http://127.0.0.1:3000${pathname}`, { method, headers: { host: "127.0.0.1:3000" } }),
    );
    vi.unstubAllEnvs();
    return response;
  }

  it.each([
    ["PUT", "/api/scans", "GET, HEAD, POST, OPTIONS"],
    ["DELETE", "/api/clusters", "GET, HEAD, OPTIONS"],
    ["POST", "/api/health", "GET, HEAD, OPTIONS"],
    ["PATCH", "/api/shares/12", "DELETE, OPTIONS"],
    ["GET", "/api/shares/12", "DELETE, OPTIONS"],
    ["POST", "/share/abc", "GET, HEAD, OPTIONS"],
    ["PROPFIND", "/api/settings", "GET, HEAD, PATCH, OPTIONS"],
    ["PROPFIND", "/", APP_METHODS.join(", ")],
    ["MKCOL", "/clusters", APP_METHODS.join(", ")],
  ])("%s %s → 405, Allow: %s", async (method, pathname, allow) => {
    const response = await proxied(method, pathname);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    if (pathname.startsWith("/api/")) {
      expect(await response.json()).toEqual({
        error: { code: "method_not_allowed", message: expect.stringContaining(method) },
      });
    }
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("lets the methods a route has through, and leaves unknown paths to the policy table", async () => {
    expect((await proxied("POST", "/api/scans")).headers.get("x-middleware-next")).toBe("1");
    expect((await proxied("HEAD", "/api/clusters")).headers.get("x-middleware-next")).toBe("1");
    expect((await proxied("OPTIONS", "/api/scans")).headers.get("x-middleware-next")).toBe("1");
    expect((await proxied("DELETE", "/api/shares/12")).headers.get("x-middleware-next")).toBe("1");
    // A route nobody classified keeps its default-deny answer (lib/auth/route-policy.ts).
    expect((await proxied("PUT", "/api/not-yet-classified")).status).toBe(403);
  });
});

describe("the custom server answers TRACE, TRACK, CONNECT and unknown methods itself", () => {
  let server: http.Server;
  let port = 0;
  let reachedNext = 0;

  beforeAll(async () => {
    // The same order as lib/server/start.ts: refuse first, then hand over to Next — represented here by the
    // conversion Next's adapter performs on every request, which is what threw for TRACE.
    server = http.createServer((req, res) => {
      if (answerUnsupportedMethod(req, res)) return;
      try {
        new NextRequest(`http://127.0.0.1${req.url}`, { method: req.method });
        reachedNext += 1;
        res.end("next");
      } catch {
        res.statusCode = 500;
        res.end("internal");
      }
    });
    server.on("connect", answerConnect);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function send(method: string, path = "/"): Promise<{ status: number; allow?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method, path, agent: false }, (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
      });
      // CONNECT answers arrive on 'connect', not as a response.
      req.on("connect", (res, socket, head) => {
        let body = head.toString();
        socket.on("data", (chunk) => {
          body += chunk;
        });
        socket.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("the fetch conversion inside Next really throws for TRACE (why this must come first)", () => {
    expect(() => new NextRequest("http://127.0.0.1/", { method: "TRACE" })).toThrow();
  });

  // (TRACK is not in Node's HTTP parser at all: Node itself answers it 400 before any listener runs.)
  it.each(["TRACE", "PROPFIND", "MKCOL", "CONNECT"])("%s → 405 with Allow, never a 500", async (method) => {
    const before = reachedNext;
    const answer = await send(method, method === "CONNECT" ? "127.0.0.1:5432" : "/");
    expect(answer.status).toBe(405);
    expect(answer.allow).toBe(APP_METHODS.join(", "));
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: "method_not_allowed", message: expect.stringContaining(method) },
    });
    expect(reachedNext).toBe(before);
  });

  it("the methods the app uses go on to Next", async () => {
    for (const method of APP_METHODS) {
      expect((await send(method)).status).toBe(200);
    }
    expect(reachedNext).toBeGreaterThanOrEqual(APP_METHODS.length);
  });
});
