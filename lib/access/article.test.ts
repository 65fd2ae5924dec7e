import { beforeAll, describe, expect, it } from "vitest";
import { evaluateTenantAccess, whoCan } from "@/lib/access/evaluate-tenant";
import type { ClusterAccess } from "@/lib/access/types";
import { DEMO_APPLICATIONS, DEMO_GROUPS, DEMO_USERS } from "@/lib/emulator/demo/build-demo-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { ARTICLE, articleTenantFile } from "@/lib/model/fixtures/article-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";

// The article's answers, on the compact article fixture and on the demo tenant.

function summary(access: readonly ClusterAccess[], clusterName: string, principalId: string): string[] {
  const cluster = access.find((candidate) => candidate.cluster.name === clusterName);
  if (!cluster) throw new Error(`no cluster ${clusterName}`);
  const entry = cluster.principals.find((candidate) => candidate.principal.id === principalId);
  return [
    ...new Set((entry?.grants ?? []).map((g) => `${g.level}@${g.namespace ?? "*"} via ${g.route}`)),
  ].sort();
}

function escalations(access: readonly ClusterAccess[], clusterName: string, principalId: string): string[] {
  const cluster = access.find((candidate) => candidate.cluster.name === clusterName);
  const entry = cluster?.principals.find((candidate) => candidate.principal.id === principalId);
  return [...new Set((entry?.escalations ?? []).map((e) => e.to))].sort();
}

describe.each([
  [
    "article fixture",
    () => modelFromTenantFile(articleTenantFile()),
    ARTICLE.faye,
    ARTICLE.jet,
    ARTICLE.leonard,
    ARTICLE.penny,
    ARTICLE.spike,
  ],
  [
    "demo tenant",
    async () => modelFromTenantFile(await loadDemoTenant()),
    DEMO_USERS.faye,
    DEMO_USERS.jet,
    DEMO_USERS.leonard,
    DEMO_USERS.penny,
    DEMO_USERS.spike,
  ],
])("the article's answers on the %s", (_name, load, faye, jet, leonard, penny, adminMember) => {
  let access: ClusterAccess[];
  let model: TenantModel;
  beforeAll(async () => {
    model = await load();
    access = evaluateTenantAccess(model);
  });

  it("Penny is cluster-admin on aks-1 and aks-2 through the local admin credential (Contributor's *)", () => {
    for (const cluster of ["aks-1", "aks-2"]) {
      expect(summary(access, cluster, penny)).toEqual(["cluster-admin@* via local-admin-credential"]);
    }
    const grant = access
      .find((c) => c.cluster.name === "aks-1")
      ?.principals.find((p) => p.principal.id === penny)?.grants[0];
    expect(grant?.path.find((step) => step.kind === "roleDefinition")?.label).toBe("Contributor");
  });

  it("Penny is not cluster-admin on aks-3 (local accounts disabled) but can re-enable them", () => {
    expect(summary(access, "aks-3", penny)).toEqual(["credentials-only@* via user-credential"]);
    expect(escalations(access, "aks-3", penny)).toContain("cluster-write");
  });

  it("Jet reads aks-1 through Azure RBAC and only fetches credentials on aks-2", () => {
    expect(summary(access, "aks-1", jet)).toEqual(["read@* via azure-rbac"]);
    expect(summary(access, "aks-2", jet)).toEqual(["credentials-only@* via user-credential"]);
  });

  it("Leonard is admin of namespace default on aks-1 and has nothing beyond credentials on aks-2", () => {
    expect(summary(access, "aks-1", leonard)).toEqual(["admin@default via kubernetes-rbac"]);
    expect(summary(access, "aks-2", leonard)).toEqual(["credentials-only@* via user-credential"]);
  });

  it("Leonard's binding names him by UPN, as the article's does; by his object id it would name nobody", () => {
    // The article: `k describe rolebinding defaultnsadmin` shows `User  leonard@teknews.cloud`, and
    // the API server names Jet `User "jet@teknews.cloud"`. AKS's webhook (Guard) names a member by the
    // token's `upn` claim and only without one by `oid` (kubeguard/guard auth/providers/azure/azure.go
    // getUserInfo); learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id: "same Microsoft Entra
    // tenant, assign permissions based on the userPrincipalName (UPN)".
    const upn = model.principals.find((p) => p.id === leonard)?.userPrincipalName;
    const aks1 = Object.entries(model.kubernetes).find(([id]) => id.endsWith("/managedclusters/aks-1"));
    if (!aks1 || !upn) throw new Error("no aks-1 or no UPN for Leonard");
    const [aks1Id, inventory] = aks1;
    const binding = inventory.roleBindings.find((b) => b.name === "defaultnsadmin");
    expect(binding?.subjects.map((subject) => `${subject.kind}:${subject.name}`)).toEqual([`User:${upn}`]);
    const byObjectId: TenantModel = {
      ...model,
      kubernetes: {
        ...model.kubernetes,
        [aks1Id]: {
          ...inventory,
          roleBindings: inventory.roleBindings.map((candidate) =>
            candidate === binding
              ? { ...candidate, subjects: [{ kind: "User", name: leonard, namespace: null }] }
              : candidate,
          ),
        },
      },
    };
    const mistaken = evaluateTenantAccess(byObjectId);
    expect(summary(mistaken, "aks-1", leonard)).toEqual(["credentials-only@* via user-credential"]);
    expect(summary(mistaken, "aks-1", `k8s-user:${leonard}`)).toEqual(["admin@default via kubernetes-rbac"]);
  });

  it("Faye only fetches credentials on aks-1", () => {
    expect(summary(access, "aks-1", faye)).toEqual(["credentials-only@* via user-credential"]);
    expect(summary(access, "aks-2", faye)).toEqual([]);
  });

  it("members of the admin group are cluster-admin through entra-admin-group everywhere", () => {
    for (const cluster of ["aks-1", "aks-2", "aks-3"]) {
      expect(summary(access, cluster, adminMember)).toContain("cluster-admin@* via entra-admin-group");
    }
  });

  it("whoCan lists Penny's access cluster by cluster, by id or UPN", () => {
    const byId = whoCan(model, penny, { access });
    expect(byId.principal?.displayName).toBe("Penny");
    expect(byId.clusters.map((c) => c.cluster.name)).toEqual(
      expect.arrayContaining(["aks-1", "aks-2", "aks-3"]),
    );
    const upn = model.principals.find((p) => p.id === penny)?.userPrincipalName ?? "";
    expect(whoCan(model, upn.toUpperCase(), { access }).clusters).toEqual(byId.clusters);
  });
});

