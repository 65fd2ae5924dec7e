import { describe, expect, it } from "vitest";
import { entraSignInGroupId } from "@/lib/access/access-index";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  roleBinding,
} from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import { CLUSTER2, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import { collapseGroupRecords, MEMBERSHIP_KIND, membershipRecords } from "@/lib/access/group-storage";
import { accessToRecords } from "@/lib/access/records";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import type { Cluster } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// `system:authenticated` on an Entra-integrated cluster is every account of its tenant. The API server adds
// the group to every request that authenticates (kubernetes/apiserver pkg/authentication/group/
// authenticated_group_adder.go: "adds system:authenticated group when appropriate" — authentication
// succeeded and the user is not system:anonymous), and AKS's Guard webhook authenticates any token the
// cluster's tenant issues for the cluster's server application (kubeguard/guard auth/providers/azure;
// kubelogin signs in users, guests included, service principals and managed identities:
// learn.microsoft.com/azure/aks/kubelogin-authentication). A binding to it names nobody in particular, so
// before, a user whose only way in was `everyone-is-admin` was reported as holding nothing there.

const SIGN_IN = entraSignInGroupId("tenant-1");
const ADMIN = clusterRole("cluster-admin", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
const EVERYONE_IS_ADMIN = clusterRoleBinding("everyone-is-admin", "cluster-admin", [
  group("system:authenticated"),
]);

function tenant(cluster: Partial<Cluster> = {}): TenantModel {
  return new AccessModelBuilder(cluster)
    .principal("penny")
    .principal("guest", "User", { userPrincipalName: "guest_mail.example#EXT#@tenant-1.example" })
    .principal("ci-app", "ServicePrincipal")
    .principal("mi-runner", "ManagedIdentity")
    .principal("gone", "User", { deleted: true })
    .group("devs", ["penny"])
    .kubernetes(ADMIN, EVERYONE_IS_ADMIN)
    .build();
}

const adminOf = (model: TenantModel) => {
  const access = evaluateClusterAccess(model, CLUSTER);
  return new Map(
    access.principals
      .filter((entry) => entry.grants.some((grant) => grant.level === "cluster-admin"))
      .map((entry) => [entry.principal.id, entry.grants.find((grant) => grant.level === "cluster-admin")]),
  );
};

describe("system:authenticated on an Entra-integrated cluster", () => {
  it("holds every user, guest, service principal and managed identity of the tenant", () => {
    const admins = adminOf(tenant());
    for (const id of ["penny", "guest", "ci-app", "mi-runner"]) expect(admins.has(id), id).toBe(true);
    // the directory no longer has it; groups do not sign in (their members do)
    expect(admins.has("gone")).toBe(false);
    expect(admins.has("devs")).toBe(false);
    // the Kubernetes group stays a principal of its own (certificate users, service accounts)
    expect(admins.has("k8s-group:system:authenticated")).toBe(true);
    expect(admins.get("penny")?.path.map((step) => `${step.kind}:${step.id}`)).toEqual([
      "principal:penny",
      `groupMembership:${SIGN_IN}`,
      "groupMembership:k8s-group:system:authenticated",
      expect.stringMatching(/^k8s\.clusterRoleBinding:/),
      expect.stringMatching(/^k8s\.clusterRole:/),
      `cluster:${CLUSTER}`,
    ]);
  });

  it("is what cluster-admin-broad-subject says the binding means", () => {
    const [finding, ...rest] = evaluateFindings(tenant()).filter(
      (candidate) => candidate.ruleId === "cluster-admin-broad-subject" && candidate.status === "fail",
    );
    expect(rest).toEqual([]);
    expect(finding.evidence.summary).toContain(
      "every account of the tenant that signs in with Entra ID — every user, guest, service principal and managed identity (4 known to the scan)",
    );
    const none = evaluateFindings(
      tenant({ entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null } }),
    ).find((candidate) => candidate.ruleId === "cluster-admin-broad-subject" && candidate.status === "fail");
    expect(none?.evidence.summary).toContain("every caller that can authenticate");
  });

  it("legacy Entra integration too (Guard authenticates for the server application)", () => {
    const admins = adminOf(
      tenant({ entra: { mode: "legacy", azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" } }),
    );
    expect(admins.has("penny")).toBe(true);
  });

  it("holds no directory account on a cluster without Entra integration, or of another tenant", () => {
    const none = adminOf(
      tenant({ entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null } }),
    );
    expect(none.has("penny")).toBe(false);
    expect(none.has("k8s-group:system:authenticated")).toBe(true);
    const foreign = adminOf(
      tenant({ entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: "tenant-2" } }),
    );
    expect(foreign.has("penny")).toBe(false);
    // the tenant id is a GUID: compared without regard to case
    const upper = adminOf(
      tenant({ entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: "TENANT-1" } }),
    );
    expect(upper.has("penny")).toBe(true);
  });

  it("a tenant known by its domain: the sign-in group is its GUID, as its subscriptions report it", () => {
    // AZURE_TENANT_ID may be a domain (lib/azure/credentials.ts); the clusters' aadProfile.tenantID is a GUID
    const TENANT_GUID = "5a1e0000-0000-4000-8000-00000000c0de";
    const model = tenant({
      entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: TENANT_GUID.toUpperCase() },
    });
    model.tenantId = "contoso.onmicrosoft.com";
    model.subscriptions = model.subscriptions.map((subscription) => ({
      ...subscription,
      tenantId: TENANT_GUID,
    }));
    expect(adminOf(model).get("penny")?.path[1]?.id).toBe(TENANT_GUID);
  });

  it("is stored once, on the sign-in group, with a membership per account (group-level storage)", () => {
    // A tenant's id is a GUID, and so is its sign-in group's: readers expand only groups with GUID ids
    // (lib/queries/expanded-access.ts), so the writer collapses only those (a group of another id keeps its
    // members' rows: the next test).
    const TENANT_GUID = "5a1e0000-0000-4000-8000-00000000c0de";
    const SIGN_IN = entraSignInGroupId(TENANT_GUID);
    const model = tenant({
      entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: TENANT_GUID },
    });
    model.tenantId = TENANT_GUID;
    const access = evaluateClusterAccess(model, CLUSTER);
    const records = accessToRecords([access]);
    const members = new Map(
      ["penny", "guest", "ci-app", "mi-runner"].map((id) => [id, { principal: { id } }] as const),
    );
    const membersOf = (principal: { id: string }) =>
      principal.id === SIGN_IN
        ? access.principals
            .filter((entry) => members.has(entry.principal.id))
            .map((entry) => ({
              principal: entry.principal,
              prefix: entry.grants[0].path.slice(0, 2),
            }))
        : [];
    const collapsed = collapseGroupRecords(records, membersOf);
    const grantsOf = (id: string) =>
      collapsed.records.filter(
        (record) =>
          record.kind === "access.grant" &&
          (record.data as { principal: { id: string } }).principal.id === id,
      );
    expect(grantsOf(SIGN_IN)).toHaveLength(1);
    for (const id of members.keys()) expect(grantsOf(id), id).toEqual([]);
    expect(collapsed.dropped).toBe(4);
    const memberships = membershipRecords(
      [...collapsed.groups].map((id) => ({ id, kind: "Group" as const, displayName: id })),
      membersOf,
    );
    expect(memberships.filter((record) => record.kind === MEMBERSHIP_KIND)).toHaveLength(4);
  });

  it("a sign-in group whose id is no GUID keeps its members' rows: no reader could expand them", () => {
    const model = tenant();
    const access = evaluateClusterAccess(model, CLUSTER);
    const membersOf = (principal: { id: string }) =>
      principal.id === SIGN_IN
        ? access.principals
            .filter((entry) => ["penny", "guest"].includes(entry.principal.id))
            .map((entry) => ({ principal: entry.principal, prefix: entry.grants[0].path.slice(0, 2) }))
        : [];
    const collapsed = collapseGroupRecords(accessToRecords([access]), membersOf);
    expect(collapsed.dropped).toBe(0);
    expect(collapsed.groups.size).toBe(0);
  });
});

