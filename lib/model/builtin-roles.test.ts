import { describe, expect, it } from "vitest";
import {
  BUILT_IN_ROLE_IDS,
  builtInRoleDefinitions,
  findBuiltInRole,
  isBuiltInRoleGuid,
} from "@/lib/model/builtin-roles";

const REQUIRED_ROLE_NAMES = [
  "Owner",
  "Contributor",
  "Reader",
  "User Access Administrator",
  "Azure Kubernetes Service Cluster Admin Role",
  "Azure Kubernetes Service Cluster User Role",
  "Azure Kubernetes Service RBAC Cluster Admin",
  "Azure Kubernetes Service RBAC Admin",
  "Azure Kubernetes Service RBAC Writer",
  "Azure Kubernetes Service RBAC Reader",
  "Azure Kubernetes Service Contributor Role",
  "Managed Identity Operator",
  "Virtual Machine Contributor",
  "AcrPull",
];

describe("built-in roles", () => {
  it.each(REQUIRED_ROLE_NAMES)("includes %s", (roleName) => {
    expect(findBuiltInRole(roleName)?.properties.roleName).toBe(roleName);
  });

  it("is in ARM wire form with consistent ids", () => {
    for (const definition of builtInRoleDefinitions()) {
      expect(definition.id).toBe(`/providers/Microsoft.Authorization/roleDefinitions/${definition.name}`);
      expect(definition.type).toBe("Microsoft.Authorization/roleDefinitions");
      expect(definition.properties.type).toBe("BuiltInRole");
      expect(definition.properties.assignableScopes.length).toBeGreaterThan(0);
      expect(definition.properties.permissions.length).toBeGreaterThan(0);
    }
  });

  it("is the complete catalogue, not a selection", () => {
    // The built-in roles a real tenant uses beyond AKS: a tenant file assigning any of them must
    // validate (Azure built-in roles documentation, learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    expect(builtInRoleDefinitions().length).toBeGreaterThan(800);
    for (const roleName of [
      "Managed Identity Contributor",
      "Role Based Access Control Administrator",
      "Key Vault Administrator",
      "Storage Blob Data Owner",
      "Azure Kubernetes Fleet Manager RBAC Cluster Admin",
    ])
      expect(findBuiltInRole(roleName)?.properties.roleName).toBe(roleName);
    expect(findBuiltInRole("Managed Identity Contributor")?.name).toBe(
      BUILT_IN_ROLE_IDS.managedIdentityContributor,
    );
  });

  it("keeps the conditions and the assignable scopes of roles that have them", () => {
    // Key Vault Data Access Administrator may only assign Key Vault data roles: its block carries
    // the ABAC condition that says so.
    const keyVaultAccess = findBuiltInRole("Key Vault Data Access Administrator")?.properties.permissions[0];
    expect(keyVaultAccess?.actions).toContain("Microsoft.Authorization/roleAssignments/write");
    expect(keyVaultAccess?.condition).toContain("Microsoft.Authorization/roleAssignments:RoleDefinitionId");
    expect(findBuiltInRole("Owner")?.properties.permissions[0].condition).toBeNull();
    expect(findBuiltInRole("Savings plan Administrator")?.properties.assignableScopes).toEqual([
      "/providers/Microsoft.BillingBenefits",
    ]);
  });

  it("has unique GUIDs and names", () => {
    const definitions = builtInRoleDefinitions();
    expect(new Set(definitions.map((definition) => definition.name)).size).toBe(definitions.length);
    expect(new Set(definitions.map((definition) => definition.properties.roleName.toLowerCase())).size).toBe(
      definitions.length,
    );
  });

  it("maps every named constant to the role of that meaning", () => {
    expect(findBuiltInRole(BUILT_IN_ROLE_IDS.contributor)?.properties.roleName).toBe("Contributor");
    expect(findBuiltInRole(BUILT_IN_ROLE_IDS.aksRbacReader)?.properties.roleName).toBe(
      "Azure Kubernetes Service RBAC Reader",
    );
    for (const guid of Object.values(BUILT_IN_ROLE_IDS)) expect(isBuiltInRoleGuid(guid)).toBe(true);
  });

  it("finds roles by subscription-level id, upper-case GUID and name", () => {
    const contributor = BUILT_IN_ROLE_IDS.contributor;
    expect(
      findBuiltInRole(
        `/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${contributor}`,
      )?.name,
    ).toBe(contributor);
    expect(findBuiltInRole(contributor.toUpperCase())?.name).toBe(contributor);
    expect(findBuiltInRole("contributor")?.name).toBe(contributor);
    expect(findBuiltInRole("Not A Role")).toBeUndefined();
  });

  it("keeps the permissions the access engine depends on", () => {
    const contributor = findBuiltInRole("Contributor")?.properties.permissions[0];
    expect(contributor?.actions).toEqual(["*"]);
    expect(contributor?.notActions).toContain("Microsoft.Authorization/*/Write");
    const clusterAdmin = findBuiltInRole(BUILT_IN_ROLE_IDS.aksClusterAdmin)?.properties.permissions[0];
    expect(clusterAdmin?.actions).toContain(
      "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    );
    const rbacAdmin = findBuiltInRole(BUILT_IN_ROLE_IDS.aksRbacAdmin)?.properties.permissions[0];
    expect(rbacAdmin?.dataActions).toEqual(["Microsoft.ContainerService/managedClusters/*"]);
    expect(rbacAdmin?.notDataActions).toContain(
      "Microsoft.ContainerService/managedClusters/namespaces/write",
    );
    const reader = findBuiltInRole(BUILT_IN_ROLE_IDS.aksRbacReader)?.properties.permissions[0];
    expect(reader?.dataActions).not.toContain("Microsoft.ContainerService/managedClusters/secrets/read");
  });
});
