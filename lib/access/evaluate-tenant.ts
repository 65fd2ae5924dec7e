import { type AccessIndex, buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, DEFAULT_MAX_HOPS, withAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import type { AccessPrincipal, ClusterAccess, Escalation, Grant } from "@/lib/access/types";
import type { TenantModel } from "@/lib/model/tenant-model";

/** `attackPaths: false` = the one-step engine alone; otherwise attack paths of at most `maxHops` are added. */
export type TenantAccessOptions = { attackPaths?: false | { maxHops?: number } };

/**
 * Access cluster by cluster, one at a time: a caller that writes each result away (records, a
 * stream) holds one cluster's output in memory, not the tenant's. Each cluster's access includes
 * its attack paths (escalations with route `attack-path`), as a scan stores it.
 */
export function* iterateTenantAccess(
  model: TenantModel,
  index: AccessIndex = buildAccessIndex(model),
  options: TenantAccessOptions = {},
): Generator<ClusterAccess> {
  const search =
    options.attackPaths === false
      ? null
      : new AttackPathSearch(index, options.attackPaths?.maxHops ?? DEFAULT_MAX_HOPS);
  for (const cluster of model.clusters) {
    const access = evaluateClusterAccess(model, cluster.id, index);
    yield search ? withAttackPaths(access, search.forCluster(access)) : access;
  }
}

/** Access on every cluster of the tenant (attack paths included), in the model's cluster order. */
export function evaluateTenantAccess(
  model: TenantModel,
  index: AccessIndex = buildAccessIndex(model),
  options: TenantAccessOptions = {},
): ClusterAccess[] {
  return [...iterateTenantAccess(model, index, options)];
}

export type PrincipalClusterAccess = {
  cluster: { id: string; name: string };
  grants: Grant[];
  escalations: Escalation[];
};

export type WhoCanResult = {
  /** null when the principal has access nowhere (or is unknown) */
  principal: AccessPrincipal | null;
  clusters: PrincipalClusterAccess[];
};

/**
 * Everything one principal can do, cluster by cluster. Accepts a directory object id, a user
 * principal name, or an access principal id (`k8s-user:...`, `system:serviceaccount:...`).
 */
export function whoCan(
  model: TenantModel,
  principalIdOrUpn: string,
  options: { index?: AccessIndex; access?: readonly ClusterAccess[] } = {},
): WhoCanResult {
  const index = options.index ?? buildAccessIndex(model);
  const wanted = principalIdOrUpn.trim();
  const id =
    index.principalsByUpn.get(wanted.toLowerCase())?.id ??
    (index.principalsById.has(wanted.toLowerCase()) ? wanted.toLowerCase() : wanted);
  const access = options.access ?? evaluateTenantAccess(model, index);
  let principal: AccessPrincipal | null = null;
  const clusters: PrincipalClusterAccess[] = [];
  for (const clusterAccess of access) {
    const entry = clusterAccess.principals.find((candidate) => candidate.principal.id === id);
    if (!entry) continue;
    principal = entry.principal;
    clusters.push({ cluster: clusterAccess.cluster, grants: entry.grants, escalations: entry.escalations });
  }
  return { principal, clusters };
}
