import { createHash } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@/lib/db/generated/client";
import { pool } from "@/lib/db/pool";
import { prisma } from "@/lib/db/prisma";
import { computeDrift } from "@/lib/drift/compute-drift";
import { DriftNotFoundError, resolveDriftRange } from "@/lib/drift/scan-range";
import type { DriftReport } from "@/lib/drift/types";
import { findingSchema } from "@/lib/findings/types";
import { safeText } from "@/lib/http/safe-text";
import { clusterSchema, subscriptionSchema } from "@/lib/model/azure";
import { principalSchema } from "@/lib/model/directory";
import { canonicalJson } from "@/lib/model/records";
import { coverageSchema } from "@/lib/model/tenant-model";
import { expandedAccessSql } from "@/lib/queries/expanded-access";
import { withPathSteps } from "@/lib/queries/path-steps";
import { asOfCondition, COMPLETED_STATUSES } from "@/lib/queries/snapshot";
import { buildReportContent, reportGrantInputSchema } from "@/lib/reports/build-report";
import { DEFAULT_REPORT_FRAMEWORKS } from "@/lib/reports/frameworks";
import { redactReport } from "@/lib/reports/redact";
import { ReportContentError, ReportInputError, ReportNotFoundError } from "@/lib/reports/report-errors";
import {
  REPORT_SCHEMA_VERSION,
  type ReportContent,
  reportContentSchema,
  reportFrameworkSchema,
} from "@/lib/reports/report-schema";
import { resolveScope, ScopeResolutionError, scopeKey } from "@/lib/reports/scope";
import { PRODUCT_VERSION } from "@/lib/version";

// Creating and reading reports. A report is built once from a scan's stored records and written as
// canonical JSON text; every later read returns those bytes, whatever later scans find.

export const createReportInputSchema = z.strictObject({
  /** default: the latest completed scan (of `tenantId` when given) */
  scanId: z
    .union([
      z.string().regex(/^[1-9]\d{0,17}$/, "must be a positive integer"),
      z.number().int().positive(),
      z.bigint().positive(),
    ])
    .transform((value) => BigInt(value))
    .optional(),
  tenantId: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .transform((value) => value.toLowerCase())
    .optional(),
  title: safeText().trim().min(1).max(200).optional(),
  scope: z
    .strictObject({
      subscriptionIds: z
        .array(
          z
            .string()
            .trim()
            .regex(/^[0-9a-fA-F-]{36}$/, "must be a subscription GUID"),
        )
        .max(500)
        .default([]),
      /** cluster ARM ids or names */
      clusters: z.array(safeText().trim().min(1).max(1000)).max(5000).default([]),
    })
    .default({ subscriptionIds: [], clusters: [] }),
  frameworks: z
    .array(reportFrameworkSchema)
    .min(1, "choose at least one framework")
    .default([...DEFAULT_REPORT_FRAMEWORKS]),
  redact: z.boolean().default(false),
});
export type CreateReportInput = z.input<typeof createReportInputSchema>;
/** Already validated input (what createReportInputSchema gives) is accepted as it is. */
export type CreateReportRequest = z.output<typeof createReportInputSchema>;

export const reportSummarySchema = z.object({
  scope: z.string(),
  clusters: z.number().int(),
  findings: z.object({ pass: z.number(), fail: z.number(), notAssessed: z.number() }),
  scores: z.array(
    z.object({ framework: reportFrameworkSchema, title: z.string(), score: z.number().nullable() }),
  ),
});

const scopeColumnSchema = z.object({ subscriptionIds: z.array(z.string()), clusterIds: z.array(z.string()) });
const frameworksColumnSchema = z.array(reportFrameworkSchema);

type ReportRow = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["report"]["findUnique"]>>>;

/** What the API and pages say about a report (not its content). */
export function serializeReport(row: Omit<ReportRow, "content">) {
  return {
    id: row.id.toString(),
    tenantId: row.tenantId,
    scanId: row.scanId.toString(),
    title: row.title,
    scope: scopeColumnSchema.parse(row.scope),
    frameworks: frameworksColumnSchema.parse(row.frameworks),
    redact: row.redact,
    productVersion: row.productVersion,
    schemaVersion: row.schemaVersion,
    contentHash: row.contentHash,
    summary: reportSummarySchema.parse(row.summary),
    createdAt: row.createdAt.toISOString(),
    links: {
      self: `/api/reports/${row.id}`,
      html: `/api/reports/${row.id}.html`,
      pdf: `/api/reports/${row.id}.pdf`,
      csv: `/api/reports/${row.id}.csv`,
      json: `/api/reports/${row.id}.json`,
      page: `/reports/${row.id}`,
    },
  };
}
export type ReportResponse = ReturnType<typeof serializeReport>;

