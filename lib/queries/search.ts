import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { safeText } from "@/lib/http/safe-text";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { asOfCondition } from "@/lib/queries/snapshot";

// The header search (GET /api/search?q=): clusters, principals and managed identities whose name
// (or UPN, client id) contains the text, a few of each, each with the page to open.

export const searchParamsSchema = z.object({
  q: safeText().trim().min(1, "q must not be empty").max(200, "q is at most 200 characters"),
});

export const SEARCH_LIMIT_PER_TYPE = 6;

export type SearchHit = {
  type: "cluster" | "principal" | "identity";
  id: string;
  label: string;
  detail: string;
  href: string;
};

type Row = { kind: string; id: string; label: string; detail: string | null };

export async function search(scope: ScanScope, q: string): Promise<{ q: string; hits: SearchHit[] }> {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const tenant = Prisma.sql`tenant_id = ${scope.tenantId} AND ${asOfCondition(scope.scanId)}`;
  const byKind = (
    kind: string,
    label: Prisma.Sql,
    detail: Prisma.Sql,
    extra: Prisma.Sql = Prisma.sql`FALSE`,
  ) =>
    Prisma.sql`(SELECT kind, natural_key AS id, ${label} AS label, ${detail} AS detail FROM snapshot_records
       WHERE ${tenant} AND kind = ${kind} AND (${label} ILIKE ${pattern} OR ${extra})
       ORDER BY (${label} ILIKE ${prefix}) DESC, length(${label}), ${label} LIMIT ${SEARCH_LIMIT_PER_TYPE})`;
  const rows = await prisma().$queryRaw<Row[]>(Prisma.sql`
    ${byKind("cluster", Prisma.sql`data->>'name'`, Prisma.sql`data->>'resourceGroup'`)}
    UNION ALL
    ${byKind(
      "principal",
      Prisma.sql`data->>'displayName'`,
      Prisma.sql`coalesce(data->>'userPrincipalName', data->>'kind')`,
      Prisma.sql`data->>'userPrincipalName' ILIKE ${pattern} OR natural_key = ${q.toLowerCase()}`,
    )}
    UNION ALL
    ${byKind(
      "identity",
      Prisma.sql`data->>'name'`,
      Prisma.sql`data->>'resourceGroup'`,
      Prisma.sql`data->>'clientId' = ${q.toLowerCase()}`,
    )}`);
  const hits = rows.map((row): SearchHit => {
    switch (row.kind) {
      case "cluster":
        return {
          type: "cluster",
          id: row.id,
          label: row.label,
          detail: `cluster in ${row.detail ?? ""}`,
          href: clusterHref(row.id),
        };
      case "principal":
        return {
          type: "principal",
          id: row.id,
          label: row.label,
          detail: row.detail ?? "principal",
          href: principalHref(row.id),
        };
      default:
        return {
          type: "identity",
          id: row.id,
          label: row.label,
          detail: `managed identity in ${row.detail ?? ""}`,
          href: `/identities?q=${encodeURIComponent(row.label)}`,
        };
    }
  });
  return { q, hits };
}

export type SearchResponse = Awaited<ReturnType<typeof search>>;
