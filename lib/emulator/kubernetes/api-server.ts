import type { EmulatorContext } from "@/lib/emulator/context";
import {
  decodePageToken,
  type EmulatorRequest,
  encodePageToken,
  type HandlerResult,
  jsonResponse,
} from "@/lib/emulator/http-kit";
import type { ClusterObjects } from "@/lib/emulator/kubernetes/cluster-objects";
import { impersonationFromHeaders } from "@/lib/emulator/kubernetes/impersonation";
import { parseLabelSelector } from "@/lib/emulator/kubernetes/label-selector";
import {
  azureDataActions,
  type Decision,
  forbiddenMessage,
  isNonResource,
  type KubernetesUser,
  type RequestAttributes,
  type ResourceAttributes,
  rbacDecide,
  rbacRulesFor,
} from "@/lib/emulator/kubernetes/rbac";
import { type ResourceInfo, resourceKey } from "@/lib/emulator/kubernetes/resources";
import { answerReview, type ReviewKind } from "@/lib/emulator/kubernetes/reviews";
import type { ClusterEntry } from "@/lib/emulator/tenant-index";
import { type AccessTokenClaims, AKS_SERVER_APP_ID, bearerToken } from "@/lib/emulator/tokens";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";

export function kubernetesStatus(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return jsonResponse(
    code,
    {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
    headers,
  );
}

const notFound = () =>
  kubernetesStatus(404, "NotFound", "the server could not find the requested resource", {});

export type KubernetesRoute = { route: string; result: HandlerResult };

/** Whether a cluster's API server is down for the emulator (file says unreachable, or a fault says so). */
export function isClusterUnreachable(context: EmulatorContext, cluster: ClusterEntry): boolean {
  if (cluster.data?.reachable === false) return true;
  return context.faults
    .unreachableClusters()
    .some((reference) => context.index.findCluster(reference)?.idLower === cluster.idLower);
}

/**
 * The Kubernetes user name of an Entra caller. AKS's authentication webhook (Guard) takes the
 * token's `upn` claim and only when it has none the `oid` claim, verbatim
 * (kubeguard/guard auth/providers/azure/azure.go: getUserInfo("upn", "oid")): member users by UPN;
 * guests (whose tokens carry no `upn`, see tokens.ts), service principals and managed identities by
 * object id. One name, no alias: a RoleBinding naming a member by object id names nobody
 * (learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id: "same Microsoft Entra tenant, assign
 * permissions based on the userPrincipalName (UPN)"), and 403s say `User "<upn>"`, as in the article.
 */
export function entraUserName(claims: Pick<AccessTokenClaims, "upn" | "oid">): string {
  return claims.upn || claims.oid;
}

async function authenticate(
  context: EmulatorContext,
  cluster: ClusterEntry,
  request: EmulatorRequest,
): Promise<KubernetesUser | undefined> {
  const token = bearerToken(request.headers.authorization);
  if (!token) return undefined;
  if (!cluster.localAccountsDisabled) {
    // Local accounts: the admin kubeconfig, and the user kubeconfig of clusters without Entra
    // integration, both map to system:masters (AKS issues them client certificates in that group).
    if (token === context.kubernetes.staticToken(cluster, "admin")) {
      return { name: "clusterAdmin", groups: ["system:masters", "system:authenticated"] };
    }
    if (
      !cluster.managedAad &&
      !cluster.legacyAad &&
      token === context.kubernetes.staticToken(cluster, "user")
    ) {
      return { name: "clusterUser", groups: ["system:masters", "system:authenticated"] };
    }
  }
  if (!cluster.managedAad && !cluster.legacyAad) return undefined;
  const audiences = cluster.legacyAad && cluster.serverAppId ? [cluster.serverAppId] : [AKS_SERVER_APP_ID];
  const verified = await context.tokens.verify(token, audiences);
  if (!verified.ok) return undefined;
  const { oid } = verified.claims;
  return {
    name: entraUserName(verified.claims),
    groups: [...context.index.transitiveGroupsOf(oid), "system:authenticated"],
    entraObjectId: oid,
  };
}

const AZURE_RBAC_DENIED =
  "User does not have access to the resource in Azure. Update role assignment to allow access.";

/**
 * The cluster's authorizer chain: system:masters and Kubernetes RBAC, then — for Entra users on
 * clusters with Azure RBAC for Kubernetes — the guard webhook's data actions. Namespaced requests
 * are checked at <cluster>/namespaces/<ns>, whose ancestors include the cluster and everything above.
 */
export function authorizeRequest(
  context: EmulatorContext,
  cluster: ClusterEntry,
  objects: ClusterObjects,
  user: KubernetesUser,
  attributes: RequestAttributes,
): Decision {
  const decision = rbacDecide(objects, user, attributes);
  if (decision.allowed || !cluster.azureRbac || !user.entraObjectId || isNonResource(attributes))
    return decision;
  const scope = attributes.namespace ? `${cluster.id}/namespaces/${attributes.namespace}` : cluster.id;
  const allowed = azureDataActions(attributes).some((action) =>
    context.authorizer.permits(user.entraObjectId as string, action, scope, "dataAction"),
  );
  return allowed ? { allowed: true, reason: "" } : { allowed: false, reason: AZURE_RBAC_DENIED };
}

function forbidden(user: KubernetesUser, attributes: ResourceAttributes, reason: string) {
  return kubernetesStatus(403, "Forbidden", forbiddenMessage(user, attributes, reason), {
    ...(attributes.name !== undefined ? { name: attributes.name } : {}),
    group: attributes.group,
    kind: attributes.resource,
  });
}

const REVIEW_KINDS: Record<string, ReviewKind> = {
  "authorization.k8s.io/selfsubjectaccessreviews": "SelfSubjectAccessReview",
  "authorization.k8s.io/selfsubjectrulesreviews": "SelfSubjectRulesReview",
  "authorization.k8s.io/subjectaccessreviews": "SubjectAccessReview",
  "authorization.k8s.io/localsubjectaccessreviews": "LocalSubjectAccessReview",
  "authentication.k8s.io/selfsubjectreviews": "SelfSubjectReview",
};

function groupVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

function apiResourceList(objects: ClusterObjects, group: string, version: string) {
  const resources = [...objects.resources.values()]
    .filter((info) => info.group === group && info.version === version)
    .map((info) => ({
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs ?? ["get", "list"],
      ...(info.shortNames ? { shortNames: info.shortNames } : {}),
    }));
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function apiGroups(objects: ClusterObjects) {
  const versionsByGroup = new Map<string, Set<string>>();
  for (const info of objects.resources.values()) {
    if (!info.group) continue;
    const versions = versionsByGroup.get(info.group) ?? new Set<string>();
    versions.add(info.version);
    versionsByGroup.set(info.group, versions);
  }
  return [...versionsByGroup.entries()].map(([name, versions]) => {
    const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions: list, preferredVersion: list[0] };
  });
}

function fieldSelectorFilter(selector: string | null): ((object: KubernetesObject) => boolean) | string {
  if (!selector) return () => true;
  const terms = selector
    .split(",")
    .map((term) => term.trim())
    .filter(Boolean);
  const checks: ((object: KubernetesObject) => boolean)[] = [];
  for (const term of terms) {
    const match = /^(metadata\.name|metadata\.namespace)(!=|==|=)(.*)$/.exec(term);
    if (!match) return `field label not supported: ${term.split(/[!=]/)[0]}`;
    const [, field, operator, value] = match;
    const read = (object: KubernetesObject) =>
      field === "metadata.name" ? object.metadata.name : (object.metadata.namespace ?? "");
    checks.push(operator === "!=" ? (object) => read(object) !== value : (object) => read(object) === value);
  }
  return (object) => checks.every((check) => check(object));
}

/**
 * One emulated AKS API server, mounted at /k8s/<cluster key>/: discovery (legacy, which kubectl
 * falls back to), version, and read-only get/list with limit/continue paging, authenticated and
 * authorized as AKS does.
 */
export async function handleKubernetes(
  context: EmulatorContext,
  request: EmulatorRequest,
  cluster: ClusterEntry,
  rest: string[],
): Promise<KubernetesRoute> {
  if (isClusterUnreachable(context, cluster))
    return { route: "unreachable", result: { resetConnection: true } };
  const authenticated = await authenticate(context, cluster, request);
  if (!authenticated) {
    return { route: "unauthorized", result: kubernetesStatus(401, "Unauthorized", "Unauthorized") };
  }
  const objects = context.kubernetes.objectsFor(cluster);
  let user = authenticated;
  const impersonation = impersonationFromHeaders(request);
  if (typeof impersonation === "string") {
    // The API server answers this with a 500; a 400 says what is wrong without looking like a fault.
    return { route: "impersonation", result: kubernetesStatus(400, "BadRequest", impersonation) };
  }
  if (impersonation) {
    for (const check of impersonation.checks) {
      const decision = authorizeRequest(context, cluster, objects, authenticated, check);
      if (!decision.allowed) {
        return { route: "impersonation", result: forbidden(authenticated, check, decision.reason) };
      }
    }
    user = impersonation.user;
  }
  const writes = request.method === "POST";
  if (request.method !== "GET" && !writes) {
    return {
      route: "method-not-allowed",
      result: kubernetesStatus(
        405,
        "MethodNotAllowed",
        `the emulated API server is read-only: ${request.method} is not supported`,
      ),
    };
  }
  const [first, second, third, ...tail] = rest;
  if (rest.length === 0 || (first === "version" && rest.length === 1)) {
    const version = String(
      (cluster.resource.properties as Record<string, unknown> | undefined)?.kubernetesVersion ?? "1.31.0",
    );
    const [major, minor] = version.split(".");
    return {
      route: "version",
      result: jsonResponse(200, {
        major: major ?? "1",
        minor: minor ?? "31",
        gitVersion: `v${version.split(".").length === 2 ? `${version}.0` : version}`,
        gitCommit: "emulated",
        gitTreeState: "clean",
        buildDate: "2026-01-01T00:00:00Z",
        goVersion: "go1.24.0",
        compiler: "gc",
        platform: "linux/amd64",
      }),
    };
  }
  if (first === "api" && rest.length === 1) {
    const host = new URL(context.origin).host;
    return {
      route: "discovery",
      result: jsonResponse(200, {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: host }],
      }),
    };
  }
  if (first === "apis" && rest.length === 1) {
    return {
      route: "discovery",
      result: jsonResponse(200, { kind: "APIGroupList", apiVersion: "v1", groups: apiGroups(objects) }),
    };
  }
  if (first === "api" && second === "v1" && rest.length === 2) {
    return { route: "discovery", result: jsonResponse(200, apiResourceList(objects, "", "v1")) };
  }
  if (first === "apis" && rest.length === 2) {
    const group = apiGroups(objects).find((candidate) => candidate.name === second);
    if (!group) return { route: "not-found", result: notFound() };
    return {
      route: "discovery",
      result: jsonResponse(200, { kind: "APIGroup", apiVersion: "v1", ...group }),
    };
  }
  if (first === "apis" && rest.length === 3) {
    const list = apiResourceList(objects, second, third);
    if (list.resources.length === 0) return { route: "not-found", result: notFound() };
    return { route: "discovery", result: jsonResponse(200, list) };
  }
  let group: string;
  let version: string;
  let path: string[];
  if (first === "api" && second === "v1") {
    group = "";
    version = "v1";
    path = rest.slice(2);
  } else if (first === "apis" && second && third) {
    group = second;
    version = third;
    path = tail;
  } else {
    return { route: "not-found", result: notFound() };
  }
  let namespace: string | undefined;
  if (path[0] === "namespaces" && path.length >= 3) {
    namespace = path[1];
    path = path.slice(2);
  }
  const [plural, name, subresource] = path;
  const info = objects.resources.get(resourceKey(group, version, plural ?? ""));
  if (!info || subresource !== undefined || (namespace !== undefined && !info.namespaced)) {
    return { route: "not-found", result: notFound() };
  }
  const reviewKind = REVIEW_KINDS[`${group}/${plural}`];
  if (reviewKind || writes) {
    if (!reviewKind || !writes || name !== undefined || (info.namespaced && namespace === undefined)) {
      return {
        route: "method-not-allowed",
        result: kubernetesStatus(
          405,
          "MethodNotAllowed",
          reviewKind
            ? "the server does not allow this method on the requested resource"
            : `the emulated API server is read-only: ${request.method} is not supported`,
        ),
      };
    }
    return {
      route: `create ${groupVersionOf(info)}/${plural}`,
      result: createReview(context, cluster, objects, user, reviewKind, info, namespace, request),
    };
  }
  if (name !== undefined && info.namespaced && namespace === undefined) {
    return { route: "not-found", result: notFound() };
  }
  const attributes: ResourceAttributes = {
    verb: name === undefined ? "list" : "get",
    group,
    resource: plural,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
  const route = `${name === undefined ? "list" : "get"} ${groupVersionOf(info)}/${plural}${namespace !== undefined ? " (namespaced)" : ""}`;
  const decision = authorizeRequest(context, cluster, objects, user, attributes);
  if (!decision.allowed) return { route, result: forbidden(user, attributes, decision.reason) };
  const key = resourceKey(group, version, plural);
  if (name !== undefined) {
    const object = objects.get(key, namespace, name);
    if (!object) {
      const qualified = group ? `${plural}.${group}` : plural;
      return {
        route,
        result: kubernetesStatus(404, "NotFound", `${qualified} "${name}" not found`, {
          name,
          group,
          kind: plural,
        }),
      };
    }
    return { route, result: jsonResponse(200, object) };
  }
  return { route, result: listResponse(context, objects, info, key, namespace, request.query) };
}

