import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { ListenRefusedError } from "./listen-policy";
import { applyRequestSecurity, prepareServerSecurity } from "./server-hooks";
import { anonymousConfig, entraConfig } from "./test-support";

afterEach(() => vi.unstubAllEnvs());

function fakeExchange(headers: Record<string, string>, remoteAddress: string) {
  const set = new Map<string, string>();
  const req = { headers: { ...headers }, socket: { remoteAddress } } as unknown as IncomingMessage;
  const res = {
    setHeader: (name: string, value: string) => set.set(name.toLowerCase(), value),
  } as unknown as ServerResponse;
  return { req, res, set };
}

describe("server hooks", () => {
  it("refuses to start anonymously on a non-loopback address, with the way out in the message", () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    vi.stubEnv("ATLAS_ALLOW_ANONYMOUS", "");
    expect(() => prepareServerSecurity("0.0.0.0")).toThrow(ListenRefusedError);
    expect(prepareServerSecurity("127.0.0.1").lines[0]).toMatch(/anonymous local demo/);
  });

  it("refuses to start with a bad share rate limit, and says where client addresses come from", () => {
    vi.stubEnv("ATLAS_AUTH_TENANT_ID", "");
    vi.stubEnv("ATLAS_SHARE_RATE_LIMIT", "none");
    expect(() => prepareServerSecurity("127.0.0.1")).toThrow(/ATLAS_SHARE_RATE_LIMIT/);
    vi.stubEnv("ATLAS_SHARE_RATE_LIMIT", "");
    expect(prepareServerSecurity("127.0.0.1").lines).toContain(
      "client addresses: the connection's (X-Forwarded-For ignored; ATLAS_TRUST_PROXY=1 behind a reverse proxy)",
    );
  });

  it("overwrites a client-supplied address header with the socket's address", () => {
    const { req, res } = fakeExchange(
      { [CLIENT_ADDRESS_HEADER]: "1.2.3.4", "x-forwarded-for": "5.6.7.8" },
      "::ffff:10.0.0.9",
    );
    applyRequestSecurity(anonymousConfig(), req, res);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("10.0.0.9");
  });

  it("trusts only the last X-Forwarded-For hop behind a reverse proxy, and sets baseline headers", () => {
    const config = entraConfig({ ATLAS_TRUST_PROXY: "1" });
    const { req, res, set } = fakeExchange({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }, "10.0.0.2");
    applyRequestSecurity(config, req, res);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.7");
    expect(set.get("x-content-type-options")).toBe("nosniff");
    expect(set.get("strict-transport-security")).toMatch(/max-age=/);
    expect(set.has("content-security-policy")).toBe(false); // the proxy's, with the nonce
  });

  it("drops the port a proxy appends to its hop, so each new connection is not a new client", () => {
    const config = entraConfig({ ATLAS_TRUST_PROXY: "1" });
    for (const port of [50001, 50002]) {
      const { req, res } = fakeExchange({ "x-forwarded-for": `6.6.6.6, 203.0.113.7:${port}` }, "10.0.0.2");
      applyRequestSecurity(config, req, res);
      expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.7");
    }
  });
});
