import type { EmulatorRequest } from "@/lib/emulator/http-kit";
import type { KubernetesUser, ResourceAttributes } from "@/lib/emulator/kubernetes/rbac";

// The API server's impersonation filter (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
// each requested identity part is authorized as the *caller* with verb `impersonate` — users,
// groups and serviceaccounts in the core group, uids and userextras (subresource = the extra key)
// in authentication.k8s.io — and the request then runs as the impersonated user. A non-anonymous
// impersonated user gains `system:authenticated` unless it or `system:unauthenticated` was asked
// for; a service account without explicit groups gets its fixed groups.

export type ImpersonationRequest = {
  /** What the caller must be allowed, in the order the filter checks them. */
  checks: ResourceAttributes[];
  user: KubernetesUser;
};

function headerValues(request: EmulatorRequest, name: string): string[] {
  const distinct = request.headersDistinct?.[name];
  if (distinct) return distinct;
  const joined = request.headers[name];
  if (joined === undefined) return [];
  return Array.isArray(joined) ? joined : [joined];
}

/** undefined when the request impersonates no one; a string when the headers are inconsistent. */
export function impersonationFromHeaders(
  request: EmulatorRequest,
): ImpersonationRequest | string | undefined {
  const requestedUser = headerValues(request, "impersonate-user")[0] ?? "";
  const groups = headerValues(request, "impersonate-group");
  const uid = headerValues(request, "impersonate-uid")[0] ?? "";
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(request.headersDistinct ?? request.headers)) {
    if (!header.startsWith("impersonate-extra-")) continue;
    // Extra keys travel percent-encoded in header names and are lower-cased (unescapeExtraKey).
    let key = header.slice("impersonate-extra-".length).toLowerCase();
    try {
      key = decodeURIComponent(key);
    } catch {
      // keep the raw key, as the API server does when unescaping fails
    }
    extra[key] = [...(extra[key] ?? []), ...headerValues(request, header)];
  }
  const hasExtra = Object.keys(extra).length > 0;
  if (!requestedUser && !groups.length && !uid && !hasExtra) return undefined;
  if (!requestedUser) {
    return "requested impersonation of groups, a uid or user extras without impersonating a user";
  }

  const checks: ResourceAttributes[] = [];
  let userGroups = [...groups];
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(requestedUser);
  if (serviceAccount) {
    checks.push({
      verb: "impersonate",
      group: "",
      resource: "serviceaccounts",
      namespace: serviceAccount[1],
      name: serviceAccount[2],
    });
    if (groups.length === 0) {
      userGroups = ["system:serviceaccounts", `system:serviceaccounts:${serviceAccount[1]}`];
    }
  } else {
    checks.push({ verb: "impersonate", group: "", resource: "users", name: requestedUser });
  }
  for (const group of groups)
    checks.push({ verb: "impersonate", group: "", resource: "groups", name: group });
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) {
      checks.push({
        verb: "impersonate",
        group: "authentication.k8s.io",
        resource: "userextras",
        subresource: key,
        name: value,
      });
    }
  }
  if (uid) checks.push({ verb: "impersonate", group: "authentication.k8s.io", resource: "uids", name: uid });

  if (requestedUser !== "system:anonymous") {
    if (!userGroups.includes("system:authenticated") && !userGroups.includes("system:unauthenticated")) {
      userGroups.push("system:authenticated");
    }
  } else if (!userGroups.includes("system:unauthenticated")) {
    userGroups.push("system:unauthenticated");
  }
  return {
    checks,
    user: {
      name: requestedUser,
      groups: userGroups,
      ...(uid ? { uid } : {}),
      ...(hasExtra ? { extra } : {}),
    },
  };
}
