import type { NextRequest } from "next/server";
import { serveShare } from "@/lib/reports/share-http";

export const dynamic = "force-dynamic";

/**
 * The public, read-only page of a shared report. A route handler rather than a page: it is a whole
 * document of its own (no app layout, no navigation into the app) and answers 404 for an unknown token and
 * 410 for an expired or revoked one, which a page cannot.
 */
export async function GET(request: NextRequest, context: { params: Promise<{ token: string }> }) {
  const { token } = await context.params;
  return serveShare(request, token, "page");
}
