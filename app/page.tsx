import Link from "next/link";
import { listTenantsWithLatestScan } from "@/lib/queries/tenants";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const tenants = await listTenantsWithLatestScan();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="mt-1 text-sm text-slate-600">Who can do what on your AKS clusters, and how.</p>
      </div>
      {tenants.length === 0 ? (
        <section className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
          <h2 className="text-lg font-medium">No tenant scanned yet</h2>
          <p className="mx-auto mt-2 max-w-xl text-sm text-slate-600">
            Run <code className="rounded bg-slate-100 px-1">npm start</code> without Azure credentials to
            explore the demo tenant, or configure{" "}
            <code className="rounded bg-slate-100 px-1">AZURE_TENANT_ID</code> and a credential (see the
            README) and start a scan.
          </p>
        </section>
      ) : (
        <section aria-labelledby="tenants-heading" className="rounded-lg border border-slate-200 bg-white">
          <h2 id="tenants-heading" className="border-b border-slate-200 px-4 py-3 font-medium">
            Tenants
          </h2>
          <ul className="divide-y divide-slate-100">
            {tenants.map((t) => (
              <li key={t.id} className="flex items-center justify-between px-4 py-3 text-sm">
                <div>
                  <div className="font-medium">{t.displayName}</div>
                  <div className="font-mono text-xs text-slate-500">{t.id}</div>
                </div>
                <div className="text-right text-slate-600">
                  {t.latestScan ? (
                    <Link className="text-brand-600 hover:underline" href={`/scans/${t.latestScan.id}`}>
                      Scan #{t.latestScan.id}: {t.latestScan.status}
                    </Link>
                  ) : (
                    "not scanned yet"
                  )}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
