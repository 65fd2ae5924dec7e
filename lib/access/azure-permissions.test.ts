import { describe, expect, it } from "vitest";
import { grantingPattern, kubernetesDataAction, roleAllows } from "@/lib/access/azure-permissions";
import { actionMatches } from "@/lib/access/wildcard";
import type { RoleDefinition } from "@/lib/model/azure";
import { BUILT_IN_ROLE_IDS, findBuiltInRole } from "@/lib/model/builtin-roles";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

const ADMIN_CRED = "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action";

describe("actionMatches", () => {
  it.each([
    ["*", ADMIN_CRED, true],
    ["Microsoft.ContainerService/*", ADMIN_CRED, true],
    ["microsoft.containerservice/managedclusters/listclusteradmincredential/action", ADMIN_CRED, true],
    ["Microsoft.ContainerService/managedClusters/*/action", ADMIN_CRED, true],
    ["Microsoft.ContainerService/managedClusters/list*", ADMIN_CRED, true],
    ["*/read", ADMIN_CRED, false],
    ["*/read", "Microsoft.ContainerService/managedClusters/read", true],
    ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", ADMIN_CRED, false],
    ["Microsoft.Compute/*", ADMIN_CRED, false],
    // `/*/` also matches no segment (Managed Identity Operator)
    [
      "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
      "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
      true,
    ],
    [
      "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/read",
      true,
    ],
    [
      "Microsoft.ContainerService/managedClusters/pods/read",
      "Microsoft.ContainerService/managedClusters/podsXread",
      false,
    ],
  ])("%s matches %s: %s", (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

function role(permissions: Partial<RoleDefinition["permissions"][number]>[]): RoleDefinition {
  return {
    id: "r",
    guid: "r",
    roleName: "r",
    type: "CustomRole",
    permissions: permissions.map((p) => ({
      actions: [],
      notActions: [],
      dataActions: [],
      notDataActions: [],
      ...p,
    })),
    assignableScopes: ["/"],
  };
}

function builtIn(guid: string): RoleDefinition {
  const wire = findBuiltInRole(guid);
  if (!wire) throw new Error(`missing built-in ${guid}`);
  return roleDefinitionFromWire(wire);
}

describe("roleAllows", () => {
  it.each([
    [
      "actions minus notActions",
      role([{ actions: ["*"], notActions: ["Microsoft.ContainerService/*"] }]),
      "control",
      ADMIN_CRED,
      false,
    ],
    [
      "notActions of another block do not subtract",
      role([{ actions: ["*"] }, { actions: [], notActions: ["*"] }]),
      "control",
      ADMIN_CRED,
      true,
    ],
    ["dataActions do not grant actions", role([{ dataActions: ["*"] }]), "control", ADMIN_CRED, false],
    [
      "actions do not grant dataActions",
      role([{ actions: ["*"] }]),
      "data",
      "Microsoft.ContainerService/managedClusters/pods/read",
      false,
    ],
    [
      "dataActions minus notDataActions",
      role([
        {
          dataActions: ["Microsoft.ContainerService/managedClusters/*"],
          notDataActions: ["Microsoft.ContainerService/managedClusters/secrets/*"],
        },
      ]),
      "data",
      "Microsoft.ContainerService/managedClusters/secrets/read",
      false,
    ],
  ] as const)("%s", (_name, definition, plane, action, expected) => {
    expect(roleAllows(definition, plane, action)).toBe(expected);
  });

  it.each([
    [BUILT_IN_ROLE_IDS.owner, true],
    [BUILT_IN_ROLE_IDS.contributor, true],
    [BUILT_IN_ROLE_IDS.aksClusterAdmin, true],
    [BUILT_IN_ROLE_IDS.aksContributor, true],
    [BUILT_IN_ROLE_IDS.aksClusterUser, false],
    [BUILT_IN_ROLE_IDS.reader, false],
    [BUILT_IN_ROLE_IDS.aksRbacClusterAdmin, false],
  ])("built-in %s grants listClusterAdminCredential: %s", (guid, expected) => {
    expect(roleAllows(builtIn(guid), "control", ADMIN_CRED)).toBe(expected);
  });

  it("explains which pattern granted an action", () => {
    expect(grantingPattern(builtIn(BUILT_IN_ROLE_IDS.contributor), "control", ADMIN_CRED)).toBe("*");
    expect(grantingPattern(builtIn(BUILT_IN_ROLE_IDS.reader), "control", ADMIN_CRED)).toBeNull();
  });
});

describe("kubernetesDataAction", () => {
  it.each([
    ["get", "", "pods", "Microsoft.ContainerService/managedClusters/pods/read"],
    ["list", "apps", "deployments", "Microsoft.ContainerService/managedClusters/apps/deployments/read"],
    ["patch", "", "secrets", "Microsoft.ContainerService/managedClusters/secrets/write"],
    ["deletecollection", "", "pods", "Microsoft.ContainerService/managedClusters/pods/delete"],
    [
      "bind",
      "rbac.authorization.k8s.io",
      "clusterroles",
      "Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterroles/bind/action",
    ],
    ["impersonate", "", "users", "Microsoft.ContainerService/managedClusters/users/impersonate/action"],
    ["create", "", "pods/exec", "Microsoft.ContainerService/managedClusters/pods/exec/action"],
    ["proxy", "", "nodes", null],
  ])("%s %s/%s → %s", (verb, group, resource, expected) => {
    expect(kubernetesDataAction(verb, group, resource)).toBe(expected);
  });
});
