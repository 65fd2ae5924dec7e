import type { ArmRequest, ArmResult } from "@/lib/emulator/arm/arm-request";
import { wireResource } from "@/lib/emulator/arm/arm-request";
import { armError, authorizationFailed, resourceNotFound } from "@/lib/emulator/arm/common";
import { buildKubeconfig, userCredentialUser } from "@/lib/emulator/arm/kubeconfig";
import { listResources, type ResourceCollection } from "@/lib/emulator/arm/list-resources";
import { jsonResponse, queryValue } from "@/lib/emulator/http-kit";

const TYPE = "microsoft.containerservice/managedclusters";
const READ = "Microsoft.ContainerService/managedClusters/read";
const LIST_USER_CREDENTIAL = "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action";
const LIST_ADMIN_CREDENTIAL = "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action";

export const LOCAL_ACCOUNTS_DISABLED_MESSAGE =
  "Getting static credential is not allowed because this cluster is set to disable local accounts.";

/**
 * A managed cluster as AKS returns it. AKS always answers with `properties.servicePrincipalProfile`
 * (REST spec, containerservice/.../aks/stable/2024-09-01/examples/ManagedClustersGet.json and
 * ManagedClustersList.json); a cluster that runs on a managed identity shows the placeholder
 * `{"clientId": "msi"}` there (azure-cli acs/custom.py tests `service_principal_profile.client_id == "msi"`;
 * `az aks list`/`show` dereference the profile and crash without it). Tenant files may leave it out.
 */
export function wireCluster(resource: Record<string, unknown>): Record<string, unknown> {
  const body = wireResource(resource);
  const properties = body.properties;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) return body;
  if ("servicePrincipalProfile" in properties) return body;
  const identity = body.identity;
  const identityType =
    typeof identity === "object" && identity !== null && "type" in identity ? String(identity.type) : "";
  if (!/assigned/i.test(identityType)) return body;
  return { ...body, properties: { ...properties, servicePrincipalProfile: { clientId: "msi" } } };
}

const CLUSTERS: ResourceCollection = {
  type: TYPE,
  readAction: READ,
  cacheTag: "clusters",
  routes: { bySubscription: "managedClusters.list", byResourceGroup: "managedClusters.listByResourceGroup" },
  wire: wireCluster,
};

/** Managed clusters: list, list by group, get, and the credential actions with AKS's own errors. */
export function handleManagedClusters(arm: ArmRequest): ArmResult | undefined {
  const { lower, segments, request, context, caller } = arm;
  // /subscriptions/{s}/providers/Microsoft.ContainerService/managedClusters
  if (lower.length === 5 && lower[2] === "providers" && `${lower[3]}/${lower[4]}` === TYPE) {
    if (request.method !== "GET") return undefined;
    return listResources(arm, CLUSTERS, segments[1]);
  }
  // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters[/{name}[/{action}]]
  if (
    lower.length < 7 ||
    lower[2] !== "resourcegroups" ||
    lower[4] !== "providers" ||
    `${lower[5]}/${lower[6]}` !== TYPE
  ) {
    return undefined;
  }
  const subscriptionId = segments[1];
  const resourceGroup = segments[3];
  if (lower.length === 7) {
    if (request.method !== "GET") return undefined;
    return listResources(arm, CLUSTERS, subscriptionId, resourceGroup);
  }
  const name = segments[7];
  const clusterId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
  const cluster = context.index.clusters.get(clusterId.toLowerCase());
  const resourceGroupScope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  const missing = (route: string, action: string): ArmResult =>
    context.authorizer.permits(caller.principalId, action, resourceGroupScope)
      ? {
          route,
          response: resourceNotFound("Microsoft.ContainerService/managedClusters", name, resourceGroup),
        }
      : { route, response: authorizationFailed(caller, action, clusterId) };

  if (lower.length === 8) {
    if (request.method !== "GET") return undefined;
    if (!cluster) return missing("managedClusters.get", READ);
    if (!context.authorizer.permits(caller.principalId, READ, cluster.idLower)) {
      return { route: "managedClusters.get", response: authorizationFailed(caller, READ, cluster.id) };
    }
    return { route: "managedClusters.get", response: jsonResponse(200, wireCluster(cluster.resource)) };
  }
  if (lower.length !== 9 || request.method !== "POST") return undefined;
  const operation = lower[8];
  if (operation === "listclusterusercredential") {
    const route = "managedClusters.listClusterUserCredential";
    if (!cluster) return missing(route, LIST_USER_CREDENTIAL);
    if (!context.authorizer.permits(caller.principalId, LIST_USER_CREDENTIAL, cluster.idLower)) {
      return { route, response: authorizationFailed(caller, LIST_USER_CREDENTIAL, cluster.id) };
    }
    const kubeconfig = buildKubeconfig({
      cluster,
      server: `${context.origin}/k8s/${cluster.key}`,
      caPem: context.caPem,
      credential: "clusterUser",
      user: userCredentialUser(
        cluster,
        context.tenantId,
        queryValue(request.query, "format"),
        context.kubernetes.staticToken(cluster, "user"),
      ),
    });
    return {
      route,
      response: jsonResponse(200, {
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }],
      }),
    };
  }
  if (operation === "listclusteradmincredential") {
    const route = "managedClusters.listClusterAdminCredential";
    if (!cluster) return missing(route, LIST_ADMIN_CREDENTIAL);
    // ARM authorizes before the resource provider sees the request, so 403 comes before AKS's 400.
    if (!context.authorizer.permits(caller.principalId, LIST_ADMIN_CREDENTIAL, cluster.idLower)) {
      return { route, response: authorizationFailed(caller, LIST_ADMIN_CREDENTIAL, cluster.id) };
    }
    if (cluster.localAccountsDisabled) {
      // The AKS resource provider answers without ARM's {"error":...} wrapper; SDKs read both.
      return {
        route,
        response: jsonResponse(400, { code: "BadRequest", message: LOCAL_ACCOUNTS_DISABLED_MESSAGE }),
      };
    }
    const kubeconfig = buildKubeconfig({
      cluster,
      server: `${context.origin}/k8s/${cluster.key}`,
      caPem: context.caPem,
      credential: "clusterAdmin",
      user: { kind: "token", token: context.kubernetes.staticToken(cluster, "admin") },
    });
    return {
      route,
      response: jsonResponse(200, {
        kubeconfigs: [{ name: "clusterAdmin", value: Buffer.from(kubeconfig).toString("base64") }],
      }),
    };
  }
  return {
    route: `managedClusters.${operation}`,
    response: armError(400, "NotSupported", `The emulator does not implement the '${segments[8]}' action.`),
  };
}
