import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleProxyRequest } from "./proxy-handler";
import { entraEnv } from "./test-support";

function stubEnv(env: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value ?? "");
}

afterEach(() => vi.unstubAllEnvs());

describe("proxy: headers and refusals on real NextRequests", () => {
  it("puts a nonce CSP and the security headers on a page, and forwards the nonce to the render", async () => {
    stubEnv({ ATLAS_AUTH_TENANT_ID: "" });
    const page = () =>
      new NextRequest("http://127.0.0.1:3000/clusters", { headers: { host: "127.0.0.1:3000" } });
    const response = await handleProxyRequest(page());
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("strict-transport-security")).toBeNull(); // plain-HTTP local demo
    // NextResponse.next({ request: { headers } }) encodes overridden request headers for Next's router.
    expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);

    const again = await handleProxyRequest(page());
    expect(again.headers.get("content-security-policy")).not.toBe(csp); // a fresh nonce per request
  });

  it("adds HSTS behind HTTPS and refuses a cross-site POST with a JSON error and the same headers", async () => {
    stubEnv(entraEnv());
    const response = await handleProxyRequest(
      new NextRequest("https://atlas.example.test/api/scans", {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: "cross_site_request", message: expect.stringContaining("another origin") },
    });
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("marks shared-report pages no-referrer and noindex", async () => {
    stubEnv(entraEnv());
    const response = await handleProxyRequest(new NextRequest("https://atlas.example.test/share/abc"));
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-robots-tag")).toContain("noindex");
  });

  it("fails closed on a broken configuration, except for health", async () => {
    stubEnv({ ATLAS_AUTH_TENANT_ID: "00000000-0000-0000-0000-00000000c0de" });
    const home = await handleProxyRequest(new NextRequest("http://127.0.0.1:3000/"));
    expect(home.status).toBe(500);
    expect((await home.json()).error.code).toBe("auth_misconfigured");
    expect((await handleProxyRequest(new NextRequest("http://127.0.0.1:3000/api/health"))).status).toBe(200);
  });
});