describe("the demo tenant beyond the article", () => {
  let access: ClusterAccess[];
  beforeAll(async () => {
    access = evaluateTenantAccess(modelFromTenantFile(await loadDemoTenant()));
  });

  it("Sheldon is cluster-admin through nested groups (platform-oncall ⊂ aks-admins)", () => {
    expect(summary(access, "aks-1", DEMO_USERS.sheldon)).toEqual(["cluster-admin@* via entra-admin-group"]);
    const path = access
      .find((c) => c.cluster.name === "aks-1")
      ?.principals.find((p) => p.principal.id === DEMO_USERS.sheldon)?.grants[0].path;
    expect(path?.[1]).toMatchObject({ kind: "groupMembership", id: DEMO_GROUPS.aksAdmins });
  });

  it("ci-deployer (AKS Contributor on prod) holds the admin credential where local accounts are on", () => {
    const ci = DEMO_APPLICATIONS.ciDeployer.objectId;
    expect(summary(access, "aks-1", ci)).toEqual(["cluster-admin@* via local-admin-credential"]);
    expect(summary(access, "aks-2", ci)).toEqual(["cluster-admin@* via local-admin-credential"]);
    // managedClusters/write is also a one-hop attack path to cluster-admin (route attack-path)
    expect(escalations(access, "aks-3", ci)).toEqual(["cluster-admin", "cluster-write"]);
    expect(escalations(access, "aks-payments", ci)).toEqual([
      "cluster-admin",
      "cluster-write",
      "run-command",
    ]);
  });

  it("Raj writes in namespace web on aks-1 by two routes", () => {
    expect(summary(access, "aks-1", DEMO_USERS.raj)).toEqual([
      "write@web via azure-rbac",
      "write@web via kubernetes-rbac",
    ]);
  });

  it("aks-dev-1: everyone authenticated is cluster-admin; aks-dev-sandbox: the CI service account is", () => {
    expect(summary(access, "aks-dev-1", "k8s-group:system:authenticated")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
    expect(summary(access, "aks-dev-sandbox", "system:serviceaccount:sandbox:ci-runner")).toEqual([
      "cluster-admin@* via kubernetes-rbac",
    ]);
    expect(summary(access, "aks-dev-sandbox", DEMO_USERS.howard)).toEqual([
      "cluster-admin@* via local-admin-credential",
    ]);
  });

  it("aks-data's Kubernetes API was not read, its Azure-side access still is known", () => {
    expect(summary(access, "aks-data", DEMO_USERS.spike)).toEqual(["cluster-admin@* via entra-admin-group"]);
    const kubernetesRoutes = access
      .find((c) => c.cluster.name === "aks-data")
      ?.principals.flatMap((p) => p.grants)
      .filter((g) => g.route === "kubernetes-rbac");
    expect(kubernetesRoutes).toEqual([]);
  });
});
