/**
 * The naive scanner the benchmark compares collectTenant with: the same SDKs, the same transport
 * (counted, paced, retried), but one request at a time and no batching — per subscription, per
 * cluster, per scope, per namespace, per principal:
 *
 * - clusters and identities through the ARM list of each subscription (no Resource Graph);
 * - role assignments with `$filter=atScope()` at every scope that can reach a cluster or an identity:
 *   management groups, subscriptions, resource groups, each cluster, each of its namespaces, each
 *   identity; role definitions per subscription;
 * - every principal with its own `GET /directoryObjects/{id}`, every group's transitive members;
 * - each cluster's Kubernetes objects namespace by namespace.
 *
 * Each kind of unit (identity, cluster, principal, group) can be sampled: the benchmark then
 * extrapolates time and calls per unit to the full count and says so.
 */
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { ApiFamily } from "@/lib/azure/api-calls";
import { ArmClients } from "@/lib/azure/arm-clients";
import { createGraphClient } from "@/lib/azure/graph-client";
import {
  createScanHttpContext,
  runInScanHttpContext,
  type ScanHttpContext,
} from "@/lib/azure/scan-http-context";
import type { ScanTarget } from "@/lib/azure/scan-target";
import { AKS_SERVER_SCOPE, connectToCluster, parseKubeconfig } from "@/lib/k8s/cluster-connection";
import type { Cluster, ManagedIdentity } from "@/lib/model/azure";
import { clusterFromWire, managedIdentityFromWire } from "@/lib/model/wire-azure";

export type PhaseMeasure = {
  phase: string;
  units: number;
  measuredUnits: number;
  ms: number;
  calls: Record<ApiFamily, number>;
};

export type NaiveResult = { phases: PhaseMeasure[] };

const PAGE = 500;

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function sample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, index) => items[Math.floor(index * step)] as T);
}

