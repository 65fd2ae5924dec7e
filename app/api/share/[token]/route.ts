import type { NextRequest } from "next/server";
import { reportFormatSchema } from "@/lib/reports/report-formats";
import { serveShare } from "@/lib/reports/share-http";

export const dynamic = "force-dynamic";

/** The files of a shared report: `/api/share/<token>.pdf` (.csv, .json, .html); same answers as the page. */
export async function GET(request: NextRequest, context: { params: Promise<{ token: string }> }) {
  const { token: segment } = await context.params;
  const dot = segment.lastIndexOf(".");
  const format = reportFormatSchema.safeParse(dot < 0 ? "" : segment.slice(dot + 1).toLowerCase());
  // Anything that is not `<token>.<known format>` is answered like an unknown token (404).
  if (dot < 0 || !format.success) return serveShare(request, "", "html");
  return serveShare(request, segment.slice(0, dot), format.data);
}
