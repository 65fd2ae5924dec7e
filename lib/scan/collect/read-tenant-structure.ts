import { createDefaultHttpClient, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import type { ArmClients } from "@/lib/azure/arm-clients";
import type { ManagementGroup } from "@/lib/model/azure";
import { normalizeGuid } from "@/lib/model/ids";
import { managementGroupFromTree } from "@/lib/model/wire-azure";

// Subscriptions (all visible, or the configured list) and the management group tree above them.

const subscriptionWireSchema = z.looseObject({
  subscriptionId: z.string().min(1),
  displayName: z.string().optional(),
  tenantId: z.string().optional(),
});
export type SubscriptionWire = z.infer<typeof subscriptionWireSchema>;

export async function listVisibleSubscriptions(clients: ArmClients): Promise<SubscriptionWire[]> {
  const subscriptions: SubscriptionWire[] = [];
  for await (const subscription of clients.subscriptions().subscriptions.list()) {
    subscriptions.push(subscriptionWireSchema.parse(subscription));
  }
  return subscriptions;
}

export async function homeTenantId(clients: ArmClients): Promise<string | undefined> {
  for await (const tenant of clients.subscriptions().tenants.list()) {
    if (tenant.tenantId) return normalizeGuid(tenant.tenantId);
  }
  return undefined;
}

// No management-groups SDK is installed; the reads go through the subscriptions client's own
// pipeline (same credential, retry, counting and pacing), with zod on the responses.
const MANAGEMENT_GROUPS_API_VERSION = "2021-04-01";

const groupListSchema = z.object({
  value: z.array(z.looseObject({ name: z.string().min(1) })),
  nextLink: z.string().nullish(),
});
const groupSchema = z.looseObject({
  name: z.string().min(1),
  properties: z
    .looseObject({
      displayName: z.string().nullish(),
      details: z.looseObject({ parent: z.looseObject({ name: z.string().nullish() }).nullish() }).nullish(),
      children: z.array(z.looseObject({ type: z.string(), name: z.string() })).nullish(),
    })
    .optional(),
});

const httpClient = createDefaultHttpClient();

async function getJson(clients: ArmClients, url: string): Promise<unknown> {
  const response = await clients
    .subscriptions()
    .pipeline.sendRequest(httpClient, createPipelineRequest({ url, method: "GET" }));
  if (response.status >= 400) {
    let code = `HTTP${response.status}`;
    let message = response.bodyAsText ?? "";
    try {
      const body = JSON.parse(response.bodyAsText ?? "{}") as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // keep the raw text
    }
    throw new RestError(message, { code, statusCode: response.status });
  }
  return JSON.parse(response.bodyAsText ?? "null");
}

export type ManagementGroupTree = {
  groups: ManagementGroup[];
  /** subscription id → id of the management group directly above it */
  parentOfSubscription: Map<string, string>;
};

export async function readManagementGroups(
  clients: ArmClients,
  armEndpoint: string,
): Promise<ManagementGroupTree> {
  const base = `${armEndpoint}/providers/Microsoft.Management/managementGroups`;
  const names: string[] = [];
  let next: string | null | undefined = `${base}?api-version=${MANAGEMENT_GROUPS_API_VERSION}`;
  while (next) {
    const page = groupListSchema.parse(await getJson(clients, next));
    names.push(...page.value.map((group) => group.name));
    next = page.nextLink;
  }
  const groups: ManagementGroup[] = [];
  const parentOfSubscription = new Map<string, string>();
  for (const name of names) {
    const group = groupSchema.parse(
      await getJson(
        clients,
        `${base}/${encodeURIComponent(name)}?api-version=${MANAGEMENT_GROUPS_API_VERSION}&$expand=children`,
      ),
    );
    const properties = group.properties;
    const subscriptions = (properties?.children ?? [])
      .filter((child) => child.type.toLowerCase() === "/subscriptions")
      .map((child) => normalizeGuid(child.name));
    const model = managementGroupFromTree({
      name: group.name,
      displayName: properties?.displayName ?? group.name,
      parent: properties?.details?.parent?.name ?? null,
      subscriptions,
    });
    groups.push(model);
    for (const subscriptionId of subscriptions) parentOfSubscription.set(subscriptionId, model.id);
  }
  return { groups, parentOfSubscription };
}
