import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  ROLE,
  SUB,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { getClusterAccessSummary } from "@/lib/queries/get-cluster-access-summary";
import { getOverview } from "@/lib/queries/get-overview";
import { getPrincipal } from "@/lib/queries/get-principal";
import { principalSummaries } from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { clusterAdminCandidates, whoCanBeClusterAdmin } from "@/lib/queries/who-can-be-cluster-admin";
import { type ScannedDemo, scanModelIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// A Kubernetes RBAC grant can be PIM-eligible: Bob holds half of cluster-admin through his own
// ClusterRoleBinding and the other half through a group he is only an eligible member of (PIM for Groups:
// activating "adds user as member", learn.microsoft.com/entra/id-governance/privileged-identity-management/
// groups-activate-roles; Kubernetes RBAC "permissions are purely additive", kubernetes.io/docs/reference/
// access-authn-authz/rbac). The engine reports his cluster-admin `eligible` with route `kubernetes-rbac`
// (lib/access/eligible-combinations.test.ts, case b). Every page must then call it eligible: the
// overview's "who can be cluster-admin" and its holders by kind once read the eligible flag on Azure and
// Entra routes only, and counted Bob as a standing cluster-admin the principals list says he is not.
//
// Dana holds the same first half, and the rest through Azure RBAC: Azure Kubernetes Service RBAC Admin on the
// subscription (with Azure RBAC for Kubernetes both authorizers allow, learn.microsoft.com/azure/aks/
// manage-azure-rbac). Her cluster-admin (route `kubernetes-rbac`, the two combined) runs through a role
// assignment above the cluster: the overview's "cluster-admin through inherited Azure roles" counts her —
// it once looked at Azure routes only and missed her.

const entraWithAzureRbac = {
  entra: { mode: "managed" as const, azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
};

let scanned: ScannedDemo;
let scope: ScanScope;

describe("an eligible cluster-admin through Kubernetes RBAC bindings", () => {
  beforeAll(async () => {
    const model = new AccessModelBuilder(entraWithAzureRbac)
      .principal("bob")
      .principal("carol")
      .principal("dana")
      .assign(ROLE.aksRbacAdmin, "dana", `/subscriptions/${SUB}`)
      .group("ops", ["carol"])
      .kubernetes(
        clusterRole("ordinary-verbs", [
          {
            apiGroups: ["*"],
            resources: ["*"],
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
          },
        ]),
        clusterRole("escalation-verbs", [
          { apiGroups: ["*"], resources: ["*"], verbs: ["bind", "escalate", "impersonate"] },
        ]),
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob"), user("carol"), user("dana")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    model.groupEligibilities = [
      { id: "ops_member_bob", groupId: "ops", principalId: "bob", accessId: "member", endDateTime: null },
    ];
    scanned = await scanModelIntoTestDatabase(model, "Eligible combination");
    scope = scanned.scope;
  }, 300_000);

  afterAll(() => scanned?.close());

  it("the principals list, who can be cluster-admin and the overview all call Bob eligible, Carol and Dana standing", async () => {
    const summaries = await principalSummaries(scope);
    const bob = summaries.find((summary) => summary.id === "bob");
    const carol = summaries.find((summary) => summary.id === "carol");
    expect(bob).toMatchObject({ clusterAdminClusters: 0, eligibleClusterAdminClusters: 1 });
    // Carol is a standing member: the same two bindings make her cluster-admin now
    expect(carol).toMatchObject({ clusterAdminClusters: 1 });

    const candidates = await clusterAdminCandidates(scope);
    expect(candidates.find((candidate) => candidate.id === "bob")).toMatchObject({
      standing: 0,
      eligible: 1,
      routes: [],
    });
    expect(candidates.find((candidate) => candidate.id === "carol")).toMatchObject({
      standing: 1,
      eligible: 0,
      routes: ["kubernetes-rbac"],
    });
    const who = await whoCanBeClusterAdmin(scope);
    expect(who.standing).toBe(summaries.filter((summary) => summary.clusterAdminClusters > 0).length);

    // the holders by kind count standing cluster-admins only: Carol and Dana, not Bob
    const overview = await getOverview(scope);
    expect(overview.clusterAdmins.byKind).toEqual({ User: 2 });
    expect(overview.clusterAdmins.eligibleOnly).toBe(1);
    expect(overview.clusterAdmins.viaLocalAccount).toBe(0);
  });

  it("the cluster page and Bob's page say eligible too", async () => {
    const cluster = await getClusterAccessSummary(scope, CLUSTER);
    const bob = cluster.principals.find((entry) => entry.principal.id === "bob");
    expect(bob?.grants.filter((grant) => grant.level === "cluster-admin")).toEqual([
      { level: "cluster-admin", namespace: null, route: "kubernetes-rbac", eligible: true },
    ]);
    const page = await getPrincipal(scope, "bob", { page: 1, perPage: 10 });
    expect(page.summary).toHaveLength(1);
    expect(page.summary[0]).toMatchObject({
      eligibleLevel: "cluster-admin",
      eligibleRoutes: ["kubernetes-rbac"],
    });
    expect(page.summary[0].strongestLevel).not.toBe("cluster-admin");
  });

  it("a cluster-admin that combines a subscription's Azure role with a binding is inherited", async () => {
    const dana = (await principalSummaries(scope)).find((summary) => summary.id === "dana");
    expect(dana).toMatchObject({ clusterAdminClusters: 1 });
    const overview = await getOverview(scope);
    expect(overview.clusterAdmins.inherited).toBe(1);
    expect(overview.attention.find((item) => item.id === "inherited-cluster-admin")).toMatchObject({
      count: 1,
    });
  });
});