function listResponse(
  context: EmulatorContext,
  objects: ClusterObjects,
  info: ResourceInfo,
  key: string,
  namespace: string | undefined,
  query: URLSearchParams,
) {
  const fieldFilter = fieldSelectorFilter(query.get("fieldSelector"));
  if (typeof fieldFilter === "string") return kubernetesStatus(400, "BadRequest", fieldFilter);
  const labelSelector = query.get("labelSelector");
  const parsedLabels = parseLabelSelector(labelSelector ?? "");
  if (!parsedLabels.ok) return kubernetesStatus(400, "BadRequest", parsedLabels.message);
  let items = objects.list(key, namespace);
  if (labelSelector || query.get("fieldSelector")) {
    items = items.filter(
      (object) => parsedLabels.matches(object.metadata.labels ?? {}) && fieldFilter(object),
    );
  }
  const fingerprint = `${key}|${namespace ?? ""}|${labelSelector ?? ""}|${query.get("fieldSelector") ?? ""}|${objects.resourceVersion}`;
  const offset = decodePageToken(query.get("continue") ?? undefined, fingerprint);
  if (offset === "invalid") {
    return kubernetesStatus(
      410,
      "Expired",
      "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
    );
  }
  const start = offset ?? 0;
  const limitText = query.get("limit");
  const requested = limitText ? Number.parseInt(limitText, 10) : 0;
  // Without `limit` the API server returns everything; with it, the emulator may return fewer (as
  // Kubernetes is allowed to), so small emulator page sizes exercise paging.
  const pageSize = requested > 0 ? Math.min(requested, context.pageSize) : items.length;
  const page = items.slice(start, start + pageSize);
  const next = start + page.length;
  const metadata: Record<string, unknown> = { resourceVersion: objects.resourceVersion };
  if (next < items.length) {
    metadata.continue = encodePageToken(next, fingerprint);
    metadata.remainingItemCount = items.length - next;
  }
  return jsonResponse(200, {
    kind: `${info.kind}List`,
    apiVersion: groupVersionOf(info),
    metadata,
    items: page,
  });
}

