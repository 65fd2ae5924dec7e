import { type NextRequest, NextResponse } from "next/server";
import { jsonError } from "@/lib/http/errors";
import { reportErrorResponse } from "@/lib/reports/report-http";
import { revokeShare } from "@/lib/reports/share-links";

export const dynamic = "force-dynamic";

/** Revokes a share link at once: from now on its page answers 410. Revoking twice is fine. */
export async function DELETE(_request: NextRequest, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  if (!/^[1-9]\d{0,17}$/.test(id))
    return jsonError(400, "invalid_share_id", "A share id is a positive integer.");
  try {
    const share = await revokeShare(BigInt(id));
    if (!share) return jsonError(404, "not_found", `Share link ${id} does not exist.`);
    return NextResponse.json(share);
  } catch (error) {
    return reportErrorResponse(error, `revoking share link ${id}`);
  }
}
