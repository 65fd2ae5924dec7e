import type { Metadata } from "next";
import Link from "next/link";
import { readAuthConfig } from "@/lib/auth/config";
import { currentUser } from "@/lib/auth/current-user";
import { safeReturnTo } from "@/lib/auth/return-to";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

// Fixed sentences per code: nothing from the URL is echoed into the page.
const MESSAGES: Record<string, string> = {
  denied: "Sign-in was cancelled or the account was not allowed.",
  expired: "The sign-in took too long or was started in another tab. Please try again.",
  state_mismatch: "The sign-in response did not match this browser's request. Please try again.",
  invalid_response:
    "Entra ID's answer could not be verified. Please try again, or ask an administrator to check the logs.",
  unavailable: "The sign-in service cannot be reached right now. Please try again later.",
  idle: "You were signed out after a period of inactivity.",
  expiredSession: "Your session reached its maximum length. Please sign in again.",
  revoked: "You signed out in this browser. Please sign in again.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(first(params.returnTo));
  const config = readAuthConfig();
  const user = await currentUser();
  const error = first(params.error);
  const reason = first(params.reason);
  const message =
    (error && MESSAGES[error]) ??
    (reason === "expired" ? MESSAGES.expiredSession : reason ? MESSAGES[reason] : undefined) ??
    (first(params.signedOut) ? "You have signed out." : undefined);

  return (
    <div className="mx-auto max-w-md space-y-6 py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to AKS Identity Atlas</h1>
      {message ? (
        <p
          role="status"
          className="rounded border border-slate-300 bg-white px-4 py-3 text-sm text-slate-800"
        >
          {message}
        </p>
      ) : null}
      {config.mode === "anonymous" ? (
        <p className="text-sm text-slate-700">
          Sign-in is not configured: this is a local demo and everyone who can open it is an administrator.{" "}
          <Link href="/" className="text-brand-700 underline">
            Go to the overview
          </Link>
          .
        </p>
      ) : user?.kind === "user" ? (
        <p className="text-sm text-slate-700">
          You are signed in as <strong>{user.name}</strong>.{" "}
          <Link href={returnTo} className="text-brand-700 underline">
            Continue
          </Link>
          .
        </p>
      ) : (
        <>
          <p className="text-sm text-slate-700">
            This dashboard shows who can become cluster-admin where, so it is for your organisation&apos;s
            accounts only. You will be sent to Microsoft Entra ID and back.
          </p>
          <a
            href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}
            className="inline-block rounded bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-900 focus:outline-none focus:ring-2 focus:ring-brand-500 focus:ring-offset-2"
          >
            Sign in with Microsoft Entra ID
          </a>
        </>
      )}
    </div>
  );
}
