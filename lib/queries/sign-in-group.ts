import { entraSignInGroup, isTenantGuid, tenantGuidOf } from "@/lib/access/access-index";
import type { AccessPrincipal } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

/**
 * The tenant's sign-in group as the scan's engine named it (lib/access/access-index.ts): its id is the
 * tenant's GUID, which for a tenant configured by domain is the one its subscriptions report. It is no
 * directory object, so the readers that name principals from `principal` records name it from here.
 */
export async function signInGroupOf(scope: ScanScope): Promise<AccessPrincipal> {
  if (isTenantGuid(scope.tenantId.toLowerCase())) return entraSignInGroup(scope.tenantId);
  const rows = await prisma().$queryRaw<{ tenantId: string | null }[]>(Prisma.sql`
    SELECT data->>'tenantId' AS "tenantId" FROM snapshot_records
    WHERE tenant_id = ${scope.tenantId} AND kind = 'subscription' AND ${asOfCondition(scope.scanId)}
      AND data->>'tenantId' IS NOT NULL
    LIMIT 1`);
  return entraSignInGroup(
    tenantGuidOf(
      scope.tenantId,
      rows.map((row) => row.tenantId),
    ),
  );
}
