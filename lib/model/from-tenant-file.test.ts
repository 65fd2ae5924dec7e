import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  ARTICLE,
  articleClusterId,
  articleResourceGroup,
  articleTenantFile,
} from "@/lib/model/fixtures/article-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelFromRecords, modelToRecords } from "@/lib/model/records";
import { tenantModelSchema } from "@/lib/model/tenant-model";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";

describe("modelFromTenantFile", () => {
  const model = modelFromTenantFile(articleTenantFile());
  const aks1 = articleClusterId(1).toLowerCase();

  it("produces a model that satisfies its schema", () => {
    expect(() => tenantModelSchema.parse(model)).not.toThrow();
    expect(model.clusters.map((cluster) => cluster.name)).toEqual(["aks-1", "aks-2", "aks-3"]);
  });

  it("adds built-in roles and keeps assignments joined by GUID", () => {
    const contributor = model.roleDefinitions.find((definition) => definition.roleName === "Contributor");
    expect(contributor?.guid).toBe("b24988ac-6180-42a0-ab88-20f7382dd24c");
    expect(
      model.roleAssignments.every((a) => model.roleDefinitions.some((d) => d.guid === a.roleDefinitionId)),
    ).toBe(true);
  });

  it("applies the Kubernetes defaults and the file's objects", () => {
    const kubernetes = model.kubernetes[aks1];
    expect(kubernetes.clusterRoleBindings.map((b) => b.name)).toContain("aks-cluster-admin-binding-aad");
    const admin = kubernetes.clusterRoles.find((role) => role.name === "admin");
    expect(admin?.rules.length).toBeGreaterThan(0);
    expect(kubernetes.roleBindings.find((b) => b.name === "defaultnsadmin")?.subjects[0].name).toBe(
      "leonard@teknews.cloud",
    );
    expect(kubernetes.serviceAccounts.find((sa) => sa.name === "app-sa")?.workloadIdentity.clientId).toBe(
      ARTICLE.workloadIdentityClient,
    );
  });

  it("records coverage, with an unreachable cluster not read", () => {
    expect(model.coverage[`cluster:${articleClusterId(3).toLowerCase()}`]).toMatchObject({
      status: "not-read",
    });
    expect(model.kubernetes[articleClusterId(3).toLowerCase()]).toBeUndefined();
    expect(model.coverage[`sub:${ARTICLE.subscriptionId}`]).toEqual({ status: "complete" });
    expect(model.coverage.directory).toEqual({ status: "complete" });
  });

  it("computes transitive group membership and names managed identities behind assignments", () => {
    expect(model.groupMemberships.find((m) => m.groupId === ARTICLE.adminGroup)?.memberIds).toEqual([
      ARTICLE.opsGroup,
      ARTICLE.spike,
    ]);
    expect(model.principals.find((p) => p.id === ARTICLE.kubeletObject)).toEqual({
      id: ARTICLE.kubeletObject,
      kind: "ManagedIdentity",
      displayName: "aks-1-agentpool",
    });
    expect(model.federatedCredentials[0]).toMatchObject({ subject: "system:serviceaccount:app:app-sa" });
    expect(model.subscriptions[0].managementGroupId).toBe(
      "/providers/microsoft.management/managementgroups/root",
    );
  });

  it("round-trips through records", () => {
    const records = JSON.parse(JSON.stringify(modelToRecords(model)));
    const restored = modelFromRecords(model.tenantId, records, model.coverage);
    expect(restored.clusters).toEqual(model.clusters);
    expect(restored.kubernetes).toEqual(model.kubernetes);
    expect(restored.roleAssignments).toEqual(model.roleAssignments);
    expect(
      new Set(records.map((r: { kind: string; naturalKey: string }) => `${r.kind} ${r.naturalKey}`)).size,
    ).toBe(records.length);
  });
});

describe("a tenant file assigning built-in roles beyond AKS", () => {
  // Roles a real tenant assigns (Azure built-in roles documentation: Managed Identity Contributor
  // e40ec5ca-…, Role Based Access Control Administrator f58310d9-…, Azure Kubernetes Service RBAC
  // Cluster Admin b1ff04bb-…); `aks-atlas tenant validate` rejected the first before the catalogue
  // was complete.
  const FAYE_ROLES = {
    managedIdentityContributor: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
    rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  };
  const file = JSON.parse(JSON.stringify(articleTenantFile())) as {
    roleAssignments: unknown[];
  };
  const assign = (n: number, role: string, principalId: string, scope: string) => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/e1000000-0000-0000-0000-00000000000${n}`,
    name: `e1000000-0000-0000-0000-00000000000${n}`,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId: `/subscriptions/${ARTICLE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      principalType: "User",
      scope,
    },
  });
  file.roleAssignments.push(
    assign(1, FAYE_ROLES.managedIdentityContributor, ARTICLE.faye, articleResourceGroup(1)),
    assign(2, FAYE_ROLES.rbacAdministrator, ARTICLE.jet, `/subscriptions/${ARTICLE.subscriptionId}`),
    assign(3, FAYE_ROLES.aksRbacClusterAdmin, ARTICLE.faye, articleClusterId(1)),
  );

  it("validates", () => {
    const validation = validateTenantFile(file);
    expect(validation.errors).toEqual([]);
  });

  it("evaluates: the data role grants cluster-admin, the others no Kubernetes access", () => {
    const tenant = validateTenantFile(file).tenant;
    if (!tenant) throw new Error("the tenant file did not validate");
    const model = modelFromTenantFile(tenant);
    const names = new Map(model.roleDefinitions.map((definition) => [definition.guid, definition.roleName]));
    expect(names.get(FAYE_ROLES.managedIdentityContributor)).toBe("Managed Identity Contributor");
    expect(names.get(FAYE_ROLES.rbacAdministrator)).toBe("Role Based Access Control Administrator");
    // a built-in role's own ABAC condition reaches the model (it may only assign Key Vault roles)
    const keyVaultAccess = model.roleDefinitions.find(
      (definition) => definition.roleName === "Key Vault Data Access Administrator",
    );
    expect(keyVaultAccess?.permissions[0].condition).toContain("roleAssignments:RoleDefinitionId");
    expect(model.roleDefinitions.find((d) => d.roleName === "Owner")?.permissions[0]).not.toHaveProperty(
      "condition",
    );
    const grants = (access: ReturnType<typeof evaluateClusterAccess>, id: string) =>
      (access.principals.find((entry) => entry.principal.id === id)?.grants ?? []).map(
        (grant) => `${grant.level} via ${grant.route}`,
      );
    const before = evaluateClusterAccess(modelFromTenantFile(articleTenantFile()), articleClusterId(1));
    const after = evaluateClusterAccess(model, articleClusterId(1));
    expect(grants(before, ARTICLE.faye)).not.toContain("cluster-admin via azure-rbac");
    expect(grants(after, ARTICLE.faye)).toContain("cluster-admin via azure-rbac");
    // Managed Identity Contributor manages identities, and RBAC Administrator writes role
    // assignments: neither is Kubernetes access by itself.
    expect(grants(after, ARTICLE.jet)).toEqual(grants(before, ARTICLE.jet));
  });
});
