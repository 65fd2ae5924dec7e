import { describe, expect, it } from "vitest";
import { roleAllows } from "@/lib/access/azure-permissions";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER, ROLE, SUB } from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";
import type { RoleDefinition } from "@/lib/model/azure";
import { findBuiltInRole } from "@/lib/model/builtin-roles";
import type { TenantModel } from "@/lib/model/tenant-model";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

// Correct behaviour of the engine's Azure RBAC semantics that no test pinned, with its source.
// RD = MicrosoftDocs/azure-docs articles/role-based-access-control/role-definitions.md.

const AKS = "Microsoft.ContainerService/managedClusters";
const ADMIN_CREDENTIAL = `${AKS}/listClusterAdminCredential/action`;
const CUSTOM = "33333333-0000-0000-0000-00000000c0de";

function grantsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return (entry?.grants ?? []).map((g) => `${g.level}@${g.namespace ?? "*"} via ${g.route}`).sort();
}

const evaluate = (model: TenantModel, principal = "u") =>
  grantsOf(evaluateClusterAccess(model, CLUSTER), principal);

function builtIn(guid: string): RoleDefinition {
  const wire = findBuiltInRole(guid);
  if (!wire) throw new Error(`missing built-in ${guid}`);
  return roleDefinitionFromWire(wire);
}

describe("NotActions are no deny (RD: 'NotActions is not a deny rule')", () => {
  it("a second role grants back what one role's NotActions left out", () => {
    const withoutCredential = () =>
      new AccessModelBuilder()
        .principal("u")
        .customRole(CUSTOM, [{ actions: ["*"], notActions: [ADMIN_CREDENTIAL, `${AKS}/accessProfiles/*`] }])
        .assign(CUSTOM, "u", CLUSTER);
    expect(evaluate(withoutCredential().build())).not.toContain("cluster-admin@* via local-admin-credential");
    const withSecondRole = withoutCredential()
      .assign(ROLE.aksClusterAdmin, "u", `/subscriptions/${SUB}`)
      .build();
    expect(evaluate(withSecondRole)).toContain("cluster-admin@* via local-admin-credential");
  });
});

describe("AssignableScopes do not limit an existing assignment", () => {
  // RD, AssignableScopes: "the level of access is determined by the custom role assignment (scope +
  // role permissions + security principal) and not the AssignableScopes listed in the custom role".
  it("a custom role whose assignable scope is another subscription still grants where it is assigned", () => {
    const builder = new AccessModelBuilder()
      .principal("u")
      .customRole(CUSTOM, [{ dataActions: [`${AKS}/*`] }])
      .assign(CUSTOM, "u", CLUSTER);
    const role = builder.model.roleDefinitions.find((definition) => definition.guid === CUSTOM);
    if (role) role.assignableScopes = ["/subscriptions/00000000-0000-0000-0000-00000000bbbb"];
    expect(evaluate(builder.build())).toEqual(["cluster-admin@* via azure-rbac"]);
  });
});

describe("action patterns (RD, Actions: wildcards such as */read, Microsoft.Compute/*, Microsoft.Network/*/read)", () => {
  it.each([
    ["* in the middle", [`Microsoft.ContainerService/*/listClusterAdminCredential/action`], true],
    ["*/action", ["*/action"], true],
    ["provider wildcard in another case", ["microsoft.CONTAINERSERVICE/*"], true],
    ["a neighbouring action", [`${AKS}/listClusterUserCredential/action`], false],
    ["*/read", ["*/read"], false],
  ])("actions %s → listClusterAdminCredential: %s", (_name, actions, expected) => {
    const model = new AccessModelBuilder()
      .principal("u")
      .customRole(CUSTOM, [{ actions }])
      .assign(CUSTOM, "u", CLUSTER)
      .build();
    expect(evaluate(model).includes("cluster-admin@* via local-admin-credential")).toBe(expected);
  });

  it.each([
    ["managedClusters/*/read", [`${AKS}/*/read`], "read@* via azure-rbac"],
    ["*/read as a data action", ["*/read"], "read@* via azure-rbac"],
    [
      "lower-case provider",
      ["microsoft.containerservice/managedclusters/*"],
      "cluster-admin@* via azure-rbac",
    ],
  ])("dataActions %s", (_name, dataActions, expected) => {
    const model = new AccessModelBuilder()
      .principal("u")
      .customRole(CUSTOM, [{ dataActions }])
      .assign(CUSTOM, "u", CLUSTER)
      .build();
    expect(evaluate(model)).toEqual([expected]);
  });
});

