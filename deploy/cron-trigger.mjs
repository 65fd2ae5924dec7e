// The CronJob's one request: POST /api/cron/scan with the cron secret (app/api/cron/scan/route.ts), so
// the schedule lives in Kubernetes while the scan runs on the workers. Exits 0 on 202 (queued, or
// already queued), non-zero with the server's message otherwise, so a failing schedule shows as a
// failed Job instead of silence.
const url = process.env.ATLAS_CRON_URL || "http://aks-identity-atlas-web/api/cron/scan";
const secret = process.env.ATLAS_CRON_SECRET;
if (!secret) {
  console.error("cron-trigger: ATLAS_CRON_SECRET is not set");
  process.exit(64);
}
const body = process.env.ATLAS_CRON_TENANT_ID ? { tenantId: process.env.ATLAS_CRON_TENANT_ID } : {};
try {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(Number(process.env.ATLAS_CRON_TIMEOUT_SECONDS || 60) * 1000),
  });
  const text = await response.text();
  if (response.status !== 202) {
    console.error(`cron-trigger: POST ${url} answered ${response.status}: ${text}`);
    process.exit(1);
  }
  console.log(`cron-trigger: ${text}`);
} catch (error) {
  console.error(
    `cron-trigger: POST ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
