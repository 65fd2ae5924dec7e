import { CLAIMS_MATCHING_EXPRESSION_VERSIONS } from "@/lib/emulator/arm/api-versions";
import { type ArmRequest, type ArmResult, wireResource } from "@/lib/emulator/arm/arm-request";
import { armPage, authorizationFailed, resourceNotFound } from "@/lib/emulator/arm/common";
import { listResources, type ResourceCollection } from "@/lib/emulator/arm/list-resources";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";
import type { IndexedResource } from "@/lib/emulator/tenant-index";
import type { WireFederatedCredential } from "@/lib/model/wire/azure";

const TYPE = "microsoft.managedidentity/userassignedidentities";
const READ = "Microsoft.ManagedIdentity/userAssignedIdentities/read";
const READ_FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read";

function federatedCredentialsOf(identity: IndexedResource): WireFederatedCredential[] {
  const children = (identity.resource as Record<string, unknown>).federatedIdentityCredentials;
  return Array.isArray(children) ? (children as WireFederatedCredential[]) : [];
}

const IDENTITIES: ResourceCollection = {
  type: TYPE,
  readAction: READ,
  cacheTag: "identities",
  routes: {
    bySubscription: "userAssignedIdentities.listBySubscription",
    byResourceGroup: "userAssignedIdentities.listByResourceGroup",
  },
};

/**
 * A federated credential as the requested api-version returns it: `claimsMatchingExpression` only
 * from 2025-01-31-preview on (a flexible credential read at an older version shows no subject and
 * no expression, which is why the scanner reads at the newer version).
 */
function credentialAtVersion(
  credential: WireFederatedCredential,
  apiVersion: string,
): WireFederatedCredential {
  const properties = credential.properties as Record<string, unknown>;
  if (!("claimsMatchingExpression" in properties) || CLAIMS_MATCHING_EXPRESSION_VERSIONS.has(apiVersion)) {
    return credential;
  }
  const { claimsMatchingExpression: _newer, ...older } = properties;
  return { ...credential, properties: older as WireFederatedCredential["properties"] };
}

/** User-assigned identities (by subscription, by group, get) and their federated identity credentials. */
export function handleIdentities(arm: ArmRequest): ArmResult | undefined {
  const { lower, segments, request, context, caller } = arm;
  if (request.method !== "GET") return undefined;
  if (lower.length === 5 && lower[2] === "providers" && `${lower[3]}/${lower[4]}` === TYPE) {
    return listResources(arm, IDENTITIES, segments[1]);
  }
  if (
    lower.length < 7 ||
    lower[2] !== "resourcegroups" ||
    lower[4] !== "providers" ||
    `${lower[5]}/${lower[6]}` !== TYPE
  ) {
    return undefined;
  }
  if (lower.length === 7) return listResources(arm, IDENTITIES, segments[1], segments[3]);
  const identityId = `/${segments.slice(0, 8).join("/")}`;
  const identity = context.index.resources.get(identityId.toLowerCase());
  const resourceGroupScope = `/subscriptions/${segments[1]}/resourceGroups/${segments[3]}`;
  const notFoundOrForbidden = (route: string, action: string): ArmResult => ({
    route,
    response: context.authorizer.permits(caller.principalId, action, resourceGroupScope)
      ? resourceNotFound("Microsoft.ManagedIdentity/userAssignedIdentities", segments[7], segments[3])
      : authorizationFailed(caller, action, identityId),
  });
  if (lower.length === 8) {
    const route = "userAssignedIdentities.get";
    if (!identity) return notFoundOrForbidden(route, READ);
    if (!context.authorizer.permits(caller.principalId, READ, identity.idLower)) {
      return { route, response: authorizationFailed(caller, READ, identity.resource.id) };
    }
    return { route, response: jsonResponse(200, wireResource(identity.resource)) };
  }
  if (lower[8] !== "federatedidentitycredentials" || lower.length > 10) return undefined;
  const route = lower.length === 9 ? "federatedIdentityCredentials.list" : "federatedIdentityCredentials.get";
  if (!identity) return notFoundOrForbidden(route, READ_FIC);
  if (!context.authorizer.permits(caller.principalId, READ_FIC, identity.idLower)) {
    return { route, response: authorizationFailed(caller, READ_FIC, identity.resource.id) };
  }
  const apiVersion = queryValue(request.query, "api-version") ?? "";
  const credentials = federatedCredentialsOf(identity).map((credential) =>
    credentialAtVersion(credential, apiVersion),
  );
  if (lower.length === 9) {
    return {
      route,
      response: armPage(context, request, credentials, `fic|${identity.idLower}`, (credential) => credential),
    };
  }
  const credential = credentials.find((candidate) => candidate.name.toLowerCase() === lower[9]);
  if (!credential) {
    return {
      route,
      response: resourceNotFound(
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        `${segments[7]}/${segments[9]}`,
        segments[3],
      ),
    };
  }
  return { route, response: jsonResponse(200, credential) };
}
