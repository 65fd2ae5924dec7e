import type { NextRequest } from "next/server";
import { handleRateLimitedProxyRequest } from "@/lib/auth/proxy-handler";

/**
 * Every request but static build assets passes here: authentication, the role each route needs
 * (lib/auth/route-policy.ts), CSRF, rate limits (counted in PostgreSQL) and security headers. See docs/security.md.
 */
export function proxy(request: NextRequest) {
  return handleRateLimitedProxyRequest(request);
}

export const config = {
  // Prefetches included: a prefetch must not leak a page to someone without the role either.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
