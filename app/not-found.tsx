import Link from "next/link";
import { connection } from "next/server";

// Rendered per request, not prerendered at build: a prerendered page's scripts carry no CSP nonce, and the
// page CSP (lib/auth/security-headers.ts) then blocks them — the header search was dead on every 404.
export default async function NotFound() {
  await connection();
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-700">
        Nothing here in the scan you are looking at: the cluster, principal or scan may not exist, or not
        (yet) in this scan.
      </p>
      <p className="mt-4 flex flex-wrap gap-4 text-sm">
        <Link className="text-brand-700 underline" href="/">
          Overview
        </Link>
        <Link className="text-brand-700 underline" href="/clusters">
          Clusters
        </Link>
        <Link className="text-brand-700 underline" href="/principals">
          Principals
        </Link>
      </p>
    </div>
  );
}
