import { describe, expect, it } from "vitest";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  normalizeAddress,
  requestClientAddress,
} from "./client-address";

describe("clientAddress", () => {
  it("ignores X-Forwarded-For without ATLAS_TRUST_PROXY: the socket's address counts", () => {
    const spoofed = { remoteAddress: "::ffff:192.0.2.5", forwardedFor: "203.0.113.66", trustProxy: false };
    expect(clientAddress(spoofed)).toBe("192.0.2.5");
  });

  it("behind a trusted proxy takes the last hop only, as one list across header lines (RFC 9110 §5.3)", () => {
    const input = (forwardedFor: string | string[]) => ({
      remoteAddress: "10.0.0.2",
      forwardedFor,
      trustProxy: true,
    });
    expect(clientAddress(input("203.0.113.66, 198.51.100.7"))).toBe("198.51.100.7");
    expect(clientAddress(input(["203.0.113.66", "198.51.100.8"]))).toBe("198.51.100.8");
    // Application Gateway appends "IP:port" (a new port per connection): the port is not the client.
    expect(clientAddress(input("203.0.113.66, 198.51.100.7:50123"))).toBe("198.51.100.7");
    // A last hop that is no address (a misconfigured proxy) falls back to the proxy's socket, not to a forged hop.
    expect(clientAddress(input("198.51.100.7, not-an-ip"))).toBe("10.0.0.2");
    expect(clientAddress(input(""))).toBe("10.0.0.2");
  });

  it("says unknown when there is nothing to go on", () => {
    expect(clientAddress({ remoteAddress: undefined, forwardedFor: undefined, trustProxy: false })).toBe(
      "unknown",
    );
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["192.0.2.1:8080", "192.0.2.1"],
    ["[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"],
    // One host commonly holds a whole /64: every address in it is one client.
    ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::192.0.2.1", "0:0:0:0::/64"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each(["", "unknown", "999.1.1.1", "1.2.3", "x-atlas; drop table", "2001:db8::1::2"])(
    "refuses %j",
    (raw) => {
      expect(normalizeAddress(raw)).toBeUndefined();
    },
  );
});

describe("requestClientAddress", () => {
  it("reads the address the custom server stamped, and nothing else", () => {
    expect(requestClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: "192.0.2.9" }))).toBe("192.0.2.9");
    expect(
      requestClientAddress(new Headers({ "x-forwarded-for": "192.0.2.9", "x-real-ip": "192.0.2.9" })),
    ).toBe("unknown");
  });
});
