import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { jsonError } from "@/lib/http/errors";
import { readJsonBody } from "@/lib/http/json-body";
import { issuesMessage, scanIdSchema } from "@/lib/http/params";
import { listScans } from "@/lib/queries/scans";
import { ScanAlreadyRunningError } from "@/lib/scan/scan-lock";
import { NoTenantSourceError, startScan } from "@/lib/scan/start-scan";

export const dynamic = "force-dynamic";

const startBodySchema = z.strictObject({
  tenantId: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .optional(),
  /** "manual": the dashboard's Scan now button says a person started it; default "api" */
  trigger: z.enum(["manual", "api"]).default("api"),
});

/** Starts a scan: 202 with its id, 409 while one runs for the tenant. */
export async function POST(request: NextRequest) {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const body = read.body;
  const parsed = startBodySchema.safeParse(body);
  if (!parsed.success) return jsonError(400, "invalid_body", issuesMessage(parsed.error));
  try {
    const started = await startScan({
      tenantId: parsed.data.tenantId?.toLowerCase(),
      trigger: parsed.data.trigger,
    });
    return NextResponse.json(
      { scanId: started.scanId.toString(), tenantId: started.tenantId, status: "running" },
      { status: 202, headers: { Location: `/api/scans/${started.scanId}` } },
    );
  } catch (error) {
    if (error instanceof ScanAlreadyRunningError) return jsonError(409, "scan_running", error.message);
    if (error instanceof NoTenantSourceError) return jsonError(404, "no_tenant", error.message);
    console.error("[atlas] could not start a scan", error);
    return jsonError(500, "internal", "The scan could not be started.");
  }
}

const listQuerySchema = z.strictObject({
  tenant: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: scanIdSchema.optional(),
});

/** Scan history, newest first. */
export async function GET(request: NextRequest) {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return jsonError(400, "invalid_query", issuesMessage(parsed.error));
  const scans = await listScans({
    tenantId: parsed.data.tenant?.toLowerCase(),
    limit: parsed.data.limit,
    before: parsed.data.before,
  });
  return NextResponse.json({ scans });
}
