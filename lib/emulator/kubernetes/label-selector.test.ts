import { describe, expect, it } from "vitest";
import { parseLabelSelector } from "@/lib/emulator/kubernetes/label-selector";

// Semantics of k8s.io/apimachinery/pkg/labels/selector.go (Requirement.Matches).
const matches = (selector: string, labels: Record<string, string>) => {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.matches(labels);
};

describe("parseLabelSelector", () => {
  it.each([
    ["env in (a,b)", { env: "a" }, true],
    ["env in (a, b)", { env: "b" }, true],
    ["env in (a,b)", { env: "c" }, false],
    ["env in (a,b)", {}, false],
    ["env notin (a,b)", { env: "c" }, true],
    ["env notin (a,b)", {}, true],
    ["env notin (a,b)", { env: "a" }, false],
    ["env", { env: "" }, true],
    ["!env", { env: "x" }, false],
    ["!env", {}, true],
    ["env!=a", {}, true],
    ["env=a,tier in (web,api)", { env: "a", tier: "api" }, true],
    ["env==a,!canary", { env: "a", canary: "1" }, false],
    ["replicas>2", { replicas: "3" }, true],
    ["replicas<2", { replicas: "3" }, false],
    ["app.kubernetes.io/name=x", { "app.kubernetes.io/name": "x" }, true],
  ])("%s on %j → %s", (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it("rejects what the API server cannot parse", () => {
    for (const selector of ["env in (a,b", "env in a,b)", "=a", "env=a,", "env in (a!,b)", "n>x"]) {
      const parsed = parseLabelSelector(selector);
      expect(parsed.ok, selector).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/^unable to parse requirement: /);
    }
  });
});
