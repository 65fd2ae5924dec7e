import { describe, expect, it } from "vitest";
import { buildAccessIndex, scopeChain } from "@/lib/access/access-index";
import { deniedPermissions, isDenied } from "@/lib/access/deny-assignments";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER, RG, ROLE } from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";
import { type DenyAssignment, EVERYONE_PRINCIPAL_ID } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// Deny assignments and Azure RBAC for Kubernetes. Sources: learn.microsoft.com/azure/
// role-based-access-control/deny-assignments (deny wins over role assignments; `DataActions` deny
// data actions, `Actions` control-plane ones; `doNotApplyToChildScopes` "Determines if the deny
// assignment applies to child scopes"; everyone = the zero GUID, type SystemDefined;
// `excludePrincipals`), and the AKS authorization webhook, which checks a namespaced request at
// `<cluster>/namespaces/<namespace>`, a child scope of the cluster (kubeguard/guard
// authz/providers/azure/rbac/checkaccessreqhelper.go getScope, rbac.go buildCheckAccessURL).

const AKS = "Microsoft.ContainerService/managedClusters";

function grantsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return (entry?.grants ?? []).map((g) => `${g.level}@${g.namespace ?? "*"} via ${g.route}`).sort();
}

function deny(overrides: Partial<DenyAssignment> = {}): DenyAssignment {
  return {
    id: `${CLUSTER}/providers/microsoft.authorization/denyassignments/d1`,
    name: "d1",
    scope: CLUSTER,
    permissions: [{ actions: [], notActions: [], dataActions: [`${AKS}/*`], notDataActions: [] }],
    principals: [{ id: EVERYONE_PRINCIPAL_ID, type: "SystemDefined" }],
    excludePrincipals: [],
    doNotApplyToChildScopes: false,
    isSystemProtected: true,
    ...overrides,
  };
}

function model(role: string, denies: DenyAssignment[]): TenantModel {
  const built = new AccessModelBuilder().principal("u").assign(role, "u", CLUSTER).build();
  built.denyAssignments = denies;
  return built;
}

const evaluate = (m: TenantModel) => grantsOf(evaluateClusterAccess(m, CLUSTER), "u");

describe("deny assignments on data actions", () => {
  it("a deny of managedClusters/* data actions at the cluster takes the Azure RBAC grant away", () => {
    expect(evaluate(model(ROLE.aksRbacWriter, []))).toEqual(["write@* via azure-rbac"]);
    expect(evaluate(model(ROLE.aksRbacWriter, [deny()]))).toEqual([]);
  });

  it("Actions * in a deny assignment does not deny data actions", () => {
    const controlOnly = deny({
      permissions: [{ actions: ["*"], notActions: [], dataActions: [], notDataActions: [] }],
    });
    expect(evaluate(model(ROLE.aksRbacWriter, [controlOnly]))).toEqual(["write@* via azure-rbac"]);
  });

  it("notDataActions exempt from the deny", () => {
    const exempt = deny({
      permissions: [
        { actions: [], notActions: [], dataActions: [`${AKS}/*`], notDataActions: [`${AKS}/pods/*`] },
      ],
    });
    // pods stay writable: still a writer (create pods is a write probe)
    expect(evaluate(model(ROLE.aksRbacWriter, [exempt]))).toEqual(["write@* via azure-rbac"]);
  });

  it("a deny at the resource group reaches the cluster below it, unless doNotApplyToChildScopes", () => {
    const atGroup = deny({ scope: RG, id: `${RG}/providers/microsoft.authorization/denyassignments/d2` });
    expect(evaluate(model(ROLE.aksRbacWriter, [atGroup]))).toEqual([]);
    expect(evaluate(model(ROLE.aksRbacWriter, [{ ...atGroup, doNotApplyToChildScopes: true }]))).toEqual([
      "write@* via azure-rbac",
    ]);
  });

  // A namespaced request is checked at <cluster>/namespaces/<ns>, a child scope: a deny at the
  // cluster with doNotApplyToChildScopes does not reach it, only cluster-scoped resources.
  it("doNotApplyToChildScopes at the cluster leaves namespaced resources to the grant", () => {
    const clusterOnly = deny({ doNotApplyToChildScopes: true });
    expect(evaluate(model(ROLE.aksRbacWriter, [clusterOnly]))).toEqual(["write@* via azure-rbac"]);
    // RBAC Cluster Admin loses what lives at the cluster scope (namespaces, nodes, cluster roles):
    // what remains is admin of every namespace
    expect(evaluate(model(ROLE.aksRbacClusterAdmin, [clusterOnly]))).toEqual(["admin@* via azure-rbac"]);
    // (without the flag nothing is left but the user kubeconfig the role may fetch)
    expect(evaluate(model(ROLE.aksRbacClusterAdmin, [deny()]))).toEqual([
      "credentials-only@* via user-credential",
    ]);
  });

  it("isDenied: a cluster-only deny denies cluster-scoped data actions and control-plane actions", () => {
    const m = model(ROLE.aksRbacClusterAdmin, [
      deny({
        doNotApplyToChildScopes: true,
        permissions: [
          {
            actions: [`${AKS}/listClusterAdminCredential/action`],
            notActions: [],
            dataActions: [`${AKS}/*`],
            notDataActions: [],
          },
        ],
      }),
    ]);
    const index = buildAccessIndex(m);
    const denied = deniedPermissions(index.denyIndex, scopeChain(index, CLUSTER), "u");
    expect(denied).not.toBeNull();
    if (!denied) return;
    expect(isDenied(denied, "data", `${AKS}/namespaces/write`)).toBe(true);
    expect(isDenied(denied, "data", `${AKS}/rbac.authorization.k8s.io/clusterroles/bind/action`)).toBe(true);
    expect(isDenied(denied, "data", `${AKS}/pods/write`)).toBe(false);
    expect(isDenied(denied, "data", `${AKS}/apps/deployments/write`)).toBe(false);
    expect(isDenied(denied, "control", `${AKS}/listClusterAdminCredential/action`)).toBe(true);
  });

  it("excludePrincipals through a group, and a deny naming a group reaches its members", () => {
    const base = new AccessModelBuilder()
      .principal("u")
      .group("g", ["u"])
      .assign(ROLE.aksRbacWriter, "u", CLUSTER)
      .build();
    base.denyAssignments = [deny({ excludePrincipals: [{ id: "g", type: "Group" }] })];
    expect(evaluate(base)).toEqual(["write@* via azure-rbac"]);
    base.denyAssignments = [deny({ principals: [{ id: "g", type: "Group" }] })];
    expect(evaluate(base)).toEqual([]);
  });
});
