import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { beginSignIn, SIGN_IN_COOKIE, signInCookieOptions } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

/** 303 to an absolute URL (relative ones resolve against `base`: the public URL, or this request's origin). */
function seeOther(location: string, base: string): NextResponse {
  const target = new URL(location, base).toString();
  return new NextResponse(null, { status: 303, headers: { Location: target, "Cache-Control": "no-store" } });
}

/** Starts sign-in: remembers state, nonce and PKCE verifier in a short-lived cookie, then off to Entra ID. */
export async function GET(request: NextRequest) {
  const config = readAuthConfig();
  if (config.mode !== "entra") return seeOther("/", request.nextUrl.origin);
  const base = config.publicUrl.origin;
  try {
    const { authorizeUrl, stateCookie } = await beginSignIn(
      config,
      request.nextUrl.searchParams.get("returnTo"),
    );
    const response = seeOther(authorizeUrl, base);
    response.cookies.set(SIGN_IN_COOKIE, stateCookie, signInCookieOptions(config));
    return response;
  } catch (error) {
    console.error("[atlas] sign-in could not start:", error);
    return seeOther("/auth/sign-in?error=unavailable", base);
  }
}
