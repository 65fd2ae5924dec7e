import { beforeAll, describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { type AttackPath, iterateAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { DEMO_USERS } from "@/lib/emulator/demo/build-demo-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { EVERYONE_PRINCIPAL_ID } from "@/lib/model/azure";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

// Deny assignments remove the actions they deny before any edge of the attack graph is built.
// Semantics (learn.microsoft.com/azure/role-based-access-control/deny-assignments): a deny
// assignment blocks the listed actions for its principals at its scope and every child scope —
// "deny assignments take precedence over role assignments"; `excludePrincipals` are exempt;
// `doNotApplyToChildScopes: true` applies it at its own scope only. Wire shape: azure-rest-api-specs
// Microsoft.Authorization stable/2022-04-01 authorization-DenyAssignmentCalls.json.
//
// The demo's Bernadette holds User Access Administrator on aks-3's resource group: one
// roleAssignments/write (assigning herself AKS RBAC Cluster Admin) from cluster-admin on aks-3.

const ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";
let demo: TenantFile;

beforeAll(async () => {
  demo = await loadDemoTenant();
});

function aks3(tenant: TenantFile) {
  const found = tenant.subscriptions
    .flatMap((subscription) => subscription.resources)
    .find(
      (resource) =>
        resource.type === "Microsoft.ContainerService/managedClusters" && resource.name === "aks-3",
    );
  if (!found) throw new Error("aks-3 missing from the demo");
  return { id: found.id, resourceGroup: found.id.split("/providers/")[0] };
}

type DenyOptions = {
  scope?: string;
  exclude?: string[];
  doNotApplyToChildScopes?: boolean;
  principals?: string[];
  actions?: string[];
};

/** The demo with one deny assignment of roleAssignments/write (default: everyone, on aks-3's resource group). */
function withDeny(options: DenyOptions = {}): TenantModel {
  const tenant = structuredClone(demo);
  const scope = options.scope ?? aks3(tenant).resourceGroup;
  const name = "0dea0000-0000-4000-8000-000000000001";
  tenant.denyAssignments.push({
    id: `${scope}/providers/Microsoft.Authorization/denyAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/denyAssignments",
    properties: {
      denyAssignmentName: "no role assignment writes",
      permissions: [
        {
          actions: options.actions ?? [ROLE_ASSIGNMENT_WRITE],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ],
      scope,
      doNotApplyToChildScopes: options.doNotApplyToChildScopes ?? false,
      principals: (options.principals ?? [EVERYONE_PRINCIPAL_ID]).map((id) => ({
        id,
        type: id === EVERYONE_PRINCIPAL_ID ? "SystemDefined" : "User",
      })),
      excludePrincipals: (options.exclude ?? []).map((id) => ({ id, type: "User" })),
      isSystemProtected: false,
    },
  });
  return modelFromTenantFile(tenant);
}

function bernadettePathsOnAks3(model: TenantModel): AttackPath[] {
  const id = aks3(demo).id.toLowerCase();
  for (const { access, paths } of iterateAttackPaths(model, { maxHops: 5 })) {
    if (access.cluster.id === id) return paths.filter((path) => path.principal.id === DEMO_USERS.bernadette);
  }
  throw new Error("aks-3 not evaluated");
}

const viaRoleAssignmentWrite = (path: AttackPath) =>
  path.path.some((step) => step.kind === "permission" && step.id === ROLE_ASSIGNMENT_WRITE);

describe("deny assignments and the attack graph", () => {
  it("without a deny assignment Bernadette can become cluster-admin on aks-3 through roleAssignments/write", () => {
    const paths = bernadettePathsOnAks3(modelFromTenantFile(demo));
    expect(paths.filter(viaRoleAssignmentWrite).map((path) => path.level)).toContain("cluster-admin");
  });

  it("a deny assignment of roleAssignments/write on aks-3's resource group removes her path", () => {
    expect(bernadettePathsOnAks3(withDeny()).filter(viaRoleAssignmentWrite)).toEqual([]);
    // naming her alone does the same; naming someone else does not
    expect(
      bernadettePathsOnAks3(withDeny({ principals: [DEMO_USERS.bernadette] })).filter(viaRoleAssignmentWrite),
    ).toEqual([]);
    expect(
      bernadettePathsOnAks3(withDeny({ principals: [DEMO_USERS.jet] })).filter(viaRoleAssignmentWrite),
    ).not.toEqual([]);
  });

  it("excludePrincipals exempts her", () => {
    const paths = bernadettePathsOnAks3(withDeny({ exclude: [DEMO_USERS.bernadette] }));
    expect(paths.filter(viaRoleAssignmentWrite)).not.toEqual([]);
  });

  it("doNotApplyToChildScopes at the subscription leaves the cluster (a child scope) alone; at the cluster itself it applies", () => {
    const subscription = aks3(demo).id.split("/resourceGroups/")[0];
    const atSubscription = withDeny({ scope: subscription, doNotApplyToChildScopes: true });
    expect(bernadettePathsOnAks3(atSubscription).filter(viaRoleAssignmentWrite)).not.toEqual([]);
    const inherited = withDeny({ scope: subscription });
    expect(bernadettePathsOnAks3(inherited).filter(viaRoleAssignmentWrite)).toEqual([]);
    const atCluster = withDeny({ scope: aks3(demo).id, doNotApplyToChildScopes: true });
    expect(bernadettePathsOnAks3(atCluster).filter(viaRoleAssignmentWrite)).toEqual([]);
  });
});

describe("deny assignments and the identity-operator escalation", () => {
  const ASSIGN = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
  const SCALE_SET_WRITE = "Microsoft.Compute/virtualMachineScaleSets/write";
  /** every way of running code on the nodes (NODE_CODE_EXECUTION_ACTIONS) */
  const COMPUTE = "Microsoft.Compute/*";
  const nodeResourceGroup = () => {
    const cluster = modelFromTenantFile(demo).clusters.find((candidate) => candidate.name === "aks-1");
    if (!cluster?.nodeResourceGroup) throw new Error("aks-1 has no node resource group");
    return {
      clusterId: cluster.id,
      scope: `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.nodeResourceGroup}`,
    };
  };
  const operatorActions = (model: TenantModel, clusterId: string) =>
    evaluateClusterAccess(model, clusterId, buildAccessIndex(model))
      .principals.filter((entry) => entry.principal.id === DEMO_USERS.breakglass)
      .flatMap((entry) => entry.escalations)
      .filter((escalation) => escalation.to === "identity-operator")
      .map((escalation) => escalation.path.find((step) => step.kind === "permission")?.id);

  it("the break-glass account's identity-operator routes on aks-1 go when the node resource group denies them", () => {
    const { clusterId, scope } = nodeResourceGroup();
    expect(new Set(operatorActions(modelFromTenantFile(demo), clusterId))).toEqual(
      new Set([ASSIGN, SCALE_SET_WRITE]),
    );
    // scale set write alone: the role's other ways of running code on the nodes remain (node-code-execution.test.ts)
    expect(new Set(operatorActions(withDeny({ scope, actions: [SCALE_SET_WRITE] }), clusterId))).toEqual(
      new Set([ASSIGN, "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action"]),
    );
    const denied = withDeny({ scope, actions: [ASSIGN, COMPUTE] });
    expect(operatorActions(denied, clusterId)).toEqual([]);
    // at the resource group only: neither the identities nor the scale sets below it are denied — a scale set
    // write or run command is authorized at the scale set, a child scope of the group ("doNotApplyToChildScopes:
    // Determines if the deny assignment applies to child scopes", learn.microsoft.com/azure/
    // role-based-access-control/deny-assignments#deny-assignment-properties)
    const groupOnly = withDeny({ scope, actions: [ASSIGN, COMPUTE], doNotApplyToChildScopes: true });
    expect(new Set(operatorActions(groupOnly, clusterId))).toEqual(new Set([ASSIGN, SCALE_SET_WRITE]));
  });
});
