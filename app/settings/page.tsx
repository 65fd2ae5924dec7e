import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import type { PageSearchParams } from "@/app/_lib/page-scope";
import { formatTime } from "@/components/scans/format";
import { plural } from "@/components/ui/format";
import { EmptyState, PageHeader, Section } from "@/components/ui/layout";
import { AppError } from "@/lib/http/app-error";
import { tenantIdSchema } from "@/lib/jobs/settings-service";
import { searchParamsRecord } from "@/lib/queries/search-params";
import { getSettingsPage, type SettingsPageData } from "@/lib/settings/get-settings";
import { SettingsForm } from "./settings-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Settings" };

const paramsSchema = z.object({ tenant: tenantIdSchema.optional() });

export default async function SettingsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const parsed = paramsSchema.safeParse(searchParamsRecord(await searchParams));
  if (!parsed.success) notFound();
  let page: SettingsPageData;
  try {
    page = await getSettingsPage(parsed.data.tenant);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const header = (
    <PageHeader
      title="Settings"
      description="When each tenant is scanned, where its drift is sent, and how long its history is kept."
    />
  );
  if (page.view === null) {
    return (
      <div className="space-y-6">
        {header}
        <EmptyState title="No tenant yet">
          Settings belong to a tenant; they appear once a tenant is configured to scan or has been scanned.
        </EmptyState>
      </div>
    );
  }
  const { tenants, tenantId, view, environment } = page;
  const { effective } = view;
  return (
    <div className="space-y-6">
      {header}
      {tenants.length > 1 ? (
        <nav aria-label="Tenants" className="flex flex-wrap gap-2 text-sm">
          {tenants.map((id) => (
            <Link
              key={id}
              href={`/settings?tenant=${id}`}
              aria-current={id === tenantId ? "page" : undefined}
              className={`rounded border px-2 py-1 font-mono ${id === tenantId ? "border-brand-600 bg-brand-50" : "border-slate-200"}`}
            >
              {id}
            </Link>
          ))}
        </nav>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Section
          id="settings"
          title={view.displayName ?? view.tenantId}
          description={<span className="font-mono text-xs">{view.tenantId}</span>}
          className="lg:col-span-2"
        >
          <SettingsForm view={view} environment={environment} />
        </Section>
        <Section id="in-effect" title="In effect" description="What the workers do with these settings.">
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="font-medium text-slate-900">Scans</dt>
              <dd className="text-slate-700">
                {effective.scanSchedule ? (
                  <>
                    <code className="font-mono">{effective.scanSchedule}</code> ({effective.scanTimezone})
                    <ul className="mt-1 list-disc pl-5 text-slate-600">
                      {view.nextRuns.map((run) => (
                        <li key={run}>{formatTime(run)}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  "Not scheduled: scans run at start, on demand and from POST /api/cron/scan."
                )}
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-900">Workers</dt>
              <dd className="text-slate-700">
                {environment.workerInProcess
                  ? "This app runs a worker; more can join with npm run worker."
                  : "ATLAS_WORKER=off: scans run in npm run worker processes."}
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-900">Notifications</dt>
              <dd className="text-slate-700">
                {effective.webhookUrl.set
                  ? `Drift at or above ${effective.webhookMinSeverity} goes to ${effective.webhookUrl.host}.`
                  : "No webhook: drift is shown here only."}
                {view.lastNotification ? (
                  <span className="mt-1 block text-slate-600">
                    Last: scan #{view.lastNotification.scanId}, {view.lastNotification.status}
                    {view.lastNotification.events
                      ? ` (${plural(view.lastNotification.events, "event")})`
                      : ""}
                    , {formatTime(view.lastNotification.at)}
                    {view.lastNotification.lastError ? ` — ${view.lastNotification.lastError}` : ""}
                  </span>
                ) : null}
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-900">History</dt>
              <dd className="text-slate-700">
                {effective.retentionDays === null
                  ? "Kept forever."
                  : `Scans older than ${effective.retentionDays} days are pruned daily at 03:17 UTC.`}
              </dd>
            </div>
            <div>
              <dt className="font-medium text-slate-900">External schedulers</dt>
              <dd className="text-slate-700">
                {environment.cronEnabled
                  ? "POST /api/cron/scan with Authorization: Bearer <ATLAS_CRON_SECRET> queues a scan."
                  : "Set ATLAS_CRON_SECRET to let a Kubernetes CronJob queue scans through POST /api/cron/scan."}
              </dd>
            </div>
          </dl>
        </Section>
      </div>
    </div>
  );
}
