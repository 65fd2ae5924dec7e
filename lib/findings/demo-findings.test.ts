import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_APPLICATIONS, DEMO_GROUPS, DEMO_USERS } from "@/lib/emulator/demo/build-demo-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingSubject } from "@/lib/findings/records";
import type { Finding } from "@/lib/findings/types";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";

// The demo tenant's deliberate mistakes (lib/emulator/demo/README.md) must all be found, and the
// clusters configured well must pass.

let findings: Finding[];
beforeAll(async () => {
  findings = evaluateFindings(modelFromTenantFile(await loadDemoTenant()));
});

function clustersWith(ruleId: string, status: Finding["status"]): string[] {
  return [
    ...new Set(findings.filter((f) => f.ruleId === ruleId && f.status === status).map((f) => f.cluster.name)),
  ].sort();
}

function subjectsOn(ruleId: string, cluster: string): string[] {
  return findings
    .filter((f) => f.ruleId === ruleId && f.cluster.name === cluster && f.status === "fail")
    .map(findingSubject)
    .sort();
}

describe("the demo tenant's findings", () => {
  it.each([
    ["local-accounts-enabled", ["aks-1", "aks-2", "aks-dev-1", "aks-dev-sandbox"]],
    ["admin-credential-via-broad-role", ["aks-1", "aks-2", "aks-dev-1", "aks-dev-sandbox"]],
    ["run-command-enabled", ["aks-1", "aks-2", "aks-data", "aks-dev-1", "aks-dev-sandbox", "aks-payments"]],
    ["entra-integration-missing", ["aks-dev-1", "aks-dev-sandbox"]],
    ["rbac-wildcard-role", ["aks-dev-1"]],
    ["cluster-admin-broad-subject", ["aks-dev-1", "aks-dev-sandbox"]],
    ["secrets-read-broad", ["aks-payments"]],
    ["kubelet-identity-overprivileged", ["aks-dev-1"]],
    ["pod-identity-in-use", ["aks-2"]],
    ["anonymous-access-bound", ["aks-dev-sandbox"]],
    ["role-assignment-writers", ["aks-1", "aks-2", "aks-3", "aks-data", "aks-payments"]],
    ["workload-identity-privileged", ["aks-1"]],
    // Faye owns aks-admins (issue #14): she can add herself and become cluster-admin wherever it is the admin group.
    [
      "escalation-to-cluster-admin",
      ["aks-1", "aks-2", "aks-3", "aks-data", "aks-dev-sandbox", "aks-payments"],
    ],
    ["pod-creators-reach-identity", ["aks-1", "aks-2", "aks-payments"]],
    // Access that is not standing (issue #14): Penny's Contributor and Howard's Cluster Admin Role are
    // standing (the break-glass account's Owner is left out by design); Faye owns aks-admins.
    ["pim-not-used-for-cluster-admin", ["aks-1", "aks-2", "aks-dev-1", "aks-dev-sandbox"]],
    ["admin-group-owned-by-non-admins", ["aks-1", "aks-2", "aks-3", "aks-data", "aks-payments"]],
    ["directory-role-reaches-clusters", []],
    // Jet's eligibility on aks-3: the role's PIM policy there asks for no approval.
    ["eligible-cluster-admin-without-approval", ["aks-3"]],
    ["federated-credential-orphaned", ["aks-1", "aks-payments"]],
  ])("%s fails on %j", (ruleId, clusters) => {
    expect(clustersWith(ruleId, "fail")).toEqual(clusters);
  });

  it("names who holds the admin credential through a broad role", () => {
    expect(subjectsOn("admin-credential-via-broad-role", "aks-1")).toEqual(
      [DEMO_USERS.breakglass, DEMO_APPLICATIONS.ciDeployer.objectId, DEMO_USERS.penny].sort(),
    );
    expect(subjectsOn("admin-credential-via-broad-role", "aks-dev-1")).toContain(DEMO_USERS.deletedVicious);
  });

  it("names who can assign themselves any role, and the identity pods can pivot through", () => {
    expect(subjectsOn("role-assignment-writers", "aks-3")).toEqual(
      [DEMO_USERS.breakglass, DEMO_GROUPS.platformOncall, DEMO_USERS.bernadette].sort(),
    );
    const pivot = findings.find((f) => f.ruleId === "workload-identity-privileged" && f.status === "fail");
    expect(pivot?.evidence.summary).toMatch(
      /id-release-automation.*Contributor on resource group rsg-aksidentitystate2/i,
    );
  });

  it("names who can become cluster-admin in more than one step (issue #13's stories)", () => {
    expect(subjectsOn("escalation-to-cluster-admin", "aks-2")).toEqual(
      [DEMO_USERS.faye, DEMO_USERS.leonard].sort(),
    );
    expect(subjectsOn("escalation-to-cluster-admin", "aks-3")).toEqual(
      [
        DEMO_USERS.faye,
        DEMO_USERS.breakglass,
        DEMO_USERS.penny,
        DEMO_USERS.bernadette,
        DEMO_APPLICATIONS.ciDeployer.objectId,
      ].sort(),
    );
    const leonard = findings.find(
      (f) => f.ruleId === "escalation-to-cluster-admin" && f.cluster.name === "aks-2" && f.status === "fail",
    );
    expect(leonard?.evidence.summary).toMatch(/in 3 steps/);
    expect(leonard?.evidence.paths?.[0].map((step) => step.kind)).toEqual(
      expect.arrayContaining(["k8s.serviceAccount", "federatedCredential", "identity", "roleAssignment"]),
    );
  });

  it("reports the unreachable cluster's Kubernetes-side rules as not assessed, never passed", () => {
    for (const ruleId of [
      "cluster-admin-broad-subject",
      "rbac-wildcard-role",
      "secrets-read-broad",
      "pod-identity-in-use",
    ]) {
      const onData = findings
        .filter((f) => f.ruleId === ruleId && f.cluster.name === "aks-data")
        .map((f) => f.status);
      expect(onData).toEqual(["not-assessed"]);
    }
  });

  it("passes aks-3 on local accounts and the admin credential", () => {
    expect(clustersWith("local-accounts-enabled", "pass")).toContain("aks-3");
    expect(clustersWith("admin-credential-via-broad-role", "pass")).toContain("aks-3");
    expect(clustersWith("run-command-enabled", "pass")).toEqual(["aks-3"]);
  });

  it("tells #14's stories: Faye owns the admin group, Jet is eligible on aks-3 without approval", () => {
    expect(subjectsOn("admin-group-owned-by-non-admins", "aks-1")).toEqual([DEMO_USERS.faye]);
    expect(subjectsOn("pim-not-used-for-cluster-admin", "aks-1")).toEqual([DEMO_USERS.penny]);
    expect(subjectsOn("pim-not-used-for-cluster-admin", "aks-1")).not.toContain(DEMO_USERS.breakglass);
    const jet = findings.filter(
      (f) => f.ruleId === "eligible-cluster-admin-without-approval" && f.cluster.name === "aks-3",
    );
    expect(jet.map((f) => [f.status, findingSubject(f)])).toEqual([["fail", DEMO_USERS.jet]]);
    expect(jet[0].evidence.summary).toMatch(/without approval \(for up to PT8H at a time\)/);
    expect(clustersWith("eligible-cluster-admin-without-approval", "pass")).not.toContain("aks-3");
    expect(clustersWith("directory-role-reaches-clusters", "pass")).toHaveLength(7);
  });
});
