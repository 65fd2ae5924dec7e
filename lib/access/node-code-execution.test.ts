import { describe, expect, it } from "vitest";
import type { AttackPath } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  MG,
  NODE_RG,
  RG,
  ROLE,
  roleEligibility,
  SUB,
} from "@/lib/access/fixtures/access-model-builder";
import {
  CLUSTER2,
  KUBELET_OBJECT,
  pathsOf,
  twoClusterTenant,
} from "@/lib/access/fixtures/two-cluster-tenant";
import { EVERYONE_PRINCIPAL_ID } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// Running code on the nodes in a cluster's node resource group is acting as the identities they
// carry (kubelet, add-ons: IMDS hands their tokens to any code on the VM, learn.microsoft.com/entra/
// identity/managed-identities-azure-resources/how-to-use-vm-token). virtualMachineScaleSets/write is
// one way; a custom role holding only one of the actions below is another, and was reported as
// nobody. Every action string and its description is from learn.microsoft.com/azure/
// role-based-access-control/permissions/compute (MicrosoftDocs/azure-docs articles/
// role-based-access-control/permissions/compute.md, section Microsoft.Compute).

/** [action, what the Compute permissions page says it does, conditional in attack paths] */
const NODE_ACTIONS: readonly (readonly [string, string, boolean])[] = [
  // "Executes a predefined script on a Virtual Machine instance in a Virtual Machine Scale Set";
  // REST: Virtual Machine Scale Set VMs - Run Command, POST …/virtualMachineScaleSets/{vmss}/
  // virtualMachines/{instanceId}/runCommand with a `script` (az vmss run-command invoke)
  [
    "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
    "runs a script on a node",
    false,
  ],
  // "Creates a new run command for Virtual Machine in Virtual Machine Scale Set or updates an existing
  // one"; REST: Virtual Machine Scale Set VM Run Commands - Create Or Update (az vmss run-command create)
  [
    "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands/write",
    "runs a script on a node",
    false,
  ],
  // "Creates a new extension for Virtual Machine in Virtual Machine Scale Set or updates an existing one"
  [
    "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/extensions/write",
    "Custom Script extension on a node",
    false,
  ],
  // "Creates a new Virtual Machine Scale Set Extension or updates an existing one": the extension joins
  // the scale set model, which existing instances take only once upgraded to it under upgradePolicy
  // Manual (learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy)
  [
    "Microsoft.Compute/virtualMachineScaleSets/extensions/write",
    "instances created or upgraded to the latest model",
    true,
  ],
  // Standalone VMs (VirtualMachines node pools), which the model does not tell apart: conditional.
  // "Executes a predefined script on the virtual machine" (az vm run-command invoke)
  ["Microsoft.Compute/virtualMachines/runCommand/action", "VirtualMachines node pool", true],
  // "Creates a new virtual machine run command or updates an existing one" (az vm run-command create)
  ["Microsoft.Compute/virtualMachines/runCommands/write", "VirtualMachines node pool", true],
  // "Creates a new virtual machine extension or updates an existing one"
  ["Microsoft.Compute/virtualMachines/extensions/write", "VirtualMachines node pool", true],
  // "Creates a new virtual machine or updates an existing virtual machine": a VM application
  // (applicationProfile.galleryApplications) runs its install script on the VM
  ["Microsoft.Compute/virtualMachines/write", "VM application", true],
];

const SCALE_SET = `${NODE_RG}/providers/microsoft.compute/virtualmachinescalesets/aks-nodepool1-vmss`;
const VM = `${NODE_RG}/providers/microsoft.compute/virtualmachines/aks-nodepool2-vm0`;
const CUSTOM = "c0de0000-0000-4000-8000-000000000001";
const RUN_COMMAND = NODE_ACTIONS[0][0];
const SCALE_SET_WRITE = "Microsoft.Compute/virtualMachineScaleSets/write";

/**
 * The permission step of each identity-operator escalation of `principalId` on aks-1 through the node
 * resource group (not assign/action on the identities themselves), with that step's label.
 */
