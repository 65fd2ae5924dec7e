import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { sealSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session";
import { completeSignIn, SIGN_IN_COOKIE, signInCookieOptions } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

/** 303 to an absolute URL (relative ones resolve against `base`: the public URL, or this request's origin). */
function seeOther(location: string, base: string): NextResponse {
  const target = new URL(location, base).toString();
  return new NextResponse(null, { status: 303, headers: { Location: target, "Cache-Control": "no-store" } });
}

/** Entra ID sends the browser back here with a code; on success the session cookie is set. */
export async function GET(request: NextRequest) {
  const config = readAuthConfig();
  if (config.mode !== "entra") return seeOther("/", request.nextUrl.origin);
  const base = config.publicUrl.origin;
  const now = Date.now();
  let outcome: Awaited<ReturnType<typeof completeSignIn>>;
  try {
    outcome = await completeSignIn(
      config,
      request.nextUrl.searchParams,
      request.cookies.get(SIGN_IN_COOKIE)?.value,
      now,
    );
  } catch (error) {
    console.error("[atlas] sign-in failed:", error);
    outcome = { ok: false, reason: "unavailable", detail: String(error) };
  }
  if (!outcome.ok) {
    console.warn(`[atlas] sign-in refused (${outcome.reason}): ${outcome.detail}`);
    const response = seeOther(`/auth/sign-in?error=${outcome.reason}`, base);
    response.cookies.set(SIGN_IN_COOKIE, "", signInCookieOptions(config, 0));
    return response;
  }
  const { session, returnTo } = outcome;
  console.log(
    `[atlas] signed in: ${session.upn ?? session.name} (${session.oid}) as ${session.role ?? "no role"}`,
  );
  // Belt and braces on top of safeReturnTo: never leave this origin after signing in.
  const response = seeOther(new URL(returnTo, base).origin === base ? returnTo : "/", base);
  response.cookies.set(
    sessionCookieName(config),
    await sealSession(config, session),
    sessionCookieOptions(config, session, now),
  );
  response.cookies.set(SIGN_IN_COOKIE, "", signInCookieOptions(config, 0));
  return response;
}
