import { type NextRequest, NextResponse } from "next/server";
import { readAuthConfig } from "@/lib/auth/config";
import { csrfCookieName } from "@/lib/auth/csrf";
import { openSession, revokeSession, sessionCookieName } from "@/lib/auth/session";
import { endSessionUrl } from "@/lib/auth/sign-in";

export const dynamic = "force-dynamic";

/** Signs out: forgets this session (even a copied cookie stops working here) and signs out of Entra too. */
export async function POST(request: NextRequest) {
  const config = readAuthConfig();
  if (config.mode !== "entra") {
    return new NextResponse(null, {
      status: 303,
      headers: { Location: new URL("/", request.nextUrl.origin).toString() },
    });
  }
  const name = sessionCookieName(config);
  const opened = await openSession(config, request.cookies.get(name)?.value, Date.now());
  if (opened.ok) {
    revokeSession(config, opened.session);
    console.log(`[atlas] signed out: ${opened.session.upn ?? opened.session.name} (${opened.session.oid})`);
  }
  const location =
    (await endSessionUrl(config)) ?? new URL("/auth/sign-in?signedOut=1", config.publicUrl.origin).toString();
  const response = new NextResponse(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store" },
  });
  const clear = { httpOnly: true, sameSite: "lax" as const, secure: config.https, path: "/", maxAge: 0 };
  response.cookies.set(name, "", clear);
  response.cookies.set(csrfCookieName(config), "", {
    ...clear,
    httpOnly: false,
    sameSite: "strict" as const,
  });
  return response;
}