async function atScope(clients: ArmClients, subscriptionId: string, scope: string): Promise<string[]> {
  const pages = clients
    .authorizationFor(subscriptionId)
    .roleAssignments.listForScope(scope.replace(/^\//, ""), { filter: "atScope()" });
  return (await drain(pages)).map((assignment) => assignment.principalId ?? "");
}

async function allPages(graph: Client, path: string): Promise<{ id: string }[]> {
  const items: { id: string }[] = [];
  let page = (await graph.api(path).get()) as { value: { id: string }[]; "@odata.nextLink"?: string };
  items.push(...page.value);
  while (page["@odata.nextLink"]) {
    page = await graph.api(page["@odata.nextLink"]).get();
    items.push(...page.value);
  }
  return items;
}

async function readClusterNamespaceByNamespace(
  cluster: Cluster,
  clients: ArmClients,
  target: ScanTarget,
  http: ScanHttpContext,
): Promise<{ subjects: string[]; namespaces: string[] }> {
  const result = await clients
    .containerServiceFor(cluster.subscriptionId)
    .managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name);
  const kubeconfig = parseKubeconfig(
    Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
  );
  const credential =
    cluster.entra.mode === "none"
      ? ({ kind: "kubeconfig" } as const)
      : ({
          kind: "entra-token",
          token:
            (
              await target.credential.getToken(
                cluster.entra.mode === "managed" || !kubeconfig.serverApplicationId
                  ? AKS_SERVER_SCOPE
                  : `${kubeconfig.serverApplicationId}/.default`,
              )
            )?.token ?? "",
        } as const);
  const connection = await connectToCluster(kubeconfig, credential, http, AbortSignal.timeout(600_000));
  const subjects: string[] = [];
  const namespaceNames: string[] = [];
  try {
    const rbac = new RbacAuthorizationV1Api(connection.configuration);
    const core = new CoreV1Api(connection.configuration);
    const custom = new CustomObjectsApi(connection.configuration);
    const page = (token?: string) => ({ limit: PAGE, ...(token ? { _continue: token } : {}) });
    const typed = async <T extends { items: unknown[]; metadata?: { _continue?: string } }>(
      list: (p: ReturnType<typeof page>) => Promise<T>,
    ) => {
      const items: unknown[] = [];
      let token: string | undefined;
      do {
        const response = await list(page(token));
        items.push(...response.items);
        token = response.metadata?._continue || undefined;
      } while (token);
      return items;
    };
    await typed((p) => rbac.listClusterRole(p));
    const bindings = (await typed((p) => rbac.listClusterRoleBinding(p))) as {
      subjects?: { name: string }[];
    }[];
    const namespaces = (await typed((p) => core.listNamespace(p))) as { metadata?: { name?: string } }[];
    for (const namespace of namespaces) {
      const name = namespace.metadata?.name ?? "default";
      namespaceNames.push(name);
      await typed((p) => rbac.listNamespacedRole({ namespace: name, ...p }));
      const roleBindings = (await typed((p) =>
        rbac.listNamespacedRoleBinding({ namespace: name, ...p }),
      )) as {
        subjects?: { name: string }[];
      }[];
      bindings.push(...roleBindings);
      await typed((p) => core.listNamespacedServiceAccount({ namespace: name, ...p }));
      await typed((p) => core.listNamespacedPod({ namespace: name, ...p }));
      for (const [group, plural] of [
        ["aadpodidentity.k8s.io", "azureidentities"],
        ["aadpodidentity.k8s.io", "azureidentitybindings"],
        ["aadpodidentity.k8s.io", "azurepodidentityexceptions"],
        ["secrets-store.csi.x-k8s.io", "secretproviderclasses"],
      ] as const) {
        await custom
          .listNamespacedCustomObject({ group, version: "v1", namespace: name, plural, limit: PAGE })
          .catch(() => undefined);
      }
    }
    for (const binding of bindings) for (const subject of binding.subjects ?? []) subjects.push(subject.name);
  } finally {
    await connection.close();
  }
  return { subjects, namespaces: namespaceNames };
}

/** Runs the naive scan; `sampleSize` bounds how many of each per-unit kind are actually read. */
export async function naiveScan(target: ScanTarget, options: { sampleSize: number }): Promise<NaiveResult> {
  const http = createScanHttpContext({ concurrency: 1 });
  return runInScanHttpContext(http, async () => {
    const clients = new ArmClients(target, http);
    const phases: PhaseMeasure[] = [];
    const measure = async (
      phase: string,
      units: number,
      measuredUnits: number,
      work: () => Promise<void>,
    ) => {
      const before = http.counter.snapshot();
      const started = performance.now();
      await work();
      const after = http.counter.snapshot();
      const calls = Object.fromEntries(
        Object.entries(after).map(([family, value]) => [family, value - before[family as ApiFamily]]),
      ) as Record<ApiFamily, number>;
      phases.push({ phase, units, measuredUnits, ms: performance.now() - started, calls });
    };

    const subscriptions: string[] = [];
    const clusters: Cluster[] = [];
    const identities: ManagedIdentity[] = [];
    const principals = new Set<string>();
    await measure(
      "subscriptions: clusters, identities, roles, assignments at subscription scope",
      1,
      1,
      async () => {
        for (const subscription of await drain(clients.subscriptions().subscriptions.list())) {
          const id = subscription.subscriptionId ?? "";
          subscriptions.push(id);
          for (const cluster of await drain(clients.containerServiceFor(id).managedClusters.list()))
            clusters.push(clusterFromWire(cluster));
          for (const identity of await drain(
            clients.managedIdentityFor(id).userAssignedIdentities.listBySubscription(),
          ))
            identities.push(managedIdentityFromWire(identity));
          await drain(clients.authorizationFor(id).roleDefinitions.list(`subscriptions/${id}`));
          for (const principal of await atScope(clients, id, `/subscriptions/${id}`))
            principals.add(principal);
          const groups = new Set(
            [...clusters, ...identities]
              .filter((item) => item.subscriptionId === id)
              .map((item) => item.resourceGroup),
          );
          for (const group of groups) {
            for (const principal of await atScope(
              clients,
              id,
              `/subscriptions/${id}/resourceGroups/${group}`,
            ))
              principals.add(principal);
          }
        }
      },
    );

    const sampledIdentities = sample(identities, options.sampleSize);
    await measure(
      "per identity: federated credentials, assignments at its scope",
      identities.length,
      sampledIdentities.length,
      async () => {
        for (const identity of sampledIdentities) {
          await drain(
            clients
              .managedIdentityFor(identity.subscriptionId)
              .federatedIdentityCredentials.list(identity.resourceGroup, identity.name),
          );
          for (const principal of await atScope(clients, identity.subscriptionId, identity.id))
            principals.add(principal);
        }
      },
    );

    const sampledClusters = sample(clusters, options.sampleSize);
    await measure(
      "per cluster: assignments at cluster and namespace scope, Kubernetes namespace by namespace",
      clusters.length,
      sampledClusters.length,
      async () => {
        for (const cluster of sampledClusters) {
          for (const principal of await atScope(clients, cluster.subscriptionId, cluster.id))
            principals.add(principal);
          let read: { subjects: string[]; namespaces: string[] };
          try {
            read = await readClusterNamespaceByNamespace(cluster, clients, target, http);
          } catch {
            continue; // an unreachable cluster costs its retries; nothing to add
          }
          for (const subject of read.subjects) if (/^[0-9a-f-]{36}$/i.test(subject)) principals.add(subject);
          for (const name of read.namespaces) {
            for (const principal of await atScope(
              clients,
              cluster.subscriptionId,
              `${cluster.id}/namespaces/${name}`,
            ))
              principals.add(principal);
          }
        }
      },
    );

    const graph = createGraphClient(target, http);
    try {
      const ids = [...principals].filter((id) => id !== "");
      const sampledPrincipals = sample(ids, options.sampleSize * 10);
      const groups: string[] = [];
      await measure(
        "per principal: GET /directoryObjects/{id}",
        ids.length,
        sampledPrincipals.length,
        async () => {
          for (const id of sampledPrincipals) {
            try {
              const object = (await graph.client.api(`/directoryObjects/${id}`).get()) as {
                "@odata.type"?: string;
              };
              if (object["@odata.type"] === "#microsoft.graph.group") groups.push(id);
            } catch {
              // deleted principal
            }
          }
        },
      );
      const estimatedGroups = Math.round(
        (groups.length / Math.max(1, sampledPrincipals.length)) * ids.length,
      );
      const sampledGroups = sample(groups, options.sampleSize);
      await measure("per group: transitive members", estimatedGroups, sampledGroups.length, async () => {
        for (const id of sampledGroups) await allPages(graph.client, `/groups/${id}/transitiveMembers`);
      });
    } finally {
      graph.close();
    }
    return { phases };
  });
}
