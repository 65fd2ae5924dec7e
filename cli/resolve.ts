import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { clustersNamed } from "@/lib/queries/clusters-named";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";
import { CliError } from "./cli-error";

/** A cluster given as its ARM id or its name (unique within the scan, else the ids to choose from). */
export async function resolveCluster(
  scope: ScanScope,
  nameOrId: string,
): Promise<{ id: string; name: string }> {
  const rows = await clustersNamed(scope, nameOrId);
  if (rows.length === 1) return rows[0];
  if (rows.length === 0) throw new CliError(`No cluster "${nameOrId}" in scan ${scope.scanId}.`);
  throw new CliError(
    `"${nameOrId}" names ${rows.length} clusters; give one of their ids:\n${rows.map((r) => `  ${r.id}`).join("\n")}`,
  );
}

/** A principal given as its object id, user principal name or display name. */
export async function resolvePrincipalId(scope: ScanScope, value: string): Promise<string> {
  const wanted = value.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted))
    return wanted.toLowerCase();
  const rows = await prisma().$queryRaw<{ id: string; name: string }[]>(Prisma.sql`
    SELECT natural_key AS id, data->>'displayName' AS name FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND kind = 'principal' AND ${asOfCondition(scope.scanId)}
      AND (lower(data->>'userPrincipalName') = ${wanted.toLowerCase()} OR lower(data->>'displayName') = ${wanted.toLowerCase()})`);
  if (rows.length === 1) return rows[0].id;
  if (rows.length > 1) {
    throw new CliError(
      `"${value}" names ${rows.length} principals; give an object id:\n${rows.map((r) => `  ${r.id}  ${r.name}`).join("\n")}`,
    );
  }
  // Kubernetes subjects (users, groups, service accounts) are not directory objects: pass the name through.
  return wanted;
}
