import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  buildDemoTenant,
  DEMO_GROUPS,
  DEMO_USERS,
  demoTenantJson,
  demoUpn,
} from "@/lib/emulator/demo/build-demo-tenant";
import { demoTenantPath, loadDemoTenant } from "@/lib/emulator/demo/index";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import {
  asManagedCluster,
  asUserAssignedIdentity,
  findCluster,
  listClusters,
  roleDefinitionGuid,
  type TenantFile,
  validateTenantFile,
} from "@/lib/model/wire/tenant-file";

const tenant: TenantFile = await loadDemoTenant();

function cluster(name: string) {
  const found = listClusters(tenant).find((candidate) => candidate.resource.name === name);
  if (!found) throw new Error(`no cluster ${name}`);
  return { ...found, wire: asManagedCluster(found.resource) };
}

function assignmentsOf(principalId: string) {
  return tenant.roleAssignments
    .filter((assignment) => assignment.properties.principalId === principalId)
    .map((assignment) => ({
      role: roleDefinitionGuid(assignment.properties.roleDefinitionId),
      scope: assignment.properties.scope,
    }));
}

function groupsContaining(principalId: string): string[] {
  return tenant.principals
    .filter((principal) => principal.type === "Group" && principal.members.includes(principalId))
    .map((group) => group.displayName);
}

