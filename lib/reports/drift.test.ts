import { beforeAll, describe, expect, it } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import {
  analyseTenant,
  type DemoAnalysis,
  demoAnalysis,
  reportFrom,
} from "@/lib/reports/fixtures/demo-report";
import { withLocalAccountsDisabled } from "@/lib/reports/fixtures/tenant-variants";

describe("drift since the previous report of the same scope", () => {
  let before: DemoAnalysis;
  let after: DemoAnalysis;
  beforeAll(async () => {
    before = await demoAnalysis();
    after = analyseTenant(withLocalAccountsDisabled(await loadDemoTenant(), "aks-1"));
  });

  it("says there is nothing to compare for the first report", () => {
    const drift = reportFrom(before).drift;
    expect(drift.previousReport).toBeNull();
    expect(drift.findings.newlyFailing).toEqual([]);
    expect(drift.clusterAdmins.gained).toEqual([]);
  });

  it("is empty when nothing changed", () => {
    const previous = reportFrom(before);
    const drift = reportFrom(before, { id: "8", previous }).drift;
    expect(drift.previousReport).toEqual({
      id: previous.report.id,
      createdAt: previous.report.createdAt,
      scanId: previous.scan.id,
    });
    expect(drift.findings).toEqual({ newlyFailing: [], resolved: [] });
    expect(drift.clusterAdmins).toEqual({ gained: [], lost: [] });
  });

  it("reports what disabling local accounts on aks-1 resolved, and who lost cluster-admin there", () => {
    const previous = reportFrom(before);
    const current = reportFrom(after, { id: "8", previous });
    const expectedResolved = previous.findings
      .filter((f) => f.status === "fail")
      // resolved = now passing, or gone (a subject that no longer has the problem has no finding)
      .filter((f) => ["pass", undefined].includes(current.findings.find((c) => c.key === f.key)?.status))
      .map((f) => f.key)
      .sort();
    expect(expectedResolved.length).toBeGreaterThan(0);
    expect(current.drift.findings.resolved.map((f) => f.key).sort()).toEqual(expectedResolved);
    expect(current.drift.findings.resolved.every((f) => f.cluster.name === "aks-1")).toBe(true);
    const lost = current.drift.clusterAdmins.lost;
    expect(lost.map((a) => a.principal.displayName)).toContain("Penny");
    expect(lost.every((a) => a.cluster.name === "aks-1" && a.routes.includes("local-admin-credential"))).toBe(
      true,
    );
    expect(current.drift.clusterAdmins.gained).toEqual([]);
    // Those who held the admin credential through managedClusters/* can re-enable local accounts: from
    // "is cluster-admin" they become "can become cluster-admin" on aks-1 — the only new failures.
    const newlyFailing = current.drift.findings.newlyFailing;
    expect(newlyFailing.length).toBeGreaterThan(0);
    expect(
      newlyFailing.every((f) => f.ruleId === "escalation-to-cluster-admin" && f.cluster.name === "aks-1"),
    ).toBe(true);
    expect(newlyFailing.map((f) => f.summary).join("\n")).toMatch(/^Penny is not cluster-admin on aks-1/m);
  });

  it("reports the same change the other way round as newly failing and gained", () => {
    const previous = reportFrom(after);
    const current = reportFrom(before, { id: "8", previous });
    expect(current.drift.findings.newlyFailing.length).toBeGreaterThan(0);
    expect(current.drift.clusterAdmins.gained.map((a) => a.principal.displayName)).toContain("Penny");
    // The other way round, the only resolved findings are those "can become" paths: they hold it again.
    expect(
      current.drift.findings.resolved.every(
        (f) => f.ruleId === "escalation-to-cluster-admin" && f.cluster.name === "aks-1",
      ),
    ).toBe(true);
  });

  it("compares only the frameworks both reports cover", () => {
    const previous = reportFrom(after, { frameworks: ["cis-aks"] });
    const current = reportFrom(before, { id: "8", previous });
    expect(current.drift.comparedFrameworks).toEqual(["cis-aks"]);
    const everything = reportFrom(before, { id: "8", previous: reportFrom(after) }).drift.findings
      .newlyFailing;
    expect(current.drift.findings.newlyFailing.length).toBeLessThan(everything.length);
    for (const finding of current.drift.findings.newlyFailing) {
      const full = current.findings.find((f) => f.key === finding.key);
      expect(full?.controls.some((c) => c.framework === "cis-aks")).toBe(true);
    }
  });
});
