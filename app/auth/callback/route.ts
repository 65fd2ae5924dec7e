import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { sealSession, sessionCookieName, sessionCookieOptions } from "@/lib/auth/session";
import { completeSignIn, SIGN_IN_COOKIE, signInCookieOptions } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

function seeOther(location: string): NextResponse {
  return new NextResponse(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store" },
  });
}

/** Entra ID sends the browser back here with a code; on success the session cookie is set. */
export async function GET(request: NextRequest) {
  const config = readAuthConfig();
  if (config.mode !== "entra") return seeOther("/");
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
    const response = seeOther(`/auth/sign-in?error=${outcome.reason}`);
    response.cookies.set(SIGN_IN_COOKIE, "", signInCookieOptions(config, 0));
    return response;
  }
  const { session, returnTo } = outcome;
  console.log(
    `[atlas] signed in: ${session.upn ?? session.name} (${session.oid}) as ${session.role ?? "no role"}`,
  );
  const response = seeOther(returnTo);
  response.cookies.set(
    sessionCookieName(config),
    sealSession(config, session),
    sessionCookieOptions(config, session, now),
  );
  response.cookies.set(SIGN_IN_COOKIE, "", signInCookieOptions(config, 0));
  return response;
}
