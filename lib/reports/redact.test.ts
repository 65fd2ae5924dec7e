import { beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { redactReport } from "@/lib/reports/redact";
import { reportContentSchema } from "@/lib/reports/report-schema";

describe("redactReport", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  const users = () => analysis.principals.filter((p) => p.kind === "User");

  it("leaves no user's display name, user principal name or object id anywhere in the content", () => {
    const original = reportFrom(analysis);
    const text = JSON.stringify(original);
    const named = users().filter((u) => text.includes(u.id));
    expect(named.length).toBeGreaterThan(3);
    const redacted = JSON.stringify(redactReport(original)).toLowerCase();
    for (const user of named) {
      for (const value of [user.displayName, user.userPrincipalName, user.id]) {
        if (value) expect(redacted, value).not.toContain(value.toLowerCase());
      }
    }
    expect(redacted).not.toMatch(/[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/);
  });

  it("gives one person one pseudonym throughout, and different people different ones", () => {
    const original = reportFrom(analysis);
    const redacted = redactReport(original);
    expect(reportContentSchema.safeParse(redacted).success).toBe(true);
    expect(redacted.report.redacted).toBe(true);
    const penny = original.directory.find((d) => d.displayName === "Penny");
    const index = original.directory.findIndex((d) => d.id === penny?.id);
    const pseudonym = redacted.directory[index].displayName;
    expect(pseudonym).toMatch(/^User [0-9a-f]{4,}$/);
    expect(redacted.directory[index].id).toBe(pseudonym);
    expect(redacted.directory[index].userPrincipalName).toBeUndefined();
    // Penny's holder entries on aks-1 and aks-2 carry the same pseudonym.
    const holderNames = redacted.clusterAdmins
      .filter((c) => c.cluster.name === "aks-1" || c.cluster.name === "aks-2")
      .map((c) => c.holders.find((h) => h.principal.id === pseudonym)?.principal.displayName);
    expect(holderNames).toEqual([pseudonym, pseudonym]);
    const people = redacted.directory.filter((d) => d.kind === "User").map((d) => d.displayName);
    expect(new Set(people).size).toBe(people.length);
  });

  it("is stable for one report and differs between reports", () => {
    const original = reportFrom(analysis);
    expect(JSON.stringify(redactReport(original))).toBe(JSON.stringify(redactReport(reportFrom(analysis))));
    const other = reportFrom(analysis, { id: "99" });
    const pick = (c: ReturnType<typeof redactReport>) =>
      c.directory.filter((d) => d.kind === "User").map((d) => d.displayName);
    expect(pick(redactReport(other))).not.toEqual(pick(redactReport(original)));
  });

  it("keeps what is not personal: groups, service principals, clusters, role names", () => {
    const redacted = JSON.stringify(redactReport(reportFrom(analysis)));
    for (const kept of [
      "aks-admins",
      "ci-deployer",
      "aks-1",
      "Contributor",
      "cluster-admin",
      "system:masters",
    ]) {
      expect(redacted).toContain(kept);
    }
  });

  it("replaces a name only as a whole word, and mails that belong to nobody in the directory", () => {
    const base = reportFrom(analysis);
    const content = {
      ...base,
      directory: [{ id: "00000000-0000-0000-0000-000000000abc", kind: "User", displayName: "admin" }],
      report: {
        ...base.report,
        title: "admin review for cluster-admin holders; ask guest.user@partner.example",
      },
    };
    const redacted = redactReport(content);
    expect(redacted.report.title).toMatch(
      /^User [0-9a-f]{4,} review for cluster-admin holders; ask User [0-9a-f]{4,}$/,
    );
  });
});