describe("control plane and data plane stay apart (RD, 'Control and data actions')", () => {
  it("Owner (Actions *) gets no Azure RBAC for Kubernetes access, only the control-plane routes", () => {
    const model = new AccessModelBuilder({ localAccountsDisabled: true })
      .principal("u")
      .assign(ROLE.owner, "u", CLUSTER)
      .build();
    expect(evaluate(model).filter((grant) => grant.includes("azure-rbac"))).toEqual([]);
  });
});

describe("ARM ids and principals", () => {
  it("an assignment scope written in another case reaches the cluster (ARM ids are case-insensitive)", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(
        ROLE.aksRbacReader,
        "u",
        `/subscriptions/${SUB.toUpperCase()}/resourceGroups/RG-1/providers/Microsoft.ContainerService/managedClusters/AKS-1/`,
      )
      .build();
    expect(evaluate(model)).toEqual(["read@* via azure-rbac"]);
  });

  it("an assignment to a group reaches its transitive members", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .group("inner", ["u"])
      .group("outer", ["inner"])
      .assign(ROLE.aksRbacWriter, "outer", CLUSTER, { principalType: "Group" })
      .build();
    expect(evaluate(model)).toEqual(["write@* via azure-rbac"]);
  });
});

describe("built-in role data (learn.microsoft.com/azure/role-based-access-control/built-in-roles)", () => {
  const WRITE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments/write";
  const WRITE_DEFINITION = "Microsoft.Authorization/roleDefinitions/write";
  it.each([
    [ROLE.owner, ADMIN_CREDENTIAL, true],
    [ROLE.owner, WRITE_ASSIGNMENT, true],
    // Contributor: NotActions Microsoft.Authorization/*/Write, */Delete, elevateAccess/Action
    [ROLE.contributor, ADMIN_CREDENTIAL, true],
    [ROLE.contributor, WRITE_ASSIGNMENT, false],
    [ROLE.contributor, "Microsoft.Authorization/elevateAccess/Action", false],
    [
      ROLE.contributor,
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
      true,
    ],
    [ROLE.userAccessAdministrator, WRITE_ASSIGNMENT, true],
    [ROLE.userAccessAdministrator, WRITE_DEFINITION, true],
    [ROLE.roleBasedAccessControlAdministrator, WRITE_ASSIGNMENT, true],
    [ROLE.roleBasedAccessControlAdministrator, WRITE_DEFINITION, false],
    // AKS Cluster Admin Role: listClusterAdminCredential, accessProfiles/listCredential, read, runcommand
    [ROLE.aksClusterAdmin, `${AKS}/accessProfiles/listCredential/action`, true],
    [ROLE.aksClusterAdmin, `${AKS}/runCommand/action`, true],
    [ROLE.aksClusterAdmin, `${AKS}/write`, false],
    [ROLE.aksClusterUser, `${AKS}/listClusterUserCredential/action`, true],
    [ROLE.aksClusterUser, ADMIN_CREDENTIAL, false],
    [ROLE.aksRbacClusterAdmin, `${AKS}/listClusterUserCredential/action`, true],
    [ROLE.aksRbacReader, `${AKS}/listClusterUserCredential/action`, false],
  ])("%s grants %s: %s", (guid, action, expected) => {
    expect(roleAllows(builtIn(guid), "control", action)).toBe(expected);
  });

  it.each([
    [ROLE.aksRbacClusterAdmin, `${AKS}/namespaces/write`, true],
    // RBAC Admin: managedClusters/* minus resourcequotas and namespaces write/delete
    [ROLE.aksRbacAdmin, `${AKS}/namespaces/write`, false],
    [ROLE.aksRbacAdmin, `${AKS}/resourcequotas/delete`, false],
    [ROLE.aksRbacAdmin, `${AKS}/rbac.authorization.k8s.io/rolebindings/write`, true],
    // RBAC Writer: no roles or role bindings; secrets and pods yes
    [ROLE.aksRbacWriter, `${AKS}/rbac.authorization.k8s.io/rolebindings/write`, false],
    [ROLE.aksRbacWriter, `${AKS}/secrets/read`, true],
    [ROLE.aksRbacWriter, `${AKS}/pods/exec/action`, true],
    // RBAC Reader: no secrets
    [ROLE.aksRbacReader, `${AKS}/secrets/read`, false],
    [ROLE.aksRbacReader, `${AKS}/pods/read`, true],
  ])("%s grants data action %s: %s", (guid, action, expected) => {
    expect(roleAllows(builtIn(guid), "data", action)).toBe(expected);
  });
});
