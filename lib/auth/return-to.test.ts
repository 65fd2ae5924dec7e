import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to";

describe("safeReturnTo", () => {
  it.each([
    ["/clusters?sort=name", "/clusters?sort=name"],
    ["/principals/abc", "/principals/abc"],
    [null, "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/auth/login", "/"],
    ["/.//evil.example", "/"], // found by the property below
    ["/a/..//evil.example", "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it("never leaves the app, whatever it is given (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.webPath(),
          fc.string().map((s) => `/${s}`),
        ),
        (input) => {
          const result = safeReturnTo(input);
          const resolved = new URL(result, "https://atlas.example.test/some/page");
          return (
            result.startsWith("/") &&
            !result.startsWith("//") &&
            resolved.origin === "https://atlas.example.test"
          );
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
