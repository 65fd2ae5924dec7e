import { describe, expect, it } from "vitest";
import { ARTICLE, articleClusterId, articleTenantFile } from "@/lib/model/fixtures/article-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelFromRecords, modelToRecords } from "@/lib/model/records";
import { tenantModelSchema } from "@/lib/model/tenant-model";

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
