import type { NextRequest } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { roleSatisfies } from "@/lib/auth/roles";
import { openSession, sessionCookieName } from "@/lib/auth/session";
import { getHealth } from "@/lib/health/get-health";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

/**
 * Versions tell an outsider which advisories to try, so only a caller who may read the app gets them: a
 * session with a role, or anyone in anonymous mode (the loopback-only demo, where everyone is admin).
 * Probes and outsiders get `{ status }` and the status code — all a load balancer needs. A configuration
 * that cannot be read counts as "not signed in" (the proxy lets health through even then).
 */
async function mayReadDetails(request: NextRequest): Promise<boolean> {
  try {
    const config = readAuthConfig();
    if (config.mode === "anonymous") return true;
    const opened = await openSession(
      config,
      request.cookies.get(sessionCookieName(config))?.value,
      Date.now(),
    );
    return opened.ok && roleSatisfies(opened.session.role, "viewer");
  } catch {
    return false;
  }
}

export const GET = handle(async (request) => {
  const health = await getHealth();
  const code = health.status === "ok" ? 200 : 503;
  if (!(await mayReadDetails(request))) return json({ status: health.status }, { status: code });
  return json(health.details, { status: code });
});
