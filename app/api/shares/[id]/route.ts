import { badRequestError, notFoundError } from "@/lib/http/app-error";
import { handle, json } from "@/lib/http/handle";
import { revokeShare } from "@/lib/reports/share-links";

export const dynamic = "force-dynamic";

/** Revokes a share link at once: from now on its page answers 410. Revoking twice is fine. */
export const DELETE = handle<{ id: string }>(async (_request, { id }) => {
  if (!/^[1-9]\d{0,17}$/.test(id))
    throw badRequestError("invalid_share_id", "A share id is a positive integer.");
  const share = await revokeShare(BigInt(id));
  if (!share) throw notFoundError("not_found", `Share link ${id} does not exist.`);
  return json(share);
});