type RecordRow = { kind: string; data: unknown };

function parseRows<T>(rows: readonly RecordRow[], kind: string, schema: z.ZodType<T>): T[] {
  return rows
    .filter((row) => row.kind === kind)
    .map((row) => {
      const parsed = schema.safeParse(row.data);
      // A stored row that does not match its schema is a bug or a foreign database: never report on
      // something that merely looks right.
      if (!parsed.success)
        throw new Error(`A stored ${kind} record does not match its schema: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Creates and stores a report; returns what the API answers. */
export async function createReport(
  rawInput: CreateReportInput | CreateReportRequest,
  options: { now?: Date } = {},
) {
  const input = createReportInputSchema.parse(rawInput);
  const db = prisma();
  const scan = input.scanId
    ? await db.scan.findFirst({ where: { id: input.scanId, status: { in: [...COMPLETED_STATUSES] } } })
    : await db.scan.findFirst({
        where: {
          status: { in: [...COMPLETED_STATUSES] },
          ...(input.tenantId ? { tenantId: input.tenantId } : {}),
        },
        orderBy: { id: "desc" },
      });
  if (!scan || (input.tenantId && scan.tenantId !== input.tenantId)) {
    throw new ReportNotFoundError(
      "scan_not_found",
      input.scanId ? `No completed scan ${input.scanId}.` : "No completed scan yet: start one first.",
    );
  }
  const tenant = await db.tenant.findUnique({ where: { id: scan.tenantId } });
  if (!tenant) throw new ReportNotFoundError("tenant_not_found", `Tenant ${scan.tenantId} does not exist.`);

  const clusterRows = await db.$queryRaw<RecordRow[]>(Prisma.sql`
    SELECT kind, data FROM snapshot_records
    WHERE tenant_id = ${scan.tenantId} AND ${asOfCondition(scan.id)} AND kind IN ('cluster', 'subscription')
    ORDER BY kind, natural_key`);
  const clusters = parseRows(clusterRows, "cluster", clusterSchema);
  const subscriptions = parseRows(clusterRows, "subscription", subscriptionSchema);
  let scope: ReturnType<typeof resolveScope>;
  try {
    scope = resolveScope(
      input.scope,
      clusters,
      subscriptions.map((s) => s.subscriptionId),
    );
  } catch (error) {
    if (error instanceof ScopeResolutionError) throw new ReportInputError("invalid_scope", error.message);
    throw error;
  }
  const key = scopeKey(scan.tenantId, scope);
  const previousRow = await db.report.findFirst({
    where: { tenantId: scan.tenantId, scopeKey: key },
    orderBy: { id: "desc" },
  });
  const previous = previousRow ? parseContent(previousRow.content) : null;
  const previousScan = previous && BigInt(previous.scan.id) < scan.id ? BigInt(previous.scan.id) : null;

  // Only cluster-admin grants are reported; filtering them in SQL keeps large tenants cheap. Principals
  // come from every scan between the previous report's and this one, so a person renamed or deleted in
  // between is still known by every name the drift section may use (and redaction replaces them all).
  const principalsSince = previousScan ?? scan.id;
  const stored = await db.$queryRaw<RecordRow[]>(Prisma.sql`
    SELECT kind, data FROM (
      SELECT kind, natural_key, data, valid_from_scan FROM snapshot_records
      WHERE tenant_id = ${scan.tenantId}
        AND ((${asOfCondition(scan.id)} AND kind = 'finding')
          OR (kind = 'principal' AND valid_from_scan <= ${scan.id}
              AND (valid_to_scan IS NULL OR valid_to_scan > ${principalsSince})))
      UNION ALL
      -- grants as stored and expanded through groups (lib/queries/expanded-access.ts)
      SELECT kind, natural_key, data, valid_from_scan
      FROM ${expandedAccessSql({ tenantId: scan.tenantId, scanId: scan.id, kinds: ["access.grant"] })} g
      WHERE split_part(natural_key, '|', -3) = 'cluster-admin' AND data->>'level' = 'cluster-admin'
    ) r
    ORDER BY kind, natural_key, valid_from_scan`);
  const rows = await withPathSteps(scan.tenantId, stored, { db });

  const scanDrift = previousScan === null ? null : await scanDriftBetween(previousScan, scan.id);
  const coverage = coverageSchema.safeParse(scan.coverage);
  const now = options.now ?? new Date();
  const [{ id }] = await db.$queryRaw<{ id: bigint }[]>(
    // The id is part of the content, so it is drawn before the content is built.
    Prisma.sql`SELECT nextval(pg_get_serial_sequence('reports', 'id')) AS id`,
  );
  const content = buildReportContent({
    id: id.toString(),
    title: input.title,
    createdAt: now.toISOString(),
    productVersion: PRODUCT_VERSION,
    tenant: { id: tenant.id, displayName: tenant.displayName },
    scan: {
      id: scan.id.toString(),
      status: scan.status,
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      productVersion: scan.productVersion,
      coverage: coverage.success ? coverage.data : {},
    },
    scope,
    frameworks: input.frameworks,
    subscriptions,
    clusters,
    findings: parseRows(rows, "finding", findingSchema),
    grants: parseRows(rows, "access.grant", reportGrantInputSchema),
    principals: parseRows(rows, "principal", principalSchema),
    previous,
    scanDrift,
  });
  const text = canonicalJson(content);
  const row = await db.report.create({
    data: {
      id,
      tenantId: tenant.id,
      scanId: scan.id,
      title: content.report.title,
      scopeKey: key,
      scope,
      frameworks: input.frameworks,
      redact: input.redact,
      productVersion: PRODUCT_VERSION,
      schemaVersion: REPORT_SCHEMA_VERSION,
      content: text,
      contentHash: sha256(text),
      summary: {
        scope: content.scope.description,
        clusters: content.summary.clusters,
        findings: content.summary.findings,
        scores: content.frameworks.map((f) => ({ framework: f.framework, title: f.title, score: f.score })),
      },
      createdAt: now,
    },
    omit: { content: true },
  });
  return serializeReport(row);
}

/** lib/drift between two scans; null when one of them is gone (pruned): the report still compares itself. */
async function scanDriftBetween(from: bigint, to: bigint): Promise<DriftReport | null> {
  try {
    const range = await resolveDriftRange(pool(), { from, to });
    return await computeDrift(pool(), range);
  } catch (error) {
    if (error instanceof DriftNotFoundError) return null;
    throw error;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function parseContent(text: string): ReportContent {
  const parsed = reportContentSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ReportContentError(
      `A stored report does not match report schema ${REPORT_SCHEMA_VERSION}: ${parsed.error.message.slice(0, 500)}`,
    );
  }
  return parsed.data;
}

export async function getReport(id: bigint): Promise<ReportResponse | null> {
  const row = await prisma().report.findUnique({ where: { id }, omit: { content: true } });
  return row ? serializeReport(row) : null;
}

/** The stored canonical JSON, exactly as written. */
export async function getReportContentText(id: bigint): Promise<string | null> {
  const row = await prisma().report.findUnique({ where: { id }, select: { content: true } });
  return row?.content ?? null;
}

/**
 * The report's content as a rendering should show it: redacted when the report or the caller asks.
 * Throws ReportNotFoundError for an unknown id.
 */
export async function loadReportContent(
  id: bigint,
  options: { redact?: boolean } = {},
): Promise<{ report: ReportResponse; content: ReportContent }> {
  const row = await prisma().report.findUnique({ where: { id } });
  if (!row) throw new ReportNotFoundError("not_found", `Report ${id} does not exist.`);
  const { content: text, ...meta } = row;
  const content = parseContent(text);
  return {
    report: serializeReport(meta),
    content: row.redact || options.redact ? redactReport(content) : content,
  };
}

export async function listReports(query: { limit?: number; before?: bigint; tenantId?: string } = {}) {
  const rows = await prisma().report.findMany({
    where: {
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.before ? { id: { lt: query.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit ?? 50,
    omit: { content: true },
  });
  return rows.map(serializeReport);
}
export type ReportListResponse = Awaited<ReturnType<typeof listReports>>;