describe("attack paths through system:authenticated", () => {
  // aks-1 (Entra) lets every authenticated account create pods in `default`, whose `deployer` account is
  // federated to an identity holding Contributor on aks-2's resource group (local accounts on: cluster-admin).
  const podCreator = clusterRole("pod-creator", [
    { verbs: ["create"], apiGroups: [""], resources: ["pods"] },
  ]);
  const model = (aks1: Partial<Cluster> = {}) =>
    twoClusterTenant({
      aks1,
      objects: [
        podCreator,
        roleBinding("default", "anyone-deploys", { kind: "ClusterRole", name: "pod-creator" }, [
          group("system:authenticated"),
        ]),
      ],
      setup: (builder) => builder.principal("penny"),
    });

  it("a user with no grant of her own reaches cluster-admin on another cluster", () => {
    const [path, ...rest] = checkedPathsInto(model(), CLUSTER2, "penny");
    expect(rest).toEqual([]);
    expect(pathSummary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.slice(0, 3).map((step) => step.id)).toEqual([
      "penny",
      SIGN_IN,
      "k8s-group:system:authenticated",
    ]);
    // the sign-in group itself has the same path, which group-level storage keeps for its members
    expect(pathSummary(checkedPathsInto(model(), CLUSTER2, SIGN_IN))).toEqual(["cluster-admin in 3"]);
    // and so does the Kubernetes group, the principal `escalation-to-cluster-admin` reports it on once
    // (its members' paths and the sign-in group's start with a membership: reported on the group)
    expect(pathSummary(checkedPathsInto(model(), CLUSTER2, "k8s-group:system:authenticated"))).toEqual([
      "cluster-admin in 3",
    ]);
    const findings = evaluateFindings(model()).filter(
      (finding) =>
        finding.ruleId === "escalation-to-cluster-admin" &&
        finding.status === "fail" &&
        finding.cluster.id === CLUSTER2,
    );
    expect(findings.map((finding) => finding.evidence.objects?.[0]?.id)).toContain(
      "k8s-group:system:authenticated",
    );
  });

  it("not when aks-1 signs in no Entra accounts", () => {
    const none = model({ entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null } });
    expect(checkedPathsInto(none, CLUSTER2, "penny")).toEqual([]);
  });
});
