import "server-only";
import { pool } from "@/lib/db/pool";
import { readJobsConfig } from "@/lib/jobs/config";
import { getSettingsView, type SettingsView } from "@/lib/jobs/settings-service";
import { knownTenantIds } from "@/lib/jobs/tenant-settings";
import { registeredTenantIds } from "@/lib/scan/tenant-sources";

// The use cases that read settings: GET /api/settings and the settings page. An unknown tenant is a 404
// AppError (`tenant_not_found`); an unreadable environment is JobsConfigError (500, naming the variable).

/** GET /api/settings: one tenant's stored and effective settings. */
export async function getSettings(tenantId: string): Promise<SettingsView> {
  return getSettingsView(pool(), { tenantId, config: readJobsConfig(), registered: registeredTenantIds() });
}

/** What the environment sets when a tenant does not: shown beside each field, never a secret itself. */
export type SettingsEnvironment = {
  schedule: string | null;
  webhook: boolean;
  minSeverity: string;
  retentionDays: number;
  timezone: string;
  /** this app runs a worker (ATLAS_WORKER=in-process) */
  workerInProcess: boolean;
  /** ATLAS_CRON_SECRET is set, so POST /api/cron/scan is on */
  cronEnabled: boolean;
};

export type SettingsPageData =
  | { tenants: []; tenantId: null; view: null; environment: SettingsEnvironment }
  | { tenants: string[]; tenantId: string; view: SettingsView; environment: SettingsEnvironment };

/** /settings: the known tenants and the chosen one's settings (default: the first tenant). */
export async function getSettingsPage(tenant: string | undefined): Promise<SettingsPageData> {
  const config = readJobsConfig();
  const registered = registeredTenantIds();
  const tenants = await knownTenantIds(pool(), registered);
  const environment: SettingsEnvironment = {
    schedule:
      config.ATLAS_SCAN_SCHEDULE && config.ATLAS_SCAN_SCHEDULE !== "off" ? config.ATLAS_SCAN_SCHEDULE : null,
    webhook: Boolean(config.ATLAS_WEBHOOK_URL),
    minSeverity: config.ATLAS_WEBHOOK_MIN_SEVERITY,
    retentionDays: config.ATLAS_RETENTION_DAYS,
    timezone: config.ATLAS_SCAN_TIMEZONE,
    workerInProcess: config.ATLAS_WORKER === "in-process",
    cronEnabled: Boolean(config.ATLAS_CRON_SECRET),
  };
  const [first] = tenants;
  if (first === undefined) return { tenants: [], tenantId: null, view: null, environment };
  const tenantId = tenant ?? first;
  const view = await getSettingsView(pool(), { tenantId, config, registered });
  return { tenants, tenantId, view, environment };
}
