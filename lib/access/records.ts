import { z } from "zod";
import {
  accessPrincipalSchema,
  type ClusterAccess,
  escalationSchema,
  grantSchema,
  type PathStep,
  pathStepSchema,
} from "@/lib/access/types";
import type { SnapshotRecordInput } from "@/lib/model/records";
import { ANALYSIS_SOURCE } from "@/lib/model/sources";
import { pathKey } from "./path-key";

// Access as snapshot records, so "Penny gained cluster-admin on aks-2" is drift like any other.
// One record per (cluster, principal, level or target, namespace, route); its paths are all the
// explanations of that grant, sorted, so the content hash changes only when the access does.

// The stored format of access records, defined once: the writer below produces it, and every reader
// (lib/queries, lib/drift) validates stored rows against these schemas — rows may have been written
// by an earlier version of the product.
const clusterRefSchema = z.object({ id: z.string(), name: z.string() });

// A stored grant is the engine's Grant (lib/access/types.ts) with its cluster and principal, and
// every path that explains it instead of one; an escalation likewise. Field order is kept as stored.
const { path: _grantPath, ...grantFields } = grantSchema.shape;
export const accessGrantDataSchema = z.object({
  cluster: clusterRefSchema,
  principal: accessPrincipalSchema,
  ...grantFields,
  paths: z.array(z.array(pathStepSchema)),
});
export type AccessGrantData = z.infer<typeof accessGrantDataSchema>;

const { to, route, path: _escalationPath, ...escalationExtras } = escalationSchema.shape;
export const accessEscalationDataSchema = z.object({
  cluster: clusterRefSchema,
  principal: accessPrincipalSchema,
  to,
  route,
  paths: z.array(z.array(pathStepSchema)),
  ...escalationExtras,
});
export type AccessEscalationData = z.infer<typeof accessEscalationDataSchema>;

/** What the writer produces: a grant's `eligible` is present only as `true` (absent = standing). */
export type AccessGrantRecordData = Omit<AccessGrantData, "eligible"> & { eligible?: true };
export type AccessEscalationRecordData = AccessEscalationData;

/**
 * Sorts a row's paths by pathKey, in the order `pathKey(a).localeCompare(pathKey(b))` gives (a collator with the
 * default locale and options is what localeCompare uses; the sort is stable either way): each key is built once
 * instead of twice per comparison. The order is part of the stored document and its content hash.
 */
const pathCollator = new Intl.Collator();
function sortPaths(paths: PathStep[][]): void {
  if (paths.length < 2) return;
  const keyed = paths.map((path) => ({ path, key: pathKey(path) }));
  keyed.sort((a, b) => pathCollator.compare(a.key, b.key));
  for (let i = 0; i < keyed.length; i++) paths[i] = keyed[i].path;
}

/**
 * An escalation's key has no namespace (the namespace slot is `*`), except the route listed beside a
 * shortest attack path (`alternative`): `<cluster>|<principal>|cluster-admin|alternative|attack-path`, so
 * both are records of their own and every reader of `…|attack-path` rows reads both.
 */
export const ALTERNATIVE_ROUTE_SLOT = "alternative";

export function accessGrantKey(
  clusterId: string,
  principalId: string,
  levelOrTarget: string,
  namespace: string | null,
  route: string,
): string {
  return `${clusterId}|${principalId}|${levelOrTarget}|${namespace ?? "*"}|${route}`;
}

export function accessToRecords(access: readonly ClusterAccess[]): SnapshotRecordInput[] {
  const grants = new Map<string, AccessGrantRecordData>();
  const escalations = new Map<string, AccessEscalationRecordData>();
  for (const { cluster, principals } of access) {
    for (const { principal, grants: principalGrants, escalations: principalEscalations } of principals) {
      for (const grant of principalGrants) {
        const key = accessGrantKey(cluster.id, principal.id, grant.level, grant.namespace, grant.route);
        const existing = grants.get(key);
        if (existing) {
          existing.paths.push(grant.path);
          existing.conditional = existing.conditional && grant.conditional;
          // The grant holds without activation, or for good, as soon as one path does.
          if (!grant.eligible) delete existing.eligible;
          if (!grant.expires) delete existing.expires;
          else if (existing.expires && grant.expires > existing.expires) existing.expires = grant.expires;
        } else {
          grants.set(key, {
            cluster,
            principal,
            level: grant.level,
            namespace: grant.namespace,
            route: grant.route,
            conditional: grant.conditional,
            ...(grant.eligible ? { eligible: true as const } : {}),
            ...(grant.expires ? { expires: grant.expires } : {}),
            paths: [grant.path],
          });
        }
      }
      for (const escalation of principalEscalations) {
        const key = accessGrantKey(
          cluster.id,
          principal.id,
          escalation.to,
          escalation.alternative ? ALTERNATIVE_ROUTE_SLOT : null,
          escalation.route,
        );
        const existing = escalations.get(key);
        if (existing) existing.paths.push(escalation.path);
        else
          escalations.set(key, {
            cluster,
            principal,
            to: escalation.to,
            route: escalation.route,
            paths: [escalation.path],
            // Attack paths carry their length; one-step escalations keep their original shape.
            ...(escalation.hops === undefined
              ? {}
              : {
                  hops: escalation.hops,
                  conditional: escalation.conditional ?? false,
                  namespace: escalation.namespace ?? null,
                }),
            ...(escalation.alternative ? { alternative: true } : {}),
          });
      }
    }
  }
  const records: SnapshotRecordInput[] = [];
  for (const [naturalKey, data] of grants) {
    sortPaths(data.paths);
    records.push({
      kind: "access.grant",
      naturalKey,
      source: ANALYSIS_SOURCE,
      clusterId: data.cluster.id,
      data,
    });
  }
  for (const [naturalKey, data] of escalations) {
    sortPaths(data.paths);
    records.push({
      kind: "access.escalation",
      naturalKey,
      source: ANALYSIS_SOURCE,
      clusterId: data.cluster.id,
      data,
    });
  }
  return records;
}
