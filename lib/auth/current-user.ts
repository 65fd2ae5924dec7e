import { cookies } from "next/headers";
import { readAuthConfig } from "./config";
import { type Role, roleSatisfies } from "./roles";
import { openSession, sessionCookieName } from "./session";

/**
 * Who is looking at this page, for server components that adapt what they show (e.g. hide "Scan now" from
 * viewers). This is presentation only — the proxy has already enforced the route's role — so it reads the
 * session cookie again rather than trusting any request header.
 */

export type CurrentUser =
  | { kind: "anonymous"; role: "admin"; name: string }
  | {
      kind: "user";
      role: Role | null;
      name: string;
      upn: string | undefined;
      objectId: string;
      signedInAt: Date;
    };

export async function currentUser(): Promise<CurrentUser | null> {
  const config = readAuthConfig();
  if (config.mode === "anonymous")
    return { kind: "anonymous", role: "admin", name: "Local demo (no sign-in)" };
  const store = await cookies();
  const opened = await openSession(config, store.get(sessionCookieName(config))?.value, Date.now());
  if (!opened.ok) return null;
  const { session } = opened;
  return {
    kind: "user",
    role: session.role,
    name: session.name,
    upn: session.upn,
    objectId: session.oid,
    signedInAt: new Date(session.iat),
  };
}

/** Whether the current user holds at least `minimum` (false when signed out). */
export async function currentUserHasRole(minimum: Role): Promise<boolean> {
  const user = await currentUser();
  return user !== null && roleSatisfies(user.role, minimum);
}
