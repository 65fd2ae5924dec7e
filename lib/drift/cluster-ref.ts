import type { Queryable } from "@/lib/db/queryable";
import { normalizeArmId } from "@/lib/model/ids";
import { clusterIdFromSlug } from "@/lib/queries/cluster-slug";
import { DriftInputError, DriftNotFoundError, type DriftRange } from "./scan-range";

export type ClusterRef = { id: string; name: string };

/**
 * The cluster a user named — by ARM id, by page slug, or by name (case-insensitive) — among the clusters of
 * the tenant at either end of the range, so a cluster deleted in `to` can still be asked about.
 */
export async function resolveDriftCluster(
  db: Queryable,
  range: DriftRange,
  ref: string,
): Promise<ClusterRef> {
  const scans = [range.to.id, range.from?.id ?? range.to.id].map((id) => id.toString());
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT DISTINCT ON (natural_key) natural_key AS id, data->>'name' AS name
     FROM snapshot_records
     WHERE tenant_id = $1 AND kind = 'cluster'
       AND ((valid_from_scan <= $2::bigint AND (valid_to_scan IS NULL OR valid_to_scan > $2::bigint))
            OR (valid_from_scan <= $3::bigint AND (valid_to_scan IS NULL OR valid_to_scan > $3::bigint)))
     ORDER BY natural_key, valid_from_scan DESC`,
    [range.tenantId, ...scans],
  );
  const wanted = ref.trim();
  if (!wanted) throw new DriftInputError("invalid_cluster", "cluster must not be empty.");
  const asId = wanted.startsWith("/") ? normalizeArmId(wanted) : (clusterIdFromSlug(wanted) ?? "");
  const byId = rows.find((row) => row.id === asId);
  if (byId) return byId;
  const byName = rows.filter((row) => row.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new DriftInputError(
      "ambiguous_cluster",
      `More than one cluster is named ${wanted}; name it by id: ${byName.map((row) => row.id).join(", ")}.`,
    );
  }
  throw new DriftNotFoundError(
    "cluster_not_found",
    `No cluster ${wanted} in scan ${[...new Set(scans)].join(" or ")} of tenant ${range.tenantId}.`,
  );
}
