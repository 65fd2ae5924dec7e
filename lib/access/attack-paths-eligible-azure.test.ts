import { describe, expect, it } from "vitest";
import type { AttackPath } from "@/lib/access/attack-paths";
import {
  CLUSTER,
  NODE_RG,
  RG,
  ROLE,
  role,
  roleBinding,
  roleEligibility,
  SUB,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import {
  CLUSTER2,
  KUBELET_OBJECT,
  MI,
  RG2,
  twoClusterTenant,
} from "@/lib/access/fixtures/two-cluster-tenant";
import { EVERYONE_PRINCIPAL_ID, type RoleEligibilityActivation } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// PIM-eligible Azure role assignments on multi-hop attack paths.
//
// Activating an eligible assignment makes the same role active at the same scope for the activation's
// duration ("When you need to take on an Azure resource role, you can request activation by using ...
// Privileged Identity Management": learn.microsoft.com/entra/id-governance/privileged-identity-management/
// pim-resource-roles-activate-your-roles). So every edge a standing assignment gives, an eligible one gives
// too, marked `eligible` (the path needs the activation first), its step the eligibility (`roleEligibility`,
// with what activating it takes). Only the one-step engine read eligibilities at the cluster; routes through
// an eligible role over an identity, the node resource group or another cluster were reported as nobody.
//
// The tenant (lib/access/fixtures/two-cluster-tenant.ts): aks-1 in rg-1 with Azure RBAC; aks-2 in rg-2 with
// local accounts on (Contributor on rg-2 is cluster-admin there); identity `deployer` in rg-1, Contributor on
// rg-2, whose federated credential trusts default/deployer on aks-1.

const CUSTOM = "c0de0000-0000-4000-8000-0000000000e1";
const RUN_COMMAND = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action";
const SCALE_SET = `${NODE_RG}/providers/microsoft.compute/virtualmachinescalesets/aks-nodepool1-vmss`;

function eligible(
  model: TenantModel,
  roleGuid: string,
  principalId: string,
  scope: string,
  extra: { condition?: string; activation?: RoleEligibilityActivation } = {},
): TenantModel {
  model.roleEligibilities.push(
    roleEligibility({
      name: `e-${model.roleEligibilities.length}`,
      scope,
      roleDefinitionId: roleGuid,
      principalId,
      condition: extra.condition ?? null,
      activation: extra.activation,
    }),
  );
  return model;
}

function denyAll(model: TenantModel, scope: string, actions: string[]): TenantModel {
  model.denyAssignments.push({
    id: `${scope}/providers/microsoft.authorization/denyassignments/d-${model.denyAssignments.length}`,
    name: "deny",
    scope,
    permissions: [{ actions, notActions: [], dataActions: [], notDataActions: [] }],
    principals: [{ id: EVERYONE_PRINCIPAL_ID, type: "SystemDefined" }],
    excludePrincipals: [],
    doNotApplyToChildScopes: false,
    isSystemProtected: false,
  });
  return model;
}

const pathsInto = checkedPathsInto;
const summary = pathSummary;
const eligibilityStepOf = (path: AttackPath | undefined) =>
  path?.path.find((step) => step.kind === "roleEligibility");

/** Found, eligible, through a `roleEligibility` step. */
function expectEligible(paths: AttackPath[], level = "cluster-admin"): AttackPath {
  expect(paths.map((path) => path.level)).toContain(level);
  const path = paths.find((candidate) => candidate.level === level) as AttackPath;
  expect(path.eligible).toBe(true);
  expect(eligibilityStepOf(path)).toBeDefined();
  expect(
    path.path.some((step) => step.kind === "roleAssignment" && step.id.includes("roleeligibility")),
  ).toBe(false);
  return path;
}

describe("identity edges through an eligible role", () => {
  it("eligible Managed Identity Contributor on the identity: a federated credential of its own, then aks-2", () => {
    const model = eligible(twoClusterTenant(), ROLE.managedIdentityContributor, "leonard", MI, {
      activation: { approvalRequired: true, maximumDuration: "PT8H", policyId: null },
    });
    const path = expectEligible(pathsInto(model, CLUSTER2, "leonard"));
    expect(path.hops).toBe(2);
    expect(path.path.some((step) => step.id === `${MI}#federatedCredential`)).toBe(true);
    // what activating takes travels with the step
    expect(eligibilityStepOf(path)).toMatchObject({ approvalRequired: true, maximumDuration: "PT8H" });
  });

  it("eligible on the identity's resource group: the same route, inherited", () => {
    const model = eligible(twoClusterTenant(), ROLE.managedIdentityContributor, "leonard", RG);
    expect(summary(pathsInto(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 2 (eligible)"]);
  });

  it("eligible roleAssignments/write over the identity: assigns itself Managed Identity Contributor", () => {
    const model = eligible(twoClusterTenant(), ROLE.userAccessAdministrator, "leonard", MI);
    const path = expectEligible(pathsInto(model, CLUSTER2, "leonard"));
    expect(path.path.some((step) => step.id.startsWith(`${MI}#assignRole/`))).toBe(true);
  });

  it("eligible identity assign (Managed Identity Operator): conditional on compute to attach it to", () => {
    const model = eligible(twoClusterTenant(), ROLE.managedIdentityOperator, "leonard", MI);
    const paths = pathsInto(model, CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 2 (eligible) (conditional)"]);
    expectEligible(paths);
  });

  it("a deny assignment takes the eligible action as it takes a standing one", () => {
    const model = denyAll(eligible(twoClusterTenant(), ROLE.managedIdentityContributor, "leonard", MI), MI, [
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
    ]);
    expect(pathsInto(model, CLUSTER2, "leonard")).toEqual([]);
  });

  it("standing and eligible for the same role: the standing path is reported", () => {
    const model = eligible(
      twoClusterTenant({
        setup: (builder) => builder.assign(ROLE.managedIdentityContributor, "leonard", MI),
      }),
      ROLE.managedIdentityContributor,
      "leonard",
      MI,
    );
    const paths = pathsInto(model, CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 2"]);
    expect(eligibilityStepOf(paths[0])).toBeUndefined();
  });
});

describe("node code execution through an eligible role", () => {
  // aks-1's kubelet identity is Contributor on rg-2: code on aks-1's nodes is cluster-admin on aks-2.
  const tenant = (scope: string) =>
    eligible(
      twoClusterTenant({
        identityRole: null,
        setup: (builder) =>
          builder
            .assign(ROLE.contributor, KUBELET_OBJECT, RG2, { principalType: "ServicePrincipal" })
            .customRole(CUSTOM, [{ actions: [RUN_COMMAND] }]),
      }),
      CUSTOM,
      "leonard",
      scope,
    );

  it("eligible run command in the node resource group reaches the kubelet identity", () => {
    const path = expectEligible(pathsInto(tenant(NODE_RG), CLUSTER2, "leonard"));
    expect(path.hops).toBe(2);
    expect(path.path.find((step) => step.kind === "permission")?.id).toBe(RUN_COMMAND);
    expect(path.path.find((step) => step.kind === "identity")?.label).toContain("kubelet identity");
  });

  it("eligible at a scale set in it, and from the subscription", () => {
    expect(summary(pathsInto(tenant(SCALE_SET), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 2 (eligible)",
    ]);
    expect(summary(pathsInto(tenant(`/subscriptions/${SUB}`), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 2 (eligible)",
    ]);
  });
});

describe("pod powers and takeovers from eligible Azure RBAC data actions", () => {
  it("eligible AKS RBAC Writer on aks-1: a pod as default/deployer, its workload identity, then aks-2", () => {
    const model = eligible(twoClusterTenant(), ROLE.aksRbacWriter, "leonard", CLUSTER);
    const path = expectEligible(pathsInto(model, CLUSTER2, "leonard"));
    expect(path.path.some((step) => step.kind === "federatedCredential")).toBe(true);
    expect(path.path.some((step) => step.kind === "k8s.serviceAccount")).toBe(true);
  });

  it("an eligible cluster-wide pod creator does not hide the same principal's standing one (IMDS)", () => {
    // kubelet of aks-1 is Contributor on rg-2; Leonard runs pods in `default` standing (a RoleBinding)
    // and anywhere once he activates AKS RBAC Writer; Bob's standing Writer lists cluster-wide holders first.
    const model = eligible(
      twoClusterTenant({
        identityRole: null,
        objects: [
          role("default", "runner", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]),
          roleBinding("default", "runner", { kind: "Role", name: "runner" }, [user("leonard")]),
        ],
        setup: (builder) =>
          builder
            .principal("bob")
            .assign(ROLE.aksRbacWriter, "bob", CLUSTER)
            .assign(ROLE.contributor, KUBELET_OBJECT, RG2, { principalType: "ServicePrincipal" }),
      }),
      ROLE.aksRbacWriter,
      "leonard",
      CLUSTER,
    );
    const paths = pathsInto(model, CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 2"]);
    expect(eligibilityStepOf(paths[0])).toBeUndefined();
  });

  it("an eligible Azure RBAC data action that takes over aks-1 (a mutating webhook of its own)", () => {
    const model = eligible(
      twoClusterTenant({
        setup: (builder) =>
          builder.customRole(CUSTOM, [
            {
              dataActions: [
                "Microsoft.ContainerService/managedClusters/admissionregistration.k8s.io/mutatingwebhookconfigurations/write",
              ],
            },
          ]),
      }),
      CUSTOM,
      "leonard",
      CLUSTER,
    );
    const path = expectEligible(pathsInto(model, CLUSTER, "leonard"));
    expect(path.path.some((step) => step.id === `${CLUSTER}#takeover`)).toBe(true);
  });
});

describe("role assignment and role definition writes through an eligible role", () => {
  it("eligible User Access Administrator on aks-2's resource group: assigns itself a cluster-admin role", () => {
    const model = eligible(
      twoClusterTenant({ identityRole: null }),
      ROLE.userAccessAdministrator,
      "leonard",
      RG2,
    );
    const path = expectEligible(pathsInto(model, CLUSTER2, "leonard"));
    expect(path.hops).toBe(1);
    expect(path.path.some((step) => step.id.startsWith(`${CLUSTER2}#assignRole/`))).toBe(true);
  });

  it("eligible for a custom role that may edit itself: adds the cluster's actions to it", () => {
    const model = eligible(
      twoClusterTenant({
        identityRole: null,
        setup: (builder) =>
          builder.customRole(CUSTOM, [{ actions: ["Microsoft.Authorization/roleDefinitions/write"] }]),
      }),
      CUSTOM,
      "leonard",
      `/subscriptions/${SUB}`,
    );
    const path = expectEligible(pathsInto(model, CLUSTER2, "leonard"));
    expect(path.path.some((step) => step.id.endsWith("#edit"))).toBe(true);
  });
});
