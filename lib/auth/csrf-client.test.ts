import { describe, expect, it } from "vitest";
import { CSRF_HEADER_NAME, installCsrfFetch, readCsrfToken } from "./csrf-client";

function fakeWindow(cookie: string) {
  const calls: { url: string; headers: Headers; method: string }[] = [];
  const target = {
    location: { href: "http://127.0.0.1:3000/scans", origin: "http://127.0.0.1:3000" },
    document: { cookie },
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(input), headers: new Headers(init?.headers), method: init?.method ?? "GET" });
      return new Response(null, { status: 204 });
    },
  };
  return { target: target as unknown as Window & typeof globalThis, calls };
}

describe("installCsrfFetch", () => {
  it("adds the token to same-origin writes only", async () => {
    const { target, calls } = fakeWindow("other=1; atlas_csrf=nonce.mac; x=y");
    installCsrfFetch(target);
    installCsrfFetch(target); // idempotent
    await target.fetch("/api/scans", { method: "POST", body: "{}" });
    await target.fetch("/api/scans");
    await target.fetch("https://evil.example/collect", { method: "POST" });
    expect(calls.map((c) => [c.method, c.url, c.headers.get(CSRF_HEADER_NAME)])).toEqual([
      ["POST", "/api/scans", "nonce.mac"],
      ["GET", "/api/scans", null],
      ["POST", "https://evil.example/collect", null],
    ]);
  });

  it("reads the __Host- cookie on HTTPS", () => {
    expect(readCsrfToken("__Host-atlas_csrf=abc.def")).toBe("abc.def");
    expect(readCsrfToken("atlas_csrfx=1")).toBeUndefined();
  });
});
