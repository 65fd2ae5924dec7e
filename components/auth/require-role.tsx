import type { ReactNode } from "react";
import { currentUserHasRole } from "@/lib/auth/current-user";
import type { Role } from "@/lib/auth/roles";

/**
 * Renders `children` only for users holding `minimum` (e.g. wrap the "Scan now" button in
 * <RequireRole minimum="operator">). Presentation only: the proxy refuses the request itself anyway.
 */
export async function RequireRole({
  minimum,
  children,
  fallback = null,
}: {
  minimum: Role;
  children: ReactNode;
  fallback?: ReactNode;
}) {
  return (await currentUserHasRole(minimum)) ? children : fallback;
}