describe("demo tenant", () => {
  it("validates, with the deleted principal as the only warnings", async () => {
    const raw: unknown = JSON.parse(await readFile(demoTenantPath, "utf8"));
    const validation = validateTenantFile(raw);
    expect(validation.errors).toEqual([]);
    expect(new Set(validation.warnings.map((warning) => warning.message))).toEqual(
      new Set([
        `member ${DEMO_USERS.deletedVicious} is not in the directory (deleted principal)`,
        `principal ${DEMO_USERS.deletedVicious} is not in the directory (deleted principal)`,
      ]),
    );
  });

  it("is exactly what the builder produces (the JSON is never edited by hand)", async () => {
    expect(await readFile(demoTenantPath, "utf8")).toBe(demoTenantJson());
    expect(JSON.stringify(buildDemoTenant())).toBe(JSON.stringify(buildDemoTenant()));
  });

  it("has two subscriptions under a management-group tree and 5–8 clusters", () => {
    expect(tenant.subscriptions.map((subscription) => subscription.displayName)).toEqual(["prod", "dev"]);
    expect(tenant.managementGroups.map((group) => [group.name, group.parent])).toEqual([
      [tenant.tenantId, null],
      ["platform", tenant.tenantId],
      ["nonprod", "platform"],
    ]);
    const count = listClusters(tenant).length;
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThanOrEqual(8);
  });

  it("configures aks-1 as in the article", () => {
    const { wire, resource } = cluster("aks-1");
    expect(resource.id).toContain("/resourceGroups/rsg-aksIdentityState1/");
    expect(wire.properties.aadProfile).toMatchObject({
      managed: true,
      enableAzureRBAC: true,
      adminGroupObjectIDs: [DEMO_GROUPS.aksAdmins],
    });
    expect(wire.properties.disableLocalAccounts).toBe(false);
    expect(wire.identity?.type).toBe("UserAssigned");
    expect(Object.keys(wire.identity?.userAssignedIdentities ?? {})[0]).toMatch(
      /\/resourceGroups\/rsg-aksIdentityState1\/providers\/Microsoft.ManagedIdentity\/userAssignedIdentities\/uaiaks1$/,
    );
    expect(wire.properties.identityProfile?.kubeletidentity?.resourceId).toMatch(
      /MC_rsg-aksIdentityState1_aks-1_westeurope\/providers\/Microsoft.ManagedIdentity\/userAssignedIdentities\/aks-1-agentpool$/,
    );
    expect(Object.keys(wire.properties.addonProfiles ?? {})).toEqual([
      "azurepolicy",
      "azureKeyvaultSecretsProvider",
    ]);
    for (const addon of Object.values(wire.properties.addonProfiles ?? {})) {
      expect(addon.identity?.resourceId).toContain("/MC_rsg-aksIdentityState1_aks-1_westeurope/");
    }
    expect(wire.properties.oidcIssuerProfile?.enabled).toBe(true);
    expect(wire.properties.securityProfile?.workloadIdentity?.enabled).toBe(true);
  });

  it("configures aks-2 (Kubernetes RBAC only) and aks-3 (no local accounts)", () => {
    const aks2 = cluster("aks-2").wire;
    expect(aks2.properties.aadProfile).toMatchObject({ managed: true, enableAzureRBAC: false });
    expect(aks2.properties.disableLocalAccounts).toBe(false);
    expect(aks2.identity?.type).toBe("SystemAssigned");
    const aks3 = cluster("aks-3").wire;
    expect(aks3.properties.aadProfile).toMatchObject({ managed: true, enableAzureRBAC: true });
    expect(aks3.properties.disableLocalAccounts).toBe(true);
  });

  it("gives the article's cast exactly their assignments, and no group memberships", () => {
    const aks1 = cluster("aks-1").resource.id;
    const aks2 = cluster("aks-2").resource.id;
    const aks3 = cluster("aks-3").resource.id;
    const rg = (n: number) => aks1.replace(/resourceGroups\/.*$/, `resourceGroups/rsg-aksIdentityState${n}`);
    const { aksClusterUser: user, aksRbacReader: reader, contributor } = BUILT_IN_ROLE_IDS;
    expect(assignmentsOf(DEMO_USERS.faye)).toEqual([{ role: user, scope: aks1 }]);
    expect(assignmentsOf(DEMO_USERS.jet)).toEqual([
      { role: user, scope: aks1 },
      { role: reader, scope: aks1 },
      { role: user, scope: aks2 },
      { role: reader, scope: aks2 },
    ]);
    expect(assignmentsOf(DEMO_USERS.leonard)).toEqual([
      { role: user, scope: aks1 },
      { role: user, scope: aks2 },
    ]);
    expect(assignmentsOf(DEMO_USERS.penny)).toEqual([
      { role: user, scope: aks1 },
      { role: user, scope: aks2 },
      { role: user, scope: aks3 },
      { role: contributor, scope: rg(1) },
      { role: contributor, scope: rg(2) },
      { role: contributor, scope: rg(3) },
    ]);
    for (const person of [DEMO_USERS.faye, DEMO_USERS.jet, DEMO_USERS.leonard, DEMO_USERS.penny]) {
      expect(groupsContaining(person)).toEqual([]);
    }
  });

  it("binds Leonard as admin in default on aks-1 only, by UPN as in the article", () => {
    const leonard = tenant.principals.find((principal) => principal.id === DEMO_USERS.leonard);
    expect(leonard && "userPrincipalName" in leonard && leonard.userPrincipalName).toBe(demoUpn("leonard"));
    const bindingsNamingLeonard = listClusters(tenant).flatMap((candidate) =>
      (candidate.data?.objects ?? [])
        .filter(
          (object) =>
            object.kind.endsWith("Binding") &&
            (JSON.stringify(object).includes(DEMO_USERS.leonard) ||
              JSON.stringify(object).includes(demoUpn("leonard"))),
        )
        .map((object) => `${candidate.resource.name}/${object.metadata.namespace}/${object.metadata.name}`),
    );
    expect(bindingsNamingLeonard).toEqual(["aks-1/default/defaultnsadmin"]);
    const binding = cluster("aks-1").data?.objects.find(
      (object) => object.metadata.name === "defaultnsadmin",
    ) as Record<string, unknown> | undefined;
    expect(binding?.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "admin",
    });
    expect(binding?.subjects).toEqual([
      // The article: `User  leonard@teknews.cloud`. AKS names a member user by the token's `upn`
      // claim, so his object id would name nobody (learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id).
      { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "leonard@contoso.example" },
    ]);
  });

  it("has aks-admins with a direct member and a nested group, bound through aks-cluster-admin-binding-aad", () => {
    const admins = tenant.principals.find((principal) => principal.id === DEMO_GROUPS.aksAdmins);
    expect(admins?.type === "Group" && admins.members).toEqual([
      DEMO_USERS.spike,
      DEMO_GROUPS.platformOncall,
    ]);
    const aks1 = cluster("aks-1");
    const objects = effectiveKubernetesObjects(aks1.resource, aks1.data);
    const binding = objects.find((object) => object.metadata.name === "aks-cluster-admin-binding-aad") as
      | Record<string, unknown>
      | undefined;
    expect(binding?.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: DEMO_GROUPS.aksAdmins },
    ]);
  });

  it("wires workload identity on aks-1 to the cluster's issuer, and keeps the broken links", () => {
    const issuer = cluster("aks-1").wire.properties.oidcIssuerProfile?.issuerURL;
    const identities = tenant.subscriptions
      .flatMap((subscription) => subscription.resources)
      .filter((resource) => resource.type === "Microsoft.ManagedIdentity/userAssignedIdentities")
      .map(asUserAssignedIdentity);
    const ordersApi = identities.find((identity) => identity.name === "id-orders-api");
    expect(ordersApi?.federatedIdentityCredentials[0].properties).toMatchObject({
      issuer,
      subject: "system:serviceaccount:orders:orders-api",
    });
    // orders-worker: annotated service account, identity without any federated credential
    expect(
      identities.find((identity) => identity.name === "id-orders-worker")?.federatedIdentityCredentials,
    ).toEqual([]);
    // payments-batch: a federated credential for a service account that does not exist
    const batch = identities.find((identity) => identity.name === "id-payments-batch");
    expect(batch?.federatedIdentityCredentials[0].properties.subject).toBe(
      "system:serviceaccount:payments:payments-batch",
    );
    const payments = cluster("aks-payments");
    expect(
      payments.data?.objects.some(
        (object) => object.kind === "ServiceAccount" && object.metadata.name === "payments-batch",
      ),
    ).toBe(false);
  });

  it("has an AAD Pod Identity workload on aks-2", () => {
    const objects = cluster("aks-2").data?.objects ?? [];
    const kinds = objects
      .filter((object) => object.metadata.namespace === "legacy-inventory")
      .map((object) => object.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["AzureIdentity", "AzureIdentityBinding", "SecretProviderClass", "Pod"]),
    );
    const pod = objects.find((object) => object.kind === "Pod");
    expect(pod?.metadata.labels?.aadpodidbinding).toBe("inventory");
  });

  it("keeps the deliberate mistakes", () => {
    const devObjects = cluster("aks-dev-1").data?.objects ?? [];
    expect(JSON.stringify(devObjects)).toContain('"name":"system:authenticated"');
    expect(cluster("aks-dev-1").wire.properties.aadProfile?.managed).toBe(false);
    expect(cluster("aks-dev-sandbox").wire.properties.aadProfile).toBeUndefined();
    expect(
      tenant.roleDefinitions.some((definition) => definition.properties.permissions[0].actions.includes("*")),
    ).toBe(true);
    expect(findCluster(tenant, cluster("aks-data").resource.id.toUpperCase())?.data?.reachable).toBe(false);
  });
});