function operatorRoutes(model: TenantModel, principalId: string): { action?: string; target?: string }[] {
  const entry = evaluateClusterAccess(model, CLUSTER).principals.find(
    (candidate) => candidate.principal.id === principalId,
  );
  return (entry?.escalations ?? [])
    .filter((escalation) => escalation.to === "identity-operator")
    .map((escalation) => ({
      action: escalation.path.find((step) => step.kind === "permission")?.id,
      target: escalation.path.find((step) => step.kind === "resourceGroup")?.label,
    }))
    .filter((route) => route.target !== undefined);
}

function withDeny(
  model: TenantModel,
  scope: string,
  actions: string[],
  options: { exclude?: string[]; doNotApplyToChildScopes?: boolean } = {},
): TenantModel {
  model.denyAssignments.push({
    id: `${scope}/providers/microsoft.authorization/denyassignments/d-${model.denyAssignments.length}`,
    name: "no code on the nodes",
    scope,
    permissions: [{ actions, notActions: [], dataActions: [], notDataActions: [] }],
    principals: [{ id: EVERYONE_PRINCIPAL_ID, type: "SystemDefined" }],
    excludePrincipals: (options.exclude ?? []).map((id) => ({ id, type: "User" })),
    doNotApplyToChildScopes: options.doNotApplyToChildScopes ?? false,
    isSystemProtected: false,
  });
  return model;
}

/** `u` holding a custom role of `actions` (minus `notActions`) at `scope`. */
function holding(scope: string, actions: string[], notActions: string[] = []): TenantModel {
  return new AccessModelBuilder()
    .principal("u")
    .customRole(CUSTOM, [{ actions, notActions }])
    .assign(CUSTOM, "u", scope)
    .build();
}

