import type { Queryable } from "@/lib/db/queryable";

/** Names for the ids drift messages mention: clusters, principals and role definitions. */
export type LabelBook = {
  cluster(id: string | null | undefined): { id: string; name: string } | null;
  principalName(id: string): string | null;
  roleName(guid: string): string | null;
  /** the clusters (names, sorted) whose Entra admin groups include this group, at either end of the range */
  adminGroupOf(groupId: string): string[];
};

const CLUSTER_ID =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/|]+)(?:[/|]|$)/;

/** The cluster an ARM id or natural key lies in (`<cluster>`, `<cluster>/namespaces/x/...`, `<cluster>|...`). */
export function clusterIdWithin(key: string): string | null {
  return CLUSTER_ID.exec(key)?.[1] ?? null;
}

export function labelBook(entries: {
  clusters: ReadonlyMap<string, string>;
  principals: ReadonlyMap<string, string>;
  roles: ReadonlyMap<string, string>;
  /** group id → cluster names whose aadProfile.adminGroupObjectIDs list it */
  adminGroups?: ReadonlyMap<string, readonly string[]>;
}): LabelBook {
  return {
    cluster(id) {
      if (!id) return null;
      const name = entries.clusters.get(id) ?? id.slice(id.lastIndexOf("/") + 1);
      return { id, name };
    },
    principalName: (id) => entries.principals.get(id.toLowerCase()) ?? null,
    roleName: (guid) => entries.roles.get(guid.toLowerCase()) ?? null,
    adminGroupOf: (groupId) => [...(entries.adminGroups?.get(groupId.toLowerCase()) ?? [])].sort(),
  };
}

/**
 * Reads the names drift messages need, as of either end of the range (a removed object is named as it was
 * before, an added one as it is now): every cluster of the tenant, and only the principals and role
 * definitions the changed records refer to.
 */
export async function loadLabels(
  db: Queryable,
  input: {
    tenantId: string;
    from: bigint;
    to: bigint;
    principalIds: Iterable<string>;
    roleGuids: Iterable<string>;
  },
): Promise<LabelBook> {
  const { rows } = await db.query<{
    kind: string;
    natural_key: string;
    label: string | null;
    admin_groups: unknown;
  }>(
    `SELECT DISTINCT ON (kind, natural_key) kind, natural_key,
       CASE kind WHEN 'cluster' THEN data->'entra'->'adminGroupIds' END AS admin_groups,
       CASE kind WHEN 'cluster' THEN data->>'name'
                 WHEN 'principal' THEN data->>'displayName'
                 ELSE data->>'roleName' END AS label
     FROM snapshot_records
     WHERE tenant_id = $1
       AND (kind = 'cluster'
            OR (kind = 'principal' AND natural_key = ANY($4::text[]))
            OR (kind = 'roleDefinition' AND data->>'guid' = ANY($5::text[])))
       AND ((valid_from_scan <= $3::bigint AND (valid_to_scan IS NULL OR valid_to_scan > $3::bigint))
            OR (valid_from_scan <= $2::bigint AND (valid_to_scan IS NULL OR valid_to_scan > $2::bigint)))
     ORDER BY kind, natural_key, valid_from_scan DESC`,
    [
      input.tenantId,
      input.from.toString(),
      input.to.toString(),
      [...new Set(input.principalIds)],
      [...new Set(input.roleGuids)],
    ],
  );
  const clusters = new Map<string, string>();
  const principals = new Map<string, string>();
  const roles = new Map<string, string>();
  const adminGroups = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.label) continue;
    if (row.kind === "cluster") {
      clusters.set(row.natural_key, row.label);
      for (const groupId of Array.isArray(row.admin_groups) ? row.admin_groups : []) {
        if (typeof groupId !== "string") continue;
        const names = adminGroups.get(groupId.toLowerCase()) ?? [];
        if (!names.includes(row.label)) names.push(row.label);
        adminGroups.set(groupId.toLowerCase(), names);
      }
    } else if (row.kind === "principal") principals.set(row.natural_key, row.label);
    else roles.set(row.natural_key.slice(row.natural_key.lastIndexOf("/") + 1), row.label);
  }
  return labelBook({ clusters, principals, roles, adminGroups });
}
