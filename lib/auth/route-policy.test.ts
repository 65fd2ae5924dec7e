import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RULE,
  POLICY_RULES,
  pathSegments,
  patternMatches,
  ruleFor,
  WRITE_METHODS,
} from "./route-policy";

const access = (method: string, path: string) => {
  const segments = pathSegments(path);
  if (!segments) throw new Error(`undecodable ${path}`);
  const rule = ruleFor(method, segments);
  return rule.access.kind === "role" ? rule.access.minimum : rule.access.kind;
};

describe("patternMatches", () => {
  it.each([
    ["/api/health", "/api/health", true],
    ["/api/health", "/api/health/x", false],
    ["/share/**", "/share", true],
    ["/share/**", "/share/a/b/c", true],
    ["/api/reports/*/shares/**", "/api/reports/12/shares/3", true],
    ["/api/reports/*/shares/**", "/api/reports/shares", false],
    ["/**", "/", true],
  ])("%s ~ %s → %s", (pattern, path, expected) => {
    expect(patternMatches(pattern, pathSegments(path) ?? [])).toBe(expected);
  });
});

describe("pathSegments", () => {
  it("decodes, lower-cases and drops empty segments; refuses dot segments and bad escapes", () => {
    expect(pathSegments("//API/%53ettings/")).toEqual(["api", "settings"]);
    expect(pathSegments("/a/%2e%2e/settings")).toBeUndefined();
    expect(pathSegments("/a/%zz")).toBeUndefined();
  });
});

describe("the policy table", () => {
  it("classifies the routes the product has and plans", () => {
    expect(access("GET", "/api/health")).toBe("public");
    expect(access("GET", "/share/tok")).toBe("public");
    expect(access("GET", "/clusters/aks-1")).toBe("viewer");
    expect(access("HEAD", "/api/clusters")).toBe("viewer");
    expect(access("POST", "/api/scans")).toBe("operator");
    expect(access("POST", "/api/reports/12/shares")).toBe("operator");
    expect(access("DELETE", "/api/reports/12/shares/4")).toBe("admin");
    expect(access("GET", "/settings")).toBe("admin");
    expect(access("POST", "/api/cron/scan")).toBe("machine");
    expect(access("POST", "/api/health")).toBe("deny");
    expect(access("POST", "/share/tok")).toBe("deny");
  });

  it("can be fooled by neither case nor encoding", () => {
    expect(access("GET", "/Settings")).toBe("admin");
    expect(access("GET", "/%73ettings")).toBe("admin");
    expect(access("POST", "/API/Scans")).toBe("operator");
  });

  it("never makes a write public or viewer-level, for any path (property)", () => {
    const segment = fc.oneof(
      fc.constantFrom(
        "api",
        "share",
        "auth",
        "settings",
        "scans",
        "reports",
        "shares",
        "cron",
        "health",
        "sign-out",
      ),
      fc.stringMatching(/^[a-z0-9._-]{1,8}$/),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...WRITE_METHODS),
        fc.array(segment, { maxLength: 5 }),
        (method, segments) => {
          const rule = ruleFor(method, segments);
          const kind = rule.access.kind;
          if (kind === "public") return method === "POST" && segments.join("/") === "auth/sign-out";
          if (kind === "role") return rule.access.minimum !== "viewer";
          return kind === "deny" || (kind === "machine" && segments[0] === "api" && segments[1] === "cron");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("has a reason for every rule, and ends with the viewer catch-all for reads", () => {
    for (const rule of POLICY_RULES) expect(rule.why.length).toBeGreaterThan(5);
    expect(POLICY_RULES.at(-1)?.pattern).toBe("/**");
    expect(DEFAULT_RULE.access.kind).toBe("deny");
  });
});
