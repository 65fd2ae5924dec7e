import { z } from "zod";
import type { ArmClients } from "@/lib/azure/arm-clients";
import type { Cluster, FederatedCredential, ManagedIdentity } from "@/lib/model/azure";
import { normalizeGuid } from "@/lib/model/ids";
import {
  clusterFromWire,
  federatedCredentialFromWire,
  managedIdentityFromWire,
} from "@/lib/model/wire-azure";

// Clusters and user-assigned identities: one Resource Graph query across all subscriptions (paged
// with skipToken), and per subscription the ARM lists when Resource Graph cannot answer. Federated
// identity credentials have no Resource Graph table: one paged ARM list per identity.

const CLUSTER_TYPE = "microsoft.containerservice/managedclusters";
const IDENTITY_TYPE = "microsoft.managedidentity/userassignedidentities";
export const RESOURCES_QUERY = `resources | where type in~ ('${CLUSTER_TYPE}', '${IDENTITY_TYPE}')`;
/** Resource Graph takes at most 1000 subscriptions per request. */
const SUBSCRIPTIONS_PER_QUERY = 1000;
const RESOURCE_GRAPH_MAX_PAGE = 1000;

const rowSchema = z.looseObject({ id: z.string().min(1), type: z.string(), subscriptionId: z.string() });

export type SubscriptionResources = { clusters: Cluster[]; identities: ManagedIdentity[] };

export type ResourceGraphResult = {
  /** Per subscription, for the subscriptions Resource Graph answered for. */
  bySubscription: Map<string, SubscriptionResources>;
  /** Subscriptions Resource Graph could not answer for, with why. */
  failed: Map<string, unknown>;
};

function emptyResources(): SubscriptionResources {
  return { clusters: [], identities: [] };
}

export async function queryResourceGraph(
  clients: ArmClients,
  subscriptionIds: readonly string[],
  pageSize: number,
): Promise<ResourceGraphResult> {
  const bySubscription = new Map<string, SubscriptionResources>();
  const failed = new Map<string, unknown>();
  for (let at = 0; at < subscriptionIds.length; at += SUBSCRIPTIONS_PER_QUERY) {
    const chunk = subscriptionIds.slice(at, at + SUBSCRIPTIONS_PER_QUERY);
    const found = new Map(chunk.map((id) => [id, emptyResources()]));
    try {
      let skipToken: string | undefined;
      do {
        const response = await clients.resourceGraph().resources({
          query: RESOURCES_QUERY,
          subscriptions: [...chunk],
          options: {
            resultFormat: "objectArray",
            ...(skipToken ? { skipToken } : { top: Math.min(pageSize, RESOURCE_GRAPH_MAX_PAGE) }),
          },
        });
        if (response.resultTruncated === "true") {
          throw new Error("Resource Graph truncated the result (rows without ids cannot be paged)");
        }
        for (const raw of z.array(z.unknown()).parse(response.data)) {
          const row = rowSchema.parse(raw);
          const entry = found.get(normalizeGuid(row.subscriptionId));
          if (!entry) continue;
          const type = row.type.toLowerCase();
          if (type === CLUSTER_TYPE) entry.clusters.push(clusterFromWire(row));
          else if (type === IDENTITY_TYPE) entry.identities.push(managedIdentityFromWire(row));
        }
        skipToken = response.skipToken;
      } while (skipToken);
      for (const [id, resources] of found) bySubscription.set(id, resources);
    } catch (error) {
      for (const id of chunk) failed.set(id, error);
    }
  }
  return { bySubscription, failed };
}

export async function listClustersThroughArm(
  clients: ArmClients,
  subscriptionId: string,
): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  for await (const cluster of clients.containerServiceFor(subscriptionId).managedClusters.list()) {
    clusters.push(clusterFromWire(cluster));
  }
  return clusters;
}

export async function listIdentitiesThroughArm(
  clients: ArmClients,
  subscriptionId: string,
): Promise<ManagedIdentity[]> {
  const identities: ManagedIdentity[] = [];
  for await (const identity of clients
    .managedIdentityFor(subscriptionId)
    .userAssignedIdentities.listBySubscription()) {
    identities.push(managedIdentityFromWire(identity));
  }
  return identities;
}

/**
 * The api-version federated credentials are read at: the first that returns flexible credentials'
 * `claimsMatchingExpression` (Microsoft.ManagedIdentity 2025-01-31-preview). @azure/arm-msi speaks
 * 2024-11-30, whose model has no such field (a flexible credential would read as an empty subject),
 * so the list goes through the SDK client's pipeline with this version instead.
 */
export const FEDERATED_CREDENTIALS_API_VERSION = "2025-01-31-preview";

const credentialPageSchema = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1) })),
  nextLink: z.string().nullish(),
});

export async function listFederatedCredentials(
  clients: ArmClients,
  identity: ManagedIdentity,
): Promise<FederatedCredential[]> {
  const credentials: FederatedCredential[] = [];
  const name = identity.id.split("/").pop() ?? identity.name;
  const identityPath = `/subscriptions/${identity.subscriptionId}/resourceGroups/${encodeURIComponent(identity.resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${encodeURIComponent(name)}`;
  let next: string | null | undefined =
    `${identityPath}/federatedIdentityCredentials?api-version=${FEDERATED_CREDENTIALS_API_VERSION}`;
  while (next) {
    const page = credentialPageSchema.parse(
      await clients.getOnManagedIdentityPipeline(identity.subscriptionId, next),
    );
    for (const credential of page.value)
      credentials.push(federatedCredentialFromWire(credential, identity.id));
    next = page.nextLink;
  }
  return credentials;
}
