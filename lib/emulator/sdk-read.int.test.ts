import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { ClientSecretCredential } from "@azure/identity";
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AKS_SCOPE,
  armClientOptions,
  emulatorCredential,
  emulatorGraphClient,
  kubeConfigFrom,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import { asUserAssignedIdentity, listClusters } from "@/lib/model/wire/tenant-file";

// Everything here goes through the official SDKs with page size 2, authenticated as the scanner
// with a real ClientSecretCredential: the scanner's path, and the permissions docs/permissions grants.

let running: TestEmulator;
let credential: ClientSecretCredential;
let subscriptionId: string;

beforeAll(async () => {
  running = await startTestEmulator({ pageSize: 2 });
  credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
  subscriptionId = running.tenant.subscriptions[0].subscriptionId;
});

afterAll(async () => {
  await running?.stop();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("ARM through the official SDKs", () => {
  it("lists subscriptions (arm-resources-subscriptions)", async () => {
    const client = new SubscriptionClient(credential, armClientOptions(running.emulator));
    const subscriptions = await collect(client.subscriptions.list());
    expect(subscriptions.map((subscription) => subscription.subscriptionId)).toEqual(
      running.tenant.subscriptions.map((subscription) => subscription.subscriptionId),
    );
    expect(subscriptions[0].tenantId).toBe(running.tenant.tenantId);
  });

  it("lists, pages and gets managed clusters, flattened by the modular SDK", async () => {
    const client = new ContainerServiceClient(credential, subscriptionId, armClientOptions(running.emulator));
    const expected = listClusters(running.tenant).map((cluster) => cluster.resource.id);
    const pages = await collect(client.managedClusters.list().byPage());
    expect(pages.length).toBe(Math.ceil(expected.length / 2));
    const clusters = pages.flat();
    expect(clusters.map((cluster) => cluster.id)).toEqual(expected);
    const aks1 = clusters.find((cluster) => cluster.name === "aks-1");
    expect(aks1?.aadProfile?.enableAzureRbac).toBe(true);
    expect(aks1?.identityProfile?.kubeletidentity?.resourceId).toContain("aks-1-agentpool");

    const inGroup = await collect(client.managedClusters.listByResourceGroup("rsg-aksIdentityState2"));
    expect(inGroup.map((cluster) => cluster.name)).toEqual(["aks-2"]);
    const got = await client.managedClusters.get("rsg-aksIdentityState3", "aks-3");
    expect(got.disableLocalAccounts).toBe(true);
  });

  it("returns an exec (kubelogin) user kubeconfig for managed-Entra clusters, as bytes", async () => {
    const client = new ContainerServiceClient(credential, subscriptionId, armClientOptions(running.emulator));
    const result = await client.managedClusters.listClusterUserCredentials("rsg-aksIdentityState1", "aks-1");
    const kubeconfig = Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");
    expect(result.kubeconfigs?.[0]?.name).toBe("clusterUser");
    expect(kubeconfig).toContain("command: kubelogin");
    expect(kubeconfig).toContain(running.emulator.kubernetesServerUrl("aks-1"));
  });

  it("lists role assignments for the subscription, a resource group and a scope, with filters", async () => {
    // The classic client without credentialScopes asks for `${endpoint}/.default`: the emulator
    // treats its own origin as ARM's resource id, as management.azure.com is in Azure.
    const { credentialScopes: _defaultScopes, ...options } = armClientOptions(running.emulator);
    const client = new AuthorizationManagementClient(credential, subscriptionId, options);
    const subscriptionScope = `/subscriptions/${subscriptionId}`.toLowerCase();
    const expected = running.tenant.roleAssignments.filter(
      (assignment) =>
        assignment.properties.scope.toLowerCase().startsWith(subscriptionScope) ||
        assignment.properties.scope.toLowerCase().startsWith("/providers/microsoft.management/"),
    );
    const all = await collect(client.roleAssignments.listForSubscription());
    // + the scanner's own assignment at the root management group (inherited)
    expect(all.length).toBe(expected.length + 1);
    expect(new Set(all.map((assignment) => assignment.id?.toLowerCase())).size).toBe(all.length);
    expect(all.some((assignment) => assignment.principalId === running.emulator.scanner.objectId)).toBe(true);

    const penny = "0000bbbb-0000-4000-8000-000000000004";
    const inGroup = await collect(client.roleAssignments.listForResourceGroup("rsg-aksIdentityState1"));
    expect(
      inGroup.filter((assignment) => assignment.principalId === penny).map((assignment) => assignment.scope),
    ).toEqual([
      `/subscriptions/${subscriptionId}/resourceGroups/rsg-aksIdentityState1`,
      `/subscriptions/${subscriptionId}/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ContainerService/managedClusters/aks-1`,
    ]);

    const clusterScope = `subscriptions/${subscriptionId}/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ContainerService/managedClusters/aks-1`;
    const atScope = await collect(
      client.roleAssignments.listForScope(`/${clusterScope}`, { filter: "atScope()" }),
    );
    // At or above the cluster: the cluster, its group, the subscription, both management groups.
    const ancestors = [
      `/${clusterScope}`,
      `/subscriptions/${subscriptionId}/resourceGroups/rsg-aksIdentityState1`,
      `/subscriptions/${subscriptionId}`,
      "/providers/Microsoft.Management/managementGroups/contoso-platform",
      "/providers/Microsoft.Management/managementGroups/contoso-root",
    ].map((scope) => scope.toLowerCase());
    const expectedAtScope = running.tenant.roleAssignments.filter((assignment) =>
      ancestors.includes(assignment.properties.scope.toLowerCase()),
    );
    expect(atScope.length).toBe(expectedAtScope.length + 1);
    expect(atScope.every((assignment) => ancestors.includes(assignment.scope?.toLowerCase() ?? "?"))).toBe(
      true,
    );

    const pennysOwn = await collect(
      client.roleAssignments.listForSubscription({ filter: `principalId eq '${penny}'` }),
    );
    expect(pennysOwn.length).toBe(
      running.tenant.roleAssignments.filter((assignment) => assignment.properties.principalId === penny)
        .length,
    );

    const one = await client.roleAssignments.get(
      `/${clusterScope}`,
      atScope.find((assignment) => assignment.scope?.toLowerCase() === `/${clusterScope}`.toLowerCase())
        ?.name ?? "",
    );
    expect(one.createdOn === undefined || one.createdOn instanceof Date).toBe(true);
    expect(one.roleDefinitionId).toMatch(/roleDefinitions\//);
  });

  it("lists role definitions with built-ins and the scanner's custom role, gets by name and by id", async () => {
    const client = new AuthorizationManagementClient(
      credential,
      subscriptionId,
      armClientOptions(running.emulator),
    );
    const definitions = await collect(client.roleDefinitions.list(`/subscriptions/${subscriptionId}`));
    const names = definitions.map((definition) => definition.roleName);
    expect(names).toContain("Azure Kubernetes Service Cluster Admin Role");
    expect(names).toContain("AKS Identity Atlas Reader");
    const custom = await collect(
      client.roleDefinitions.list(`/subscriptions/${subscriptionId}`, { filter: "type eq 'CustomRole'" }),
    );
    expect(custom.map((definition) => definition.roleName)).toEqual(["AKS Identity Atlas Reader"]);
    const contributor = await client.roleDefinitions.get(
      `/subscriptions/${subscriptionId}`,
      "b24988ac-6180-42a0-ab88-20f7382dd24c",
    );
    expect(contributor.roleName).toBe("Contributor");
    expect(contributor.roleType).toBe("BuiltInRole");
    const byId = await client.roleDefinitions.getById(
      `subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4abbcc35-e782-43d8-92c5-2d3f1bd2253f`,
    );
    expect(byId.roleName).toBe("Azure Kubernetes Service Cluster User Role");
  });

  it("lists user-assigned identities and pages their federated credentials", async () => {
    const client = new ManagedServiceIdentityClient(
      credential,
      subscriptionId,
      armClientOptions(running.emulator),
    );
    const identities = await collect(client.userAssignedIdentities.listBySubscription());
    const expectedIdentities = running.tenant.subscriptions[0].resources.filter(
      (resource) => resource.type === "Microsoft.ManagedIdentity/userAssignedIdentities",
    );
    expect(identities.map((identity) => identity.name).sort()).toEqual(
      expectedIdentities.map((resource) => resource.name).sort(),
    );
    expect(identities.every((identity) => identity.clientId && identity.principalId)).toBe(true);
    const inGroup = await collect(client.userAssignedIdentities.listByResourceGroup("rg-workloads"));
    expect(inGroup.map((identity) => identity.name)).toEqual(["orders-api"]);
    const credentials = await collect(client.federatedIdentityCredentials.list("rg-workloads", "orders-api"));
    const ordersApi = expectedIdentities.find((resource) => resource.name === "orders-api");
    if (!ordersApi) throw new Error("fixture has no orders-api identity");
    const expected = asUserAssignedIdentity(ordersApi).federatedIdentityCredentials.length;
    expect(credentials.length).toBe(expected);
    expect(credentials[0].subject).toBe("system:serviceaccount:orders:orders-api");
    expect(credentials[0].audiences).toEqual(["api://AzureADTokenExchange"]);
  });
});

describe("Resource Graph through @azure/arm-resourcegraph", () => {
  it("pages a cluster query with $skipToken and projects columns", async () => {
    const client = new ResourceGraphClient(credential, armClientOptions(running.emulator));
    const query =
      "resources | where type =~ 'Microsoft.ContainerService/managedClusters' | project id, name, subscriptionId, properties";
    const rows: Record<string, unknown>[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const result = await client.resources({
        query,
        subscriptions: [subscriptionId],
        options: { top: 1000, ...(skipToken ? { skipToken } : {}) },
      });
      rows.push(...(result.data as Record<string, unknown>[]));
      expect(result.totalRecords).toBe(listClusters(running.tenant).length);
      skipToken = result.skipToken;
      pages++;
    } while (skipToken);
    expect(pages).toBe(2);
    expect(rows.map((row) => row.name)).toEqual(
      listClusters(running.tenant).map((cluster) => cluster.resource.name),
    );
    expect(Object.keys(rows[0])).toEqual(["id", "name", "subscriptionId", "properties"]);
  });

  it("reads role assignments from authorizationresources and rejects unsupported KQL by name", async () => {
    const client = new ResourceGraphClient(credential, armClientOptions(running.emulator));
    let total = 0;
    let skipToken: string | undefined;
    do {
      const result = await client.resources({
        query: "authorizationresources | where type == 'microsoft.authorization/roleassignments'",
        options: skipToken ? { skipToken } : {},
      });
      total += result.count;
      skipToken = result.skipToken;
    } while (skipToken);
    expect(total).toBe(running.tenant.roleAssignments.length + 1);
    await expect(
      client.resources({ query: "resources | extend x = 1", subscriptions: [subscriptionId] }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("'extend'") });
  });
});

describe("Microsoft Graph through @microsoft/microsoft-graph-client", () => {
  let graph: Client;
  beforeAll(() => {
    graph = emulatorGraphClient(running.emulator, credential);
  });

  it("resolves ids in bulk and omits unknown ones", async () => {
    const ids = [
      "0000bbbb-0000-4000-8000-000000000001",
      "0000bbbb-0000-4000-8000-000000000011",
      "0000bbbb-0000-4000-8000-000000000099",
    ];
    const result = (await graph.api("/directoryObjects/getByIds").post({ ids })) as {
      value: { id: string; "@odata.type": string }[];
    };
    expect(result.value.map((object) => [object.id, object["@odata.type"]])).toEqual([
      [ids[0], "#microsoft.graph.user"],
      [ids[1], "#microsoft.graph.group"],
    ]);
  });

  it("pages transitive members with @odata.nextLink", async () => {
    const members: string[] = [];
    let response = (await graph
      .api("/groups/0000bbbb-0000-4000-8000-000000000011/transitiveMembers")
      .get()) as {
      value: { id: string }[];
      "@odata.nextLink"?: string;
    };
    let pages = 1;
    members.push(...response.value.map((member) => member.id));
    while (response["@odata.nextLink"]) {
      response = await graph.api(response["@odata.nextLink"]).get();
      members.push(...response.value.map((member) => member.id));
      pages++;
    }
    // aks-admins → Olga, sre-oncall → Jet (nested)
    expect(members.sort()).toEqual(
      [
        "0000bbbb-0000-4000-8000-000000000005",
        "0000bbbb-0000-4000-8000-000000000012",
        "0000bbbb-0000-4000-8000-000000000002",
      ].sort(),
    );
    expect(pages).toBe(2);
  });

  it("gets users, groups and service principals, and 404s unknown ids with Request_ResourceNotFound", async () => {
    const user = await graph.api("/users/0000bbbb-0000-4000-8000-000000000004").get();
    expect(user.userPrincipalName).toBe("penny@contoso.example");
    const group = await graph.api("/groups/0000bbbb-0000-4000-8000-000000000012").get();
    expect(group.displayName).toBe("sre-oncall");
    const principal = await graph.api(`/servicePrincipals/${running.emulator.scanner.objectId}`).get();
    expect(principal.appId).toBe(running.emulator.scanner.appId);
    const managedIdentity = await graph.api("/servicePrincipals/0000dddd-0000-4000-8000-000000000003").get();
    expect(managedIdentity.servicePrincipalType).toBe("ManagedIdentity");
    await expect(graph.api("/users/0000bbbb-0000-4000-8000-000000000099").get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
  });
});

describe("Kubernetes through @kubernetes/client-node", () => {
  async function kubeConfigFor(resourceGroup: string, name: string) {
    const aks = new ContainerServiceClient(credential, subscriptionId, armClientOptions(running.emulator));
    const result = await aks.managedClusters.listClusterUserCredentials(resourceGroup, name);
    const yaml = Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");
    const token = await credential.getToken(AKS_SCOPE);
    return kubeConfigFrom(yaml, token?.token);
  }

  for (const [resourceGroup, name, why] of [
    ["rsg-aksIdentityState1", "aks-1", "Azure RBAC data actions of the custom role"],
    ["rsg-aksIdentityState2", "aks-2", "the ClusterRole binding from docs/permissions"],
  ] as const) {
    it(`reads every RBAC, identity and workload object of ${name} with limit/continue (${why})`, async () => {
      const config = await kubeConfigFor(resourceGroup, name);
      const rbac = config.makeApiClient(RbacAuthorizationV1Api);
      const core = config.makeApiClient(CoreV1Api);
      const custom = config.makeApiClient(CustomObjectsApi);
      const cluster = listClusters(running.tenant).find((candidate) => candidate.resource.name === name);
      if (!cluster) throw new Error(`fixture has no ${name}`);
      const expectedObjects = effectiveKubernetesObjects(cluster.resource, cluster.data);
      const expectedCount = (kind: string) =>
        expectedObjects.filter((object) => object.kind === kind).length +
        (name === "aks-2" && kind.startsWith("ClusterRole") ? 1 : 0);

      async function pageAll<T>(
        list: (cont?: string) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
      ) {
        const items: T[] = [];
        let cont: string | undefined;
        let pages = 0;
        do {
          const page = await list(cont);
          items.push(...page.items);
          cont = page.metadata?._continue;
          pages++;
        } while (cont);
        return { items, pages };
      }
      const bindings = await pageAll((cont) => rbac.listClusterRoleBinding({ limit: 500, _continue: cont }));
      expect(bindings.items.length).toBe(expectedCount("ClusterRoleBinding"));
      expect(bindings.pages).toBe(Math.ceil(bindings.items.length / 2));
      expect(
        (await pageAll((cont) => rbac.listClusterRole({ limit: 50, _continue: cont }))).items.length,
      ).toBe(expectedCount("ClusterRole"));
      expect(
        (await pageAll((cont) => rbac.listRoleBindingForAllNamespaces({ limit: 50, _continue: cont }))).items
          .length,
      ).toBe(expectedCount("RoleBinding"));
      expect(
        (await pageAll((cont) => rbac.listRoleForAllNamespaces({ limit: 50, _continue: cont }))).items.length,
      ).toBe(expectedCount("Role"));
      expect((await pageAll((cont) => core.listNamespace({ limit: 50, _continue: cont }))).items.length).toBe(
        expectedCount("Namespace"),
      );
      expect(
        (await pageAll((cont) => core.listServiceAccountForAllNamespaces({ limit: 50, _continue: cont })))
          .items.length,
      ).toBe(expectedCount("ServiceAccount"));
      expect(
        (await pageAll((cont) => core.listPodForAllNamespaces({ limit: 50, _continue: cont }))).items.length,
      ).toBe(expectedCount("Pod"));
      const admin = await rbac.readClusterRole({ name: "admin" });
      expect(admin.rules?.length).toBeGreaterThan(0);
      for (const [group, plural, kind] of [
        ["aadpodidentity.k8s.io", "azureidentities", "AzureIdentity"],
        ["aadpodidentity.k8s.io", "azureidentitybindings", "AzureIdentityBinding"],
        ["aadpodidentity.k8s.io", "azurepodidentityexceptions", "AzurePodIdentityException"],
        ["secrets-store.csi.x-k8s.io", "secretproviderclasses", "SecretProviderClass"],
      ] as const) {
        const list = (await custom.listCustomObjectForAllNamespaces({
          group,
          version: "v1",
          resourcePlural: plural,
        })) as {
          items: unknown[];
        };
        expect(list.items.length, `${plural} on ${name}`).toBe(expectedCount(kind));
      }
    });
  }

  it("gets a namespaced object by name and lists one namespace", async () => {
    const config = await kubeConfigFor("rsg-aksIdentityState1", "aks-1");
    const core = config.makeApiClient(CoreV1Api);
    const account = await core.readNamespacedServiceAccount({ name: "orders-api", namespace: "orders" });
    expect(account.metadata?.annotations?.["azure.workload.identity/client-id"]).toBe(
      "0000dddd-0000-4000-8000-000000000004",
    );
    const inOrders = await core.listNamespacedServiceAccount({ namespace: "orders" });
    expect(inOrders.items.map((item) => item.metadata?.name)).toEqual([
      "batch",
      "orders-api",
      "reporting",
      "web",
    ]);
  });
});
