import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { armError, armPage, authorizationFailed } from "@/lib/emulator/arm/common";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";
import { managementGroupScope, normalizeScope } from "@/lib/emulator/scopes";
import type { IndexedResource, ResourceGroupEntry } from "@/lib/emulator/tenant-index";
import type { TenantSubscription } from "@/lib/model/wire/azure";

const SUBSCRIPTION_READ = "Microsoft.Resources/subscriptions/read";
const RESOURCE_GROUP_READ = "Microsoft.Resources/subscriptions/resourceGroups/read";
const MANAGEMENT_GROUP_READ = "Microsoft.Management/managementGroups/read";

function subscriptionBody(arm: ArmRequest, subscription: TenantSubscription) {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: subscription.subscriptionId,
    tenantId: arm.context.tenantId,
    displayName: subscription.displayName,
    state: subscription.state ?? "Enabled",
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
    tags: {},
  };
}

function resourceGroupBody(group: ResourceGroupEntry) {
  return {
    id: `/subscriptions/${group.subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: "Microsoft.Resources/resourceGroups",
    location: group.location,
    ...(group.managedBy ? { managedBy: group.managedBy } : {}),
    properties: { provisioningState: "Succeeded" },
  };
}

function subscriptionNotFound(subscriptionId: string) {
  return armError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

/** Subscriptions, tenants, management groups, resource groups and the generic resource list. */
export function handleTenantResources(arm: ArmRequest): ArmResult | undefined {
  const { lower, segments, request, context, caller } = arm;
  if (request.method !== "GET") return undefined;
  const { index, authorizer } = context;

  if (lower.length === 1 && lower[0] === "subscriptions") {
    const fingerprint = `${caller.principalId}|subscriptions`;
    const items = arm.listCache.get(fingerprint, () =>
      [...index.subscriptions.values()].filter((subscription) =>
        authorizer.hasAnyAssignmentTouching(
          caller.principalId,
          `/subscriptions/${subscription.subscriptionId}`,
        ),
      ),
    );
    return {
      route: "subscriptions.list",
      response: armPage(context, request, items, fingerprint, (subscription) =>
        subscriptionBody(arm, subscription),
      ),
    };
  }
  if (lower.length === 1 && lower[0] === "tenants") {
    return {
      route: "tenants.list",
      response: jsonResponse(200, {
        value: [
          {
            id: `/tenants/${context.tenantId}`,
            tenantId: context.tenantId,
            tenantCategory: "Home",
            displayName: index.tenant.displayName ?? "Emulated tenant",
            defaultDomain: "contoso.example",
            domains: ["contoso.example"],
            tenantType: "AAD",
          },
        ],
      }),
    };
  }
  if (lower[0] === "providers" && lower[1] === "microsoft.management" && lower[2] === "managementgroups") {
    if (lower.length === 3) {
      const fingerprint = `${caller.principalId}|managementGroups`;
      const items = arm.listCache.get(fingerprint, () =>
        [...index.managementGroups.values()].filter((group) =>
          authorizer.permits(caller.principalId, MANAGEMENT_GROUP_READ, managementGroupScope(group.name)),
        ),
      );
      return {
        route: "managementGroups.list",
        response: armPage(context, request, items, fingerprint, (group) => ({
          id: `/providers/Microsoft.Management/managementGroups/${group.name}`,
          type: "Microsoft.Management/managementGroups",
          name: group.name,
          properties: { tenantId: context.tenantId, displayName: group.displayName ?? group.name },
        })),
      };
    }
    if (lower.length !== 4) return undefined;
    const group = index.managementGroups.get(lower[3]);
    const scope = managementGroupScope(lower[3]);
    if (!group || !authorizer.permits(caller.principalId, MANAGEMENT_GROUP_READ, scope)) {
      return {
        route: "managementGroups.get",
        response: authorizationFailed(
          caller,
          MANAGEMENT_GROUP_READ,
          `/providers/Microsoft.Management/managementGroups/${segments[3]}`,
        ),
      };
    }
    const parent = group.parent ? index.managementGroups.get(group.parent.toLowerCase()) : undefined;
    const children = [
      ...[...index.managementGroups.values()]
        .filter((candidate) => candidate.parent?.toLowerCase() === group.name.toLowerCase())
        .map((child) => ({
          type: "Microsoft.Management/managementGroups",
          id: `/providers/Microsoft.Management/managementGroups/${child.name}`,
          name: child.name,
          displayName: child.displayName ?? child.name,
        })),
      ...group.subscriptions.map((subscriptionId) => ({
        type: "/subscriptions",
        id: `/subscriptions/${subscriptionId}`,
        name: subscriptionId,
        displayName: index.subscriptions.get(subscriptionId.toLowerCase())?.displayName ?? subscriptionId,
      })),
    ];
    const expand = queryValue(request.query, "$expand")?.toLowerCase() === "children";
    return {
      route: "managementGroups.get",
      response: jsonResponse(200, {
        id: `/providers/Microsoft.Management/managementGroups/${group.name}`,
        type: "Microsoft.Management/managementGroups",
        name: group.name,
        properties: {
          tenantId: context.tenantId,
          displayName: group.displayName ?? group.name,
          details: {
            parent: parent
              ? {
                  id: `/providers/Microsoft.Management/managementGroups/${parent.name}`,
                  name: parent.name,
                  displayName: parent.displayName ?? parent.name,
                }
              : null,
          },
          ...(expand ? { children } : {}),
        },
      }),
    };
  }
  if (lower[0] !== "subscriptions" || lower.length < 2) return undefined;
  const subscription = index.subscriptions.get(lower[1]);
  const subscriptionScope = `/subscriptions/${segments[1]}`;
  if (lower.length === 2) {
    if (!subscription) return { route: "subscriptions.get", response: subscriptionNotFound(segments[1]) };
    if (!authorizer.hasAnyAssignmentTouching(caller.principalId, subscriptionScope)) {
      return {
        route: "subscriptions.get",
        response: authorizationFailed(caller, SUBSCRIPTION_READ, subscriptionScope),
      };
    }
    return { route: "subscriptions.get", response: jsonResponse(200, subscriptionBody(arm, subscription)) };
  }
  if (lower[2] === "resourcegroups" && lower.length <= 4) {
    const route = lower.length === 3 ? "resourceGroups.list" : "resourceGroups.get";
    if (!subscription) return { route, response: subscriptionNotFound(segments[1]) };
    if (lower.length === 3) {
      const fingerprint = `${caller.principalId}|resourceGroups|${lower[1]}`;
      const items = arm.listCache.get(fingerprint, () =>
        [...index.resourceGroups.entries()]
          .filter(([key]) => key.startsWith(`/subscriptions/${lower[1]}/`))
          .filter(([key]) => authorizer.permits(caller.principalId, RESOURCE_GROUP_READ, key))
          .map(([, group]) => group),
      );
      return { route, response: armPage(context, request, items, fingerprint, resourceGroupBody) };
    }
    const key = `/subscriptions/${lower[1]}/resourcegroups/${lower[3]}`;
    const group = index.resourceGroups.get(key);
    if (!authorizer.permits(caller.principalId, RESOURCE_GROUP_READ, key)) {
      return {
        route,
        response: authorizationFailed(
          caller,
          RESOURCE_GROUP_READ,
          `${subscriptionScope}/resourceGroups/${segments[3]}`,
        ),
      };
    }
    if (!group) {
      return {
        route,
        response: armError(
          404,
          "ResourceGroupNotFound",
          `Resource group '${segments[3]}' could not be found.`,
        ),
      };
    }
    return { route, response: jsonResponse(200, resourceGroupBody(group)) };
  }
  const isSubscriptionResources = lower.length === 3 && lower[2] === "resources";
  const isGroupResources = lower.length === 5 && lower[2] === "resourcegroups" && lower[4] === "resources";
  if (isSubscriptionResources || isGroupResources) {
    const route = isGroupResources ? "resources.listByResourceGroup" : "resources.list";
    if (!subscription) return { route, response: subscriptionNotFound(segments[1]) };
    const filter = queryValue(request.query, "$filter");
    const typeFilter = filter
      ? /^\s*resourceType\s+eq\s+'([^']+)'\s*$/i.exec(filter)?.[1]?.toLowerCase()
      : undefined;
    if (filter && !typeFilter) {
      return {
        route,
        response: armError(
          400,
          "InvalidFilterInQueryString",
          `The emulator supports only $filter=resourceType eq '<type>', not '${filter}'.`,
        ),
      };
    }
    const groupLower = isGroupResources ? lower[3] : undefined;
    const fingerprint = `${caller.principalId}|resources|${lower[1]}|${groupLower ?? ""}|${typeFilter ?? ""}`;
    const items = arm.listCache.get<IndexedResource>(fingerprint, () =>
      (subscription.resources ?? [])
        .map((resource) => index.resources.get(normalizeScope(resource.id)))
        .filter((item): item is IndexedResource => item !== undefined)
        .filter(
          (item) =>
            (groupLower === undefined || item.resourceGroup.toLowerCase() === groupLower) &&
            (typeFilter === undefined || item.typeLower === typeFilter) &&
            authorizer.permits(caller.principalId, `${item.resource.type}/read`, item.idLower),
        ),
    );
    return {
      route,
      response: armPage(context, request, items, fingerprint, (item) => {
        // The generic list returns the envelope only; properties come from the type's own API.
        const {
          properties: _properties,
          federatedIdentityCredentials: _children,
          ...envelope
        } = item.resource as Record<string, unknown>;
        return envelope;
      }),
    };
  }
  return undefined;
}
