import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

/**
 * The clusters of a scan that a user's word names: its ARM id or its name, either case-insensitive.
 * Names repeat across resource groups, so there may be several; each caller says so in its own words
 * (the API a 400 with the ids, the CLI the ids one a line).
 */
export function clustersNamed(scope: ScanScope, nameOrId: string): Promise<{ id: string; name: string }[]> {
  const wanted = nameOrId.trim().toLowerCase();
  return prisma().$queryRaw<{ id: string; name: string }[]>(Prisma.sql`
    SELECT natural_key AS id, data->>'name' AS name FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND kind = 'cluster' AND ${asOfCondition(scope.scanId)}
      AND (natural_key = ${wanted} OR lower(data->>'name') = ${wanted})`);
}
