import { beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/model/records";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { frameworkControls } from "@/lib/reports/frameworks";
import { renderReportFragment } from "@/lib/reports/render-html";
import { reportContentSchema } from "@/lib/reports/report-schema";
import { normalizeScope } from "@/lib/reports/scope";

const clusterId = (analysis: DemoAnalysis, name: string) => {
  const cluster = analysis.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster.id;
};

describe("buildReportContent over the demo tenant", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  it("produces content that validates against the published schema", () => {
    const content = reportFrom(analysis);
    expect(reportContentSchema.safeParse(content).success).toBe(true);
    expect(content.scope.clusters.map((c) => c.name).sort()).toEqual(
      analysis.clusters.map((c) => c.name).sort(),
    );
  });

  it("names Penny as cluster-admin of aks-1 and aks-2 through the local admin credential, not of aks-3", () => {
    const content = reportFrom(analysis);
    const penny = analysis.principals.find((p) => p.displayName === "Penny");
    expect(penny).toBeDefined();
    const routesOf = (cluster: string) =>
      content.clusterAdmins
        .find((c) => c.cluster.name === cluster)
        ?.holders.find((h) => h.principal.id === penny?.id)
        ?.routes.map((r) => r.route);
    expect(routesOf("aks-1")).toEqual(["local-admin-credential"]);
    expect(routesOf("aks-2")).toEqual(["local-admin-credential"]);
    expect(routesOf("aks-3")).toBeUndefined();
  });

  it("lists exactly the cluster-wide standing cluster-admin grants of the analysis as holders", () => {
    const content = reportFrom(analysis);
    const expected = new Set(
      analysis.grants
        .filter((g) => g.level === "cluster-admin" && g.namespace === null && !g.eligible)
        .map((g) => `${g.cluster.id}|${g.principal.id}|${g.route}`),
    );
    const actual = new Set(
      content.clusterAdmins.flatMap((c) =>
        c.holders.flatMap((h) => h.routes.map((r) => `${c.cluster.id}|${h.principal.id}|${r.route}`)),
      ),
    );
    expect(actual).toEqual(expected);
    expect(content.summary.clusterAdminHolders).toBe(new Set([...expected].map((k) => k.split("|")[1])).size);
  });

  // Issue #14: Jet is PIM-eligible for AKS RBAC Cluster Admin on aks-3 (lib/emulator/demo/build-demo-tenant.ts).
  it("separates eligible (PIM) holders of cluster-admin from standing ones", async () => {
    const content = reportFrom(analysis);
    const jet = analysis.principals.find((p) => p.displayName === "Jet Black");
    expect(jet).toBeDefined();
    const aks3 = content.clusterAdmins.find((c) => c.cluster.name === "aks-3");
    expect(aks3?.holders.map((h) => h.principal.id)).not.toContain(jet?.id);
    const eligible = aks3?.eligibleHolders?.find((h) => h.principal.id === jet?.id);
    expect(eligible?.routes.map((r) => r.route)).toEqual(["azure-rbac"]);
    expect(eligible?.routes[0].paths[0].map((step) => step.kind)).toContain("roleEligibility");
    // nobody is both: a standing holder is listed as such only
    for (const cluster of content.clusterAdmins) {
      const standing = new Set(cluster.holders.map((h) => h.principal.id));
      for (const holder of cluster.eligibleHolders ?? [])
        expect(standing.has(holder.principal.id)).toBe(false);
    }
    // The summary counts who is eligible somewhere and standing nowhere. In the demo nobody is: aks-dev-1's
    // `everyone-is-admin` binds cluster-admin to system:authenticated, which every account of the tenant is in
    // on an Entra-integrated cluster (lib/access/system-authenticated.test.ts), Jet included.
    expect(content.summary.eligibleClusterAdminHolders).toBe(0);
    const devAdmins = content.clusterAdmins.find((c) => c.cluster.name === "aks-dev-1");
    expect(devAdmins?.holders.map((h) => h.principal.id)).toContain(jet?.id);
    const html = await renderReportFragment(content);
    expect(html).toMatch(/aks-3 <span class="muted small">\d+ standing holder\(s\), 1 eligible<\/span>/);
    expect(html).toContain("Eligible through PIM");
  });

  it("counts every control's findings and derives its status and the framework score from them", () => {
    const content = reportFrom(analysis);
    const findings = new Map(content.findings.map((f) => [f.key, f]));
    for (const control of content.controls) {
      const behind = control.findingKeys.map((k) => findings.get(k));
      expect(
        behind.every((f) =>
          f?.controls.some((c) => c.framework === control.framework && c.id === control.id),
        ),
      ).toBe(true);
      const count = (status: string) => behind.filter((f) => f?.status === status).length;
      expect(control.counts).toEqual({
        pass: count("pass"),
        fail: count("fail"),
        notAssessed: count("not-assessed"),
      });
      const expectedStatus = count("fail") > 0 ? "fail" : count("pass") > 0 ? "pass" : "not-assessed";
      expect(control.status).toBe(expectedStatus);
    }
    for (const summary of content.frameworks) {
      const own = content.controls.filter((c) => c.framework === summary.framework);
      expect(own.map((c) => c.id).sort()).toEqual(
        frameworkControls(summary.framework)
          .map((c) => c.id)
          .sort(),
      );
      const pass = own.filter((c) => c.status === "pass").length;
      const fail = own.filter((c) => c.status === "fail").length;
      expect(summary.score).toBe(pass + fail === 0 ? null : Math.round((100 * pass) / (pass + fail)));
    }
  });

  it("limits findings and controls to the chosen frameworks", () => {
    const content = reportFrom(analysis, { frameworks: ["cis-aks"] });
    expect(content.frameworks.map((f) => f.framework)).toEqual(["cis-aks"]);
    expect(content.controls.every((c) => c.framework === "cis-aks")).toBe(true);
    expect(content.findings.length).toBeGreaterThan(0);
    for (const finding of content.findings) {
      expect(finding.controls.length).toBeGreaterThan(0);
      expect(finding.controls.every((c) => c.framework === "cis-aks")).toBe(true);
    }
    const withCis = analysis.findings.filter((f) => f.controls.some((c) => c.framework === "cis-aks"));
    expect(content.findings).toHaveLength(withCis.length);
  });

  it("limits everything to the clusters in scope", () => {
    const aks3 = clusterId(analysis, "aks-3");
    const content = reportFrom(analysis, {
      scope: normalizeScope({ subscriptionIds: [], clusterIds: [aks3] }),
    });
    expect(content.scope.clusters.map((c) => c.name)).toEqual(["aks-3"]);
    expect(content.findings.length).toBeGreaterThan(0);
    expect(content.findings.every((f) => f.cluster.id === aks3)).toBe(true);
    expect(content.clusterAdmins.map((c) => c.cluster.name)).toEqual(["aks-3"]);
    expect(content.scope.description).toContain("aks-3");

    const dev = analysis.clusters.find((c) => c.name === "aks-dev-1")?.subscriptionId ?? "";
    const bySubscription = reportFrom(analysis, {
      scope: normalizeScope({ subscriptionIds: [dev], clusterIds: [] }),
    });
    const expected = analysis.clusters
      .filter((c) => c.subscriptionId === dev)
      .map((c) => c.name)
      .sort();
    expect(bySubscription.scope.clusters.map((c) => c.name)).toEqual(expected);
  });

  it("marks the unreachable cluster as not assessed on the Kubernetes side and reports the gap", () => {
    const content = reportFrom(analysis);
    const data = content.scope.clusters.find((c) => c.name === "aks-data");
    expect(data?.kubernetesAssessed).toBe(false);
    expect(content.clusterAdmins.find((c) => c.cluster.name === "aks-data")?.kubernetesAssessed).toBe(false);
    expect(content.scan.incompleteSources.some((s) => s.label === "cluster aks-data")).toBe(true);
    expect(content.findings.some((f) => f.cluster.name === "aks-data" && f.status === "not-assessed")).toBe(
      true,
    );
  });

  it("gathers one remediation step per failing rule, covering every failing finding", () => {
    const content = reportFrom(analysis);
    const failing = content.findings.filter((f) => f.status === "fail");
    expect(content.remediation.reduce((sum, step) => sum + step.failing, 0)).toBe(failing.length);
    expect(new Set(content.remediation.map((s) => s.ruleId))).toEqual(new Set(failing.map((f) => f.ruleId)));
    const local = content.remediation.find((s) => s.ruleId === "local-accounts-enabled");
    expect(local?.azCli.some((c) => c.includes("--disable-local-accounts"))).toBe(true);
  });

  it("is deterministic: the same scan gives the same bytes, whatever order the records came in", () => {
    const first = canonicalJson(reportFrom(analysis));
    const shuffled = {
      ...analysis,
      findings: [...analysis.findings].reverse(),
      grants: [...analysis.grants].reverse(),
      principals: [...analysis.principals].reverse(),
      clusters: [...analysis.clusters].reverse(),
    };
    expect(canonicalJson(reportFrom(shuffled))).toBe(first);
  });

  it("lists in its directory every user it names, with the user principal name", () => {
    const content = reportFrom(analysis);
    const penny = content.directory.find((d) => d.displayName === "Penny");
    expect(penny?.kind).toBe("User");
    expect(penny?.userPrincipalName).toBe(
      analysis.principals.find((p) => p.displayName === "Penny")?.userPrincipalName,
    );
    // Faye holds nothing that a report shows (only credentials-only access), so she is not named.
    const text = JSON.stringify({ ...content, directory: [] });
    for (const user of analysis.principals.filter((p) => p.kind === "User")) {
      const named = text.includes(user.id) || text.includes(user.displayName);
      expect(content.directory.some((d) => d.id === user.id)).toBe(named);
    }
  });
});
