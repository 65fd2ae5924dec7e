import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { currentUser } from "@/lib/auth/current-user";
import { ROLE_DESCRIPTIONS, roleSchema } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Not allowed" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Where the proxy sends a signed-in user whose role is too low for a page. */
export default async function ForbiddenPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const need = roleSchema.safeParse(Array.isArray(params.need) ? params.need[0] : params.need);
  const user = await currentUser();
  return (
    <div className="mx-auto max-w-xl space-y-4 py-10">
      <h1 className="text-2xl font-semibold tracking-tight">You do not have access to this page</h1>
      {user ? (
        <p className="text-sm text-slate-700">
          You are signed in as <strong>{user.name}</strong>{" "}
          {user.role ? (
            <>
              with the <strong>{user.role}</strong> role
            </>
          ) : (
            <>
              but hold <strong>no role</strong> in AKS Identity Atlas
            </>
          )}
          .
          {need.success ? (
            <>
              {" "}
              This page needs the <strong>{need.data}</strong> role ({ROLE_DESCRIPTIONS[need.data]}).
            </>
          ) : null}
        </p>
      ) : (
        <p className="text-sm text-slate-700">You are not signed in.</p>
      )}
      <p className="text-sm text-slate-700">
        Ask an administrator to assign you an app role (Atlas.Viewer, Atlas.Operator or Atlas.Admin) on the
        AKS Identity Atlas app registration, or to add you to one of the configured groups.
      </p>
      <div className="flex gap-4 text-sm">
        {user?.role ? (
          <Link href="/" className="text-brand-700 underline">
            Back to the overview
          </Link>
        ) : null}
        {user?.kind === "user" ? <SignOutButton /> : null}
      </div>
    </div>
  );
}
