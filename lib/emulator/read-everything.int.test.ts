import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { ClientSecretCredential } from "@azure/identity";
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenantPath } from "@/lib/emulator/demo";
import {
  armClientOptions,
  emulatorCredential,
  emulatorGraphClient,
  kubeConfigWithCredential,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import { USER_ASSIGNED_IDENTITY_TYPE } from "@/lib/model/wire/azure";
import { asUserAssignedIdentity, listClusters, type TenantFile } from "@/lib/model/wire/tenant-file";

// Reads every object of a tenant the way a scanner would — official SDKs, page size 2, the scanner's
// own ClientSecretCredential and nothing but the permissions in docs/permissions — and compares the
// totals with what the tenant file says.

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function resourceGroupOf(id: string): string {
  return /\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? "";
}

/** Transitive members computed from the file alone, independently of the emulator's index. */
function transitiveMembers(tenant: TenantFile, groupId: string): Set<string> {
  const membersOf = new Map(
    tenant.principals.map((principal) => [
      principal.id.toLowerCase(),
      principal.type === "Group" ? principal.members.map((member) => member.toLowerCase()) : [],
    ]),
  );
  const result = new Set<string>();
  const queue = [...(membersOf.get(groupId.toLowerCase()) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (result.has(next) || next === groupId.toLowerCase()) continue;
    result.add(next);
    queue.push(...(membersOf.get(next) ?? []));
  }
  return new Set([...result].filter((id) => membersOf.has(id)));
}

const KIND_LISTS = [
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Namespace",
  "ServiceAccount",
  "Pod",
] as const;
const CUSTOM_RESOURCES = [
  ["aadpodidentity.k8s.io", "azureidentities", "AzureIdentity"],
  ["aadpodidentity.k8s.io", "azureidentitybindings", "AzureIdentityBinding"],
  ["aadpodidentity.k8s.io", "azurepodidentityexceptions", "AzurePodIdentityException"],
  ["secrets-store.csi.x-k8s.io", "secretproviderclasses", "SecretProviderClass"],
] as const;

describe.each([
  ["the small fixture", smallTenantPath],
  ["the demo tenant", demoTenantPath],
])("reading every object of %s", (_name, tenantPath) => {
  let running: TestEmulator;
  let credential: ClientSecretCredential;
  let tenant: TenantFile;

  beforeAll(async () => {
    running = await startTestEmulator({ tenantPath, pageSize: 2 });
    tenant = running.tenant;
    credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("ARM: subscriptions, clusters, identities, federated credentials, role assignments", async () => {
    const options = armClientOptions(running.emulator);
    const subscriptions = await collect(new SubscriptionClient(credential, options).subscriptions.list());
    expect(subscriptions.map((subscription) => subscription.subscriptionId).sort()).toEqual(
      tenant.subscriptions.map((subscription) => subscription.subscriptionId).sort(),
    );
    for (const subscription of tenant.subscriptions) {
      const { subscriptionId } = subscription;
      const clusters = await collect(
        new ContainerServiceClient(credential, subscriptionId, options).managedClusters.list(),
      );
      expect(clusters.map((cluster) => cluster.id?.toLowerCase()).sort()).toEqual(
        listClusters(tenant)
          .filter((cluster) => cluster.subscription.subscriptionId === subscriptionId)
          .map((cluster) => cluster.resource.id.toLowerCase())
          .sort(),
      );

      const msi = new ManagedServiceIdentityClient(credential, subscriptionId, options);
      const identities = await collect(msi.userAssignedIdentities.listBySubscription());
      const expectedIdentities = subscription.resources.filter(
        (resource) => resource.type === USER_ASSIGNED_IDENTITY_TYPE,
      );
      expect(identities.length).toBe(expectedIdentities.length);
      let credentials = 0;
      for (const identity of identities) {
        credentials += (
          await collect(
            msi.federatedIdentityCredentials.list(resourceGroupOf(identity.id ?? ""), identity.name ?? ""),
          )
        ).length;
      }
      expect(credentials).toBe(
        expectedIdentities.reduce(
          (sum, resource) => sum + asUserAssignedIdentity(resource).federatedIdentityCredentials.length,
          0,
        ),
      );

      const authorization = new AuthorizationManagementClient(credential, subscriptionId, options);
      const assignments = await collect(authorization.roleAssignments.listForSubscription());
      const inSubscription = tenant.roleAssignments.filter((assignment) =>
        assignment.properties.scope
          .toLowerCase()
          .startsWith(`/subscriptions/${subscriptionId.toLowerCase()}`),
      );
      const inherited = assignments.filter(
        (assignment) => !assignment.scope?.toLowerCase().startsWith("/subscriptions/"),
      );
      expect(assignments.length - inherited.length).toBe(inSubscription.length);
      expect(
        inherited.some((assignment) => assignment.principalId === running.emulator.scanner.objectId),
      ).toBe(true);
    }
  });

  it("Resource Graph: every cluster and every role assignment, paged", async () => {
    const client = new ResourceGraphClient(credential, armClientOptions(running.emulator));
    async function count(query: string): Promise<number> {
      let total = 0;
      let skipToken: string | undefined;
      do {
        const page = await client.resources({ query, options: skipToken ? { skipToken } : { top: 1000 } });
        total += page.count;
        skipToken = page.skipToken;
      } while (skipToken);
      return total;
    }
    expect(
      await count(
        "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name",
      ),
    ).toBe(listClusters(tenant).length);
    expect(
      await count("authorizationresources | where type =~ 'microsoft.authorization/roleassignments'"),
    ).toBe(tenant.roleAssignments.length + 1);
  });

  it("Microsoft Graph: every principal by id (deleted ones omitted) and every group's transitive members", async () => {
    const graph = emulatorGraphClient(running.emulator, credential);
    const referenced = [
      ...new Set([
        ...tenant.principals.map((principal) => principal.id.toLowerCase()),
        ...tenant.roleAssignments.map((assignment) => assignment.properties.principalId.toLowerCase()),
      ]),
    ];
    const found = (await graph.api("/directoryObjects/getByIds").post({ ids: referenced })) as {
      value: { id: string }[];
    };
    const listed = new Set(tenant.principals.map((principal) => principal.id.toLowerCase()));
    const resolved = new Set(found.value.map((object) => object.id.toLowerCase()));
    for (const id of referenced) {
      if (listed.has(id)) expect(resolved.has(id), id).toBe(true);
    }
    for (const group of tenant.principals.filter((principal) => principal.type === "Group")) {
      const members: string[] = [];
      let page = (await graph.api(`/groups/${group.id}/transitiveMembers`).get()) as {
        value: { id: string }[];
        "@odata.nextLink"?: string;
      };
      members.push(...page.value.map((member) => member.id.toLowerCase()));
      while (page["@odata.nextLink"]) {
        page = await graph.api(page["@odata.nextLink"]).get();
        members.push(...page.value.map((member) => member.id.toLowerCase()));
      }
      expect(new Set(members), group.displayName).toEqual(transitiveMembers(tenant, group.id));
    }
  });

  it("Kubernetes: every RBAC, workload and identity object of every reachable cluster; unreachable ones reset", async () => {
    for (const cluster of listClusters(tenant)) {
      const aks = new ContainerServiceClient(
        credential,
        cluster.subscription.subscriptionId,
        armClientOptions(running.emulator),
      );
      const result = await aks.managedClusters.listClusterUserCredentials(
        resourceGroupOf(cluster.resource.id),
        cluster.resource.name,
      );
      const config = await kubeConfigWithCredential(
        Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
        credential,
      );
      const rbac = config.makeApiClient(RbacAuthorizationV1Api);
      const core = config.makeApiClient(CoreV1Api);
      const custom = config.makeApiClient(CustomObjectsApi);
      if (cluster.data?.reachable === false) {
        await expect(core.listNamespace(), cluster.resource.name).rejects.toMatchObject({
          cause: { code: "ECONNRESET" },
        });
        continue;
      }
      const aad = (
        cluster.resource.properties as { aadProfile?: { managed?: boolean; enableAzureRBAC?: boolean } }
      )?.aadProfile;
      const azureRbac = aad?.managed === true && aad.enableAzureRBAC === true;
      const expected = effectiveKubernetesObjects(cluster.resource, cluster.data);
      // Clusters without Azure RBAC also hold the scanner's ClusterRole and binding (docs/permissions).
      const expectedCount = (kind: string) =>
        expected.filter((object) => object.kind === kind).length +
        (!azureRbac && kind.startsWith("ClusterRole") ? 1 : 0);
      async function pageAll(
        list: (cont?: string) => Promise<{ items: unknown[]; metadata?: { _continue?: string } }>,
      ) {
        let total = 0;
        let cont: string | undefined;
        do {
          const page = await list(cont);
          total += page.items.length;
          cont = page.metadata?._continue;
        } while (cont);
        return total;
      }
      const counts: Record<(typeof KIND_LISTS)[number], number> = {
        ClusterRole: await pageAll((cont) => rbac.listClusterRole({ limit: 100, _continue: cont })),
        ClusterRoleBinding: await pageAll((cont) =>
          rbac.listClusterRoleBinding({ limit: 100, _continue: cont }),
        ),
        Role: await pageAll((cont) => rbac.listRoleForAllNamespaces({ limit: 100, _continue: cont })),
        RoleBinding: await pageAll((cont) =>
          rbac.listRoleBindingForAllNamespaces({ limit: 100, _continue: cont }),
        ),
        Namespace: await pageAll((cont) => core.listNamespace({ limit: 100, _continue: cont })),
        ServiceAccount: await pageAll((cont) =>
          core.listServiceAccountForAllNamespaces({ limit: 100, _continue: cont }),
        ),
        Pod: await pageAll((cont) => core.listPodForAllNamespaces({ limit: 100, _continue: cont })),
      };
      for (const kind of KIND_LISTS)
        expect(counts[kind], `${cluster.resource.name} ${kind}`).toBe(expectedCount(kind));
      for (const [group, plural, kind] of CUSTOM_RESOURCES) {
        const list = (await custom.listCustomObjectForAllNamespaces({
          group,
          version: "v1",
          resourcePlural: plural,
        })) as {
          items: unknown[];
        };
        expect(list.items.length, `${cluster.resource.name} ${plural}`).toBe(expectedCount(kind));
      }
    }
  });
});
