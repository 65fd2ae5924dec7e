import { describe, expect, it } from "vitest";
import { checkListenAddress, isLoopbackHost, ListenRefusedError } from "./listen-policy";
import { anonymousConfig, entraConfig } from "./test-support";

describe("listen policy", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.3.2.1", true],
    ["::1", true],
    ["[::1]", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.1.2.3", false],
    ["atlas.contoso.com", false],
  ])("%s is loopback: %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("keeps anonymous mode on loopback unless explicitly allowed", () => {
    expect(checkListenAddress("127.0.0.1", anonymousConfig())).toEqual([]);
    expect(() => checkListenAddress("0.0.0.0", anonymousConfig())).toThrow(ListenRefusedError);
    expect(() => checkListenAddress("0.0.0.0", anonymousConfig())).toThrow(/ATLAS_ALLOW_ANONYMOUS=1/);
    const warnings = checkListenAddress("0.0.0.0", anonymousConfig({ ATLAS_ALLOW_ANONYMOUS: "1" }));
    expect(warnings.join(" ")).toMatch(/WITHOUT sign-in/);
  });

  it("lets a signed-in deployment listen anywhere, warning about plain HTTP", () => {
    expect(checkListenAddress("0.0.0.0", entraConfig())).toEqual([]);
    expect(
      checkListenAddress("0.0.0.0", entraConfig({ ATLAS_PUBLIC_URL: "http://atlas.contoso.com" })),
    ).toHaveLength(1);
  });
});