describe("one-step escalation: running code on the nodes acts as their identities", () => {
  it.each(NODE_ACTIONS)("a custom role holding only %s in the node resource group", (action, how) => {
    const routes = operatorRoutes(holding(NODE_RG, [action]), "u");
    expect(routes.map((route) => route.action)).toEqual([action]);
    expect(routes[0].target).toContain(how);
  });

  it.each([
    ["the subscription", `/subscriptions/${SUB}`],
    ["a management group", MG],
    ["the tenant root", "/"],
  ])("inherited from %s", (_name, scope) => {
    expect(operatorRoutes(holding(scope, [RUN_COMMAND]), "u").map((route) => route.action)).toEqual([
      RUN_COMMAND,
    ]);
  });

  it("at a scale set its own actions count, a VM's do not; at a VM the reverse", () => {
    const vmRunCommand = "Microsoft.Compute/virtualMachines/runCommand/action";
    expect(operatorRoutes(holding(SCALE_SET, [RUN_COMMAND]), "u").map((route) => route.action)).toEqual([
      RUN_COMMAND,
    ]);
    expect(operatorRoutes(holding(SCALE_SET, [vmRunCommand]), "u")).toEqual([]);
    expect(operatorRoutes(holding(VM, [vmRunCommand]), "u").map((route) => route.action)).toEqual([
      vmRunCommand,
    ]);
    expect(operatorRoutes(holding(VM, [RUN_COMMAND]), "u")).toEqual([]);
  });

  it.each([
    ["another resource group", `/subscriptions/${SUB}/resourcegroups/rg-2`],
    ["the cluster's own resource group", RG],
    ["another subscription", "/subscriptions/00000000-0000-0000-0000-00000000bbbb"],
  ])("nothing from %s", (_name, scope) => {
    expect(
      operatorRoutes(
        holding(
          scope,
          NODE_ACTIONS.map(([action]) => action),
        ),
        "u",
      ),
    ).toEqual([]);
  });

  it("actions held under notActions give nothing, while the same wildcard without them does", () => {
    const instanceActions = NODE_ACTIONS.slice(0, 3).map(([action]) => action);
    const wildcard = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/*";
    expect(operatorRoutes(holding(NODE_RG, [wildcard]), "u")).not.toEqual([]);
    // virtualMachineScaleSets/virtualMachines/write ("Updates the properties of a Virtual Machine in a
    // VM Scale Set") is left under the wildcard: it sets no extension or script of the instance
    expect(operatorRoutes(holding(NODE_RG, [wildcard], instanceActions), "u")).toEqual([]);
  });

  it("a deny assignment takes the action away; excludePrincipals gives it back", () => {
    expect(operatorRoutes(withDeny(holding(NODE_RG, [RUN_COMMAND]), NODE_RG, [RUN_COMMAND]), "u")).toEqual(
      [],
    );
    expect(
      operatorRoutes(withDeny(holding(NODE_RG, [RUN_COMMAND]), `/subscriptions/${SUB}`, [RUN_COMMAND]), "u"),
    ).toEqual([]);
    expect(
      operatorRoutes(
        withDeny(holding(NODE_RG, [RUN_COMMAND]), NODE_RG, [RUN_COMMAND], { exclude: ["u"] }),
        "u",
      ).map((route) => route.action),
    ).toEqual([RUN_COMMAND]);
  });

  // "doNotApplyToChildScopes: Determines if the deny assignment applies to child scopes"
  // (learn.microsoft.com/azure/role-based-access-control/deny-assignments#deny-assignment-properties): the
  // actions run on the scale sets and VMs in the node resource group, children of it, so a deny at the group
  // that keeps to the group itself leaves them.
  it("a deny at the node resource group that does not apply to child scopes leaves the actions on its scale sets", () => {
    for (const scope of [NODE_RG, `/subscriptions/${SUB}`]) {
      expect(
        operatorRoutes(
          withDeny(holding(scope, [RUN_COMMAND]), NODE_RG, [RUN_COMMAND], { doNotApplyToChildScopes: true }),
          "u",
        ).map((route) => route.action),
      ).toEqual([RUN_COMMAND]);
    }
  });

  it("a deny assignment on the scale set takes away what an assignment on that scale set gives", () => {
    expect(
      operatorRoutes(withDeny(holding(SCALE_SET, [RUN_COMMAND]), SCALE_SET, [RUN_COMMAND]), "u"),
    ).toEqual([]);
  });

  it("denying virtualMachineScaleSets/write alone leaves a Contributor the other actions, named in the path", () => {
    const model = new AccessModelBuilder().principal("u").assign(ROLE.contributor, "u", NODE_RG).build();
    expect(operatorRoutes(model, "u").map((route) => route.action)).toEqual([SCALE_SET_WRITE]);
    expect(
      operatorRoutes(withDeny(model, NODE_RG, [SCALE_SET_WRITE]), "u").map((route) => route.action),
    ).toEqual([RUN_COMMAND]);
    expect(operatorRoutes(withDeny(model, NODE_RG, ["Microsoft.Compute/*"]), "u")).toEqual([]);
  });
});

describe("attack paths: the node identities through code on the nodes", () => {
  // aks-1's kubelet identity is Contributor on aks-2's resource group: reaching it is cluster-admin on aks-2.
  const tenant = (scope: string, actions: string[], deny?: { scope: string; actions: string[] }) => {
    const model = twoClusterTenant({
      identityRole: null,
      setup: (builder) =>
        builder
          .assign(ROLE.contributor, KUBELET_OBJECT, `/subscriptions/${SUB}/resourcegroups/rg-2`, {
            principalType: "ServicePrincipal",
          })
          .customRole(CUSTOM, [{ actions }])
          .assign(CUSTOM, "leonard", scope),
    });
    return deny ? withDeny(model, deny.scope, deny.actions) : model;
  };
  const summary = (paths: AttackPath[]) =>
    paths.map((path) => `${path.level} in ${path.hops}${path.conditional ? " (conditional)" : ""}`);
  const permissionOf = (path: AttackPath) => path.path.find((step) => step.kind === "permission")?.id;

  it.each(NODE_ACTIONS)(
    "a custom role holding only %s reaches the kubelet identity",
    (action, _how, conditional) => {
      const paths = pathsOf(tenant(NODE_RG, [action]), CLUSTER2, "leonard");
      expect(summary(paths)).toEqual([`cluster-admin in 2${conditional ? " (conditional)" : ""}`]);
      expect(permissionOf(paths[0])).toBe(action);
      expect(paths[0].path.find((step) => step.kind === "identity")?.label).toContain("kubelet identity");
    },
  );

  it("from a scale set assignment, and inherited from the subscription", () => {
    expect(summary(pathsOf(tenant(SCALE_SET, [RUN_COMMAND]), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 2",
    ]);
    expect(summary(pathsOf(tenant(`/subscriptions/${SUB}`, [RUN_COMMAND]), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 2",
    ]);
  });

  it("nothing from another resource group, or under a deny assignment", () => {
    expect(
      pathsOf(tenant(`/subscriptions/${SUB}/resourcegroups/rg-2`, [RUN_COMMAND]), CLUSTER2, "leonard"),
    ).toEqual([]);
    expect(
      pathsOf(
        tenant(NODE_RG, [RUN_COMMAND], { scope: NODE_RG, actions: [RUN_COMMAND] }),
        CLUSTER2,
        "leonard",
      ),
    ).toEqual([]);
  });

  it("a deny at the node resource group that does not apply to child scopes takes nothing away", () => {
    const model = withDeny(tenant(NODE_RG, [RUN_COMMAND]), NODE_RG, [RUN_COMMAND], {
      doNotApplyToChildScopes: true,
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 2"]);
  });

  it("a deny of one action leaves the next the role grants, and the path names it", () => {
    const paths = pathsOf(
      tenant(NODE_RG, [SCALE_SET_WRITE, RUN_COMMAND], { scope: NODE_RG, actions: [SCALE_SET_WRITE] }),
      CLUSTER2,
      "leonard",
    );
    expect(summary(paths)).toEqual(["cluster-admin in 2"]);
    expect(permissionOf(paths[0])).toBe(RUN_COMMAND);
  });
});

// Activating a PIM eligibility makes the same role active at the same scope (learn.microsoft.com/entra/
// id-governance/privileged-identity-management/pim-resource-roles-activate-your-roles): the one-step
// escalation lists an eligible role's node actions too, marked eligible, as the attack-path edges do.
describe("one-step escalation through an eligible (PIM) role", () => {
  const withEligibility = (model: TenantModel, roleGuid: string, scope: string): TenantModel => {
    model.roleEligibilities.push(
      roleEligibility({
        name: `e-${model.roleEligibilities.length}`,
        scope,
        roleDefinitionId: roleGuid,
        principalId: "u",
      }),
    );
    return model;
  };
  const operatorEscalations = (model: TenantModel) =>
    (
      evaluateClusterAccess(model, CLUSTER).principals.find((entry) => entry.principal.id === "u")
        ?.escalations ?? []
    ).filter((escalation) => escalation.to === "identity-operator");

  it.each([
    ["the node resource group", NODE_RG],
    ["a scale set in it", SCALE_SET],
    ["the subscription", `/subscriptions/${SUB}`],
  ])("an eligible run command at %s is an eligible identity-operator escalation", (_where, scope) => {
    const model = withEligibility(
      new AccessModelBuilder()
        .principal("u")
        .customRole(CUSTOM, [{ actions: [RUN_COMMAND] }])
        .build(),
      CUSTOM,
      scope,
    );
    const [escalation, ...others] = operatorEscalations(model);
    expect(others).toEqual([]);
    expect(escalation).toMatchObject({ eligible: true });
    expect(escalation.path.some((step) => step.kind === "roleEligibility")).toBe(true);
    expect(escalation.path.find((step) => step.kind === "permission")?.id).toBe(RUN_COMMAND);
  });

  it("a standing route stays standing beside an eligible one", () => {
    const model = withEligibility(holding(NODE_RG, [RUN_COMMAND]), CUSTOM, NODE_RG);
    const escalations = operatorEscalations(model);
    expect(escalations.some((escalation) => escalation.eligible !== true)).toBe(true);
  });
});
