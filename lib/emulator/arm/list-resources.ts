import { type ArmRequest, type ArmResult, wireResource } from "@/lib/emulator/arm/arm-request";
import { armError, armPage, authorizationFailed } from "@/lib/emulator/arm/common";
import type { IndexedResource } from "@/lib/emulator/tenant-index";

export type ResourceCollection = {
  /** lower-case resource type, as the tenant index keys it */
  type: string;
  /** the action that lets a caller see one item */
  readAction: string;
  /** tells this collection's cached pages apart from other collections' */
  cacheTag: string;
  routes: { bySubscription: string; byResourceGroup: string };
  /** the item's body as the resource provider returns it (default: the stored resource, children stripped) */
  wire?: (resource: Record<string, unknown>) => Record<string, unknown>;
};

/** Lists a tracked resource type in a subscription (or one of its groups), paged the way ARM pages. */
export function listResources(
  arm: ArmRequest,
  collection: ResourceCollection,
  subscriptionId: string,
  resourceGroup?: string,
): ArmResult {
  const { context, caller, request } = arm;
  const route = resourceGroup ? collection.routes.byResourceGroup : collection.routes.bySubscription;
  const fingerprint =
    `${caller.principalId}|${collection.cacheTag}|${subscriptionId}|${resourceGroup ?? ""}`.toLowerCase();
  const items = arm.listCache.get<IndexedResource>(fingerprint, () =>
    (context.index.resourcesByType.get(collection.type) ?? []).filter(
      (item) =>
        item.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (resourceGroup === undefined || item.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) &&
        context.authorizer.permits(caller.principalId, collection.readAction, item.idLower),
    ),
  );
  const listScope = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ""}`;
  if (!context.index.subscriptions.has(subscriptionId.toLowerCase())) {
    return {
      route,
      response: armError(
        404,
        "SubscriptionNotFound",
        `The subscription '${subscriptionId}' could not be found.`,
      ),
    };
  }
  // ARM filters collections to what the caller may read, but a caller with no access at all in
  // the subscription (or group) is refused outright.
  if (items.length === 0 && !context.authorizer.hasAnyAssignmentTouching(caller.principalId, listScope)) {
    return { route, response: authorizationFailed(caller, collection.readAction, listScope) };
  }
  return {
    route,
    response: armPage(context, request, items, fingerprint, (item) =>
      (collection.wire ?? wireResource)(item.resource),
    ),
  };
}
