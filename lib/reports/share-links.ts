import { z } from "zod";
import { prisma } from "@/lib/db/prisma";
import { readReportConfig } from "@/lib/reports/config";
import { redactReport } from "@/lib/reports/redact";
import { ReportInputError, ReportNotFoundError } from "@/lib/reports/report-errors";
import type { ReportContent } from "@/lib/reports/report-schema";
import { parseContent } from "@/lib/reports/report-store";
import { hashShareToken, newShareToken, sharePath, shareTokenSchema } from "@/lib/reports/share-token";

// Share links: a token that opens one report, read-only, until it expires or is revoked. Opening a link
// and counting the view is one UPDATE that also checks validity, so a link revoked a millisecond ago
// is never shown and every view that was shown is counted.

export const createShareInputSchema = z.strictObject({
  /** whole days; default 7, at most ATLAS_SHARE_MAX_DAYS */
  expiresInDays: z.number().int().min(1).optional(),
  /** pseudonymise personal data for this link */
  redact: z.boolean().default(false),
});
export type CreateShareInput = z.input<typeof createShareInputSchema>;

type ShareRow = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["reportShare"]["findUnique"]>>>;

export type ShareStatus = "active" | "expired" | "revoked";

function statusOf(row: Pick<ShareRow, "expiresAt" | "revokedAt">, now: Date): ShareStatus {
  if (row.revokedAt) return "revoked";
  return row.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

export function serializeShare(row: Omit<ShareRow, "tokenHash">, now = new Date()) {
  return {
    id: row.id.toString(),
    reportId: row.reportId.toString(),
    redact: row.redact,
    status: statusOf(row, now),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    views: row.views,
    lastViewedAt: row.lastViewedAt?.toISOString() ?? null,
  };
}
export type ShareResponse = ReturnType<typeof serializeShare>;

/** Creates a link; the token is in the answer and nowhere else, ever. */
export async function createShare(
  reportId: bigint,
  rawInput: CreateShareInput,
  options: { now?: Date } = {},
) {
  const input = createShareInputSchema.parse(rawInput);
  const config = readReportConfig();
  const days = input.expiresInDays ?? config.shareDefaultDays;
  if (days > config.shareMaxDays) {
    throw new ReportInputError(
      "expiry_too_long",
      `A share link can live at most ${config.shareMaxDays} days (ATLAS_SHARE_MAX_DAYS); asked for ${days}.`,
    );
  }
  const db = prisma();
  const report = await db.report.findUnique({ where: { id: reportId }, select: { id: true, redact: true } });
  if (!report) throw new ReportNotFoundError("not_found", `Report ${reportId} does not exist.`);
  const now = options.now ?? new Date();
  const token = newShareToken();
  const row = await db.reportShare.create({
    data: {
      reportId,
      tokenHash: hashShareToken(token),
      // A redacted report stays redacted through every link.
      redact: input.redact || report.redact,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
      createdAt: now,
    },
    omit: { tokenHash: true },
  });
  return { ...serializeShare(row, now), token, path: sharePath(token) };
}

export async function listShares(reportId: bigint): Promise<ShareResponse[]> {
  const rows = await prisma().reportShare.findMany({
    where: { reportId },
    orderBy: { id: "desc" },
    omit: { tokenHash: true },
  });
  const now = new Date();
  return rows.map((row) => serializeShare(row, now));
}

/** Revokes a link (again is fine: the first revocation time is kept). Null when there is no such link. */
export async function revokeShare(shareId: bigint): Promise<ShareResponse | null> {
  const db = prisma();
  await db.reportShare.updateMany({
    where: { id: shareId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const row = await db.reportShare.findUnique({ where: { id: shareId }, omit: { tokenHash: true } });
  return row ? serializeShare(row) : null;
}

export type OpenedShare =
  | { status: "not-found" }
  | { status: "gone"; reason: "expired" | "revoked" }
  | {
      status: "ok";
      shareId: string;
      reportId: string;
      content: ReportContent;
      expiresAt: string;
    };

/**
 * Opens a link and counts the view. Unknown or malformed tokens are `not-found` (404); expired or revoked
 * ones `gone` (410), which tells the holder the link existed, but nothing about the report.
 */
export async function openShare(token: string): Promise<OpenedShare> {
  if (!shareTokenSchema.safeParse(token).success) return { status: "not-found" };
  const tokenHash = hashShareToken(token);
  const db = prisma();
  const counted = await db.$queryRaw<{ id: bigint; report_id: bigint; redact: boolean; expires_at: Date }[]>`
    UPDATE report_shares SET views = views + 1, last_viewed_at = now()
    WHERE token_hash = ${tokenHash} AND revoked_at IS NULL AND expires_at > now()
    RETURNING id, report_id, redact, expires_at`;
  if (counted.length === 0) {
    const share = await db.reportShare.findUnique({
      where: { tokenHash },
      select: { revokedAt: true },
    });
    if (!share) return { status: "not-found" };
    return { status: "gone", reason: share.revokedAt ? "revoked" : "expired" };
  }
  const [share] = counted;
  const report = await db.report.findUnique({
    where: { id: share.report_id },
    select: { content: true, redact: true },
  });
  if (!report) return { status: "not-found" };
  const content = parseContent(report.content);
  return {
    status: "ok",
    shareId: share.id.toString(),
    reportId: share.report_id.toString(),
    content: share.redact || report.redact ? redactReport(content) : content,
    expiresAt: share.expires_at.toISOString(),
  };
}
