import Link from "next/link";

export default function NotFound() {
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