/**
 * POST of an authorization.k8s.io review (or authentication.k8s.io SelfSubjectReview): creating it
 * is itself authorized (system:basic-user grants the self reviews to everyone authenticated), then
 * answered by the same authorizer chain that guards every other request.
 */
function createReview(
  context: EmulatorContext,
  cluster: ClusterEntry,
  objects: ClusterObjects,
  user: KubernetesUser,
  kind: ReviewKind,
  info: ResourceInfo,
  namespace: string | undefined,
  request: EmulatorRequest,
) {
  const attributes: ResourceAttributes = {
    verb: "create",
    group: info.group,
    resource: info.plural,
    ...(namespace !== undefined ? { namespace } : {}),
  };
  const decision = authorizeRequest(context, cluster, objects, user, attributes);
  if (!decision.allowed) return forbidden(user, attributes, decision.reason);
  return answerReview(kind, request.body, {
    caller: user,
    ...(namespace !== undefined ? { urlNamespace: namespace } : {}),
    decide: (subject, requested) => authorizeRequest(context, cluster, objects, subject, requested),
    rulesFor: (subject, ruleNamespace) => {
      const rules = rbacRulesFor(objects, subject, ruleNamespace);
      // The guard webhook cannot list rules: the union authorizer reports the webhook's error and
      // marks the answer incomplete (k8s.io/apiserver/plugin/pkg/authorizer/webhook RulesFor).
      const webhook = cluster.azureRbac && !!subject.entraObjectId;
      return {
        ...rules,
        incomplete: webhook,
        ...(webhook ? { evaluationError: "webhook authorizer does not support user rule resolution" } : {}),
      };
    },
  });
}
