import { SHARE_CONTENT_SECURITY_POLICY } from "@/lib/auth/security-headers";
import { errorResponse } from "@/lib/http/handle";
import { renderSharedLinkMessage } from "@/lib/reports/render-html";
import type { ReportFormat } from "@/lib/reports/report-formats";
import { reportFileResponse } from "@/lib/reports/report-http";
import { openShare } from "@/lib/reports/share-links";

// The public side of a share link: `/share/<token>` (the report as a page) and `/api/share/<token>.<ext>`
// (the files). Nothing here leads into the rest of the app: no navigation, no links but the report's own
// downloads, no indexing, no referrer. Rate limits are the proxy's (lib/auth/rate-limit.ts, bucket "share":
// per client address and for all clients together, counted in PostgreSQL), not this handler's.

const SHARE_HEADERS: Record<string, string> = {
  "X-Robots-Tag": "noindex, nofollow",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "private, no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  // The page has no script and loads nothing: inline styles are all it needs.
  // The same policy the proxy sends for these paths (and its header wins): one definition.
  "Content-Security-Policy": SHARE_CONTENT_SECURITY_POLICY,
};

/** A small page for the answers that are not the report; it says nothing about the report. */
async function messagePage(
  status: number,
  title: string,
  text: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return new Response(await renderSharedLinkMessage(title, text), {
    status,
    headers: { ...SHARE_HEADERS, "Content-Type": "text/html; charset=utf-8", ...extra },
  });
}

/** Serves a shared report as the page or as a file. */
export async function serveShare(
  _request: Request,
  token: string,
  format: ReportFormat | "page",
): Promise<Response> {
  try {
    const opened = await openShare(token);
    if (opened.status === "not-found") {
      return await messagePage(
        404,
        "Link not found",
        "This link does not exist. Check that it was copied completely.",
      );
    }
    if (opened.status === "gone") {
      return await messagePage(
        410,
        opened.reason === "revoked" ? "Link revoked" : "Link expired",
        opened.reason === "revoked"
          ? "Whoever shared this report has revoked the link. Ask them for a new one."
          : "This link has expired. Ask whoever shared the report for a new one.",
      );
    }
    const downloads = (["pdf", "csv", "json"] as const).map((ext) => ({
      label: ext.toUpperCase(),
      href: `/api/share/${token}.${ext}`,
    }));
    const page = format === "page";
    return await reportFileResponse(opened.content, page ? "html" : format, {
      htmlOptions: {
        robots: "noindex",
        downloads: page ? downloads : undefined,
        notice: page
          ? `A read-only copy shared through AKS Identity Atlas. This link expires ${opened.expiresAt.slice(0, 16).replace("T", " ")} UTC.`
          : undefined,
      },
      headers: { ...SHARE_HEADERS, ...(page ? { "Content-Disposition": "inline" } : {}) },
    });
  } catch (error) {
    const response = errorResponse(error, "serving a shared report");
    for (const [name, value] of Object.entries(SHARE_HEADERS)) response.headers.set(name, value);
    return response;
  }
}
