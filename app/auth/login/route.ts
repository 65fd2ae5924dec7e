import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { beginSignIn, SIGN_IN_COOKIE, signInCookieOptions } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

function seeOther(location: string): NextResponse {
  return new NextResponse(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store" },
  });
}

/** Starts sign-in: remembers state, nonce and PKCE verifier in a short-lived cookie, then off to Entra ID. */
export async function GET(request: NextRequest) {
  const config = readAuthConfig();
  if (config.mode !== "entra") return seeOther("/");
  try {
    const { authorizeUrl, stateCookie } = await beginSignIn(
      config,
      request.nextUrl.searchParams.get("returnTo"),
    );
    const response = seeOther(authorizeUrl);
    response.cookies.set(SIGN_IN_COOKIE, stateCookie, signInCookieOptions(config));
    return response;
  } catch (error) {
    console.error("[atlas] sign-in could not start:", error);
    return seeOther("/auth/sign-in?error=unavailable");
  }
}
