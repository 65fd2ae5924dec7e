import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/findings/types";
import { CliError } from "./cli-error";
import { FAIL_ON_EXIT_CODE, gatedExitCode, parseFailOn } from "./fail-on";

const finding = (status: Finding["status"], severity: Finding["severity"]) => ({
  status,
  severity,
  ruleId: "rule",
  cluster: { id: "/c", name: "aks-1" },
  title: "t",
  evidence: { summary: "s", objects: [] },
});

describe("--fail-on", () => {
  it("accepts the five severities, case-insensitively, and refuses anything else naming them", () => {
    expect(parseFailOn(undefined)).toBeUndefined();
    expect(parseFailOn("CRITICAL")).toBe("critical");
    expect(parseFailOn("info")).toBe("info");
    expect(() => parseFailOn("severe")).toThrow(CliError);
    expect(() => parseFailOn("severe")).toThrow(
      '--fail-on must be one of critical|high|medium|low|info, got "severe"',
    );
  });

  it.each([
    // [scan exit code, threshold, findings, expected]
    [0, "critical", [finding("fail", "critical")], FAIL_ON_EXIT_CODE],
    [0, "high", [finding("fail", "critical")], FAIL_ON_EXIT_CODE], // above the threshold counts
    [0, "critical", [finding("fail", "high")], 0], // below it does not
    [0, "critical", [finding("pass", "critical"), finding("not-assessed", "critical")], 0], // only failing ones
    [2, "medium", [finding("fail", "medium")], FAIL_ON_EXIT_CODE], // the gate wins over "partial"
    [2, "critical", [finding("fail", "low")], 2],
    [1, "info", [finding("fail", "critical")], 1], // a failed scan stays failed
    [0, undefined, [finding("fail", "critical")], 0], // no flag, no gate
  ] as const)("exit %i with --fail-on %s → %i", (code, threshold, findings, expected) => {
    const lines: string[] = [];
    expect(gatedExitCode(code, threshold, findings, (line) => lines.push(line))).toBe(expected);
    expect(lines.length > 0).toBe(expected === FAIL_ON_EXIT_CODE);
  });
});
