import type { NextRequest } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";

/**
 * The origin to put in absolute links the app hands out (a share link's `url`): `ATLAS_PUBLIC_URL` when set
 * — always, with sign-in — and otherwise the address the custom server itself answers on. Never
 * `X-Forwarded-Host`/`-Proto`: any client can send them, and a link built from them would point whoever
 * receives it at another site. The custom server (lib/server/start.ts) speaks plain HTTP, and Next builds
 * `nextUrl`'s host from the address it listens on, so the fallback names that listener.
 */
export function publicOrigin(request: NextRequest): string {
  const configured = readAuthConfig().publicUrl;
  if (configured) return configured.origin;
  return `http://${request.nextUrl.host}`;
}
