import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { roleSatisfies } from "@/lib/auth/roles";
import { openSession, sessionCookieName } from "@/lib/auth/session";
import { probeDatabase } from "@/lib/db/health";
import { PRODUCT_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/**
 * Versions tell an outsider which advisories to try, so only a caller who may read the app gets them: a
 * session with a role, or anyone in anonymous mode (the loopback-only demo, where everyone is admin).
 * Probes and outsiders get `{ status }` and the status code — all a load balancer needs. A configuration
 * that cannot be read counts as "not signed in" (the proxy lets health through even then).
 */
function mayReadDetails(request: NextRequest): boolean {
  try {
    const config = readAuthConfig();
    if (config.mode === "anonymous") return true;
    const opened = openSession(config, request.cookies.get(sessionCookieName(config))?.value, Date.now());
    return opened.ok && roleSatisfies(opened.session.role, "viewer");
  } catch {
    return false;
  }
}

export async function GET(request: NextRequest) {
  const database = await probeDatabase(process.env.ATLAS_RESOLVED_DATABASE_URL ?? process.env.DATABASE_URL);
  const status = database.state === "up" ? "ok" : "degraded";
  const code = database.state === "up" ? 200 : 503;
  if (!mayReadDetails(request)) return NextResponse.json({ status }, { status: code });
  const body = {
    status,
    version: PRODUCT_VERSION,
    database: { ...database, embedded: !process.env.DATABASE_URL },
  };
  return NextResponse.json(body, { status: code });
}
