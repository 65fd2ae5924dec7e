import { z } from "zod";
import { handle, json, parseInput } from "@/lib/http/handle";
import { readJsonBody } from "@/lib/http/json-body";
import { scanIdSchema } from "@/lib/http/params";
import { listScans, scanResponse } from "@/lib/queries/scans";
import { startScan } from "@/lib/scan/start-scan";

export const dynamic = "force-dynamic";

const startBodySchema = z.strictObject({
  tenantId: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .optional(),
  /** "manual": the dashboard's Scan now button says a person started it; default "api" */
  trigger: z.enum(["manual", "api"]).default("api"),
});

/** Starts a scan: 202 with its id, 409 `scan_running` while one runs for the tenant, 404 `no_tenant`. */
export const POST = handle(
  async (request) => {
    const body = parseInput(startBodySchema, await readJsonBody(request), "invalid_body");
    const started = await startScan({ tenantId: body.tenantId?.toLowerCase(), trigger: body.trigger });
    return json(
      { scanId: started.scanId.toString(), tenantId: started.tenantId, status: "running" },
      { status: 202, headers: { Location: `/api/scans/${started.scanId}` } },
    );
  },
  { internalMessage: "The scan could not be started." },
);

const listQuerySchema = z.strictObject({
  tenant: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}$/, "must be a tenant GUID")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: scanIdSchema.optional(),
});

/** Scan history, newest first. */
export const GET = handle(async (request) => {
  const query = parseInput(
    listQuerySchema,
    Object.fromEntries(request.nextUrl.searchParams),
    "invalid_query",
  );
  const scans = await listScans({
    tenantId: query.tenant?.toLowerCase(),
    limit: query.limit,
    before: query.before,
  });
  return json({ scans: scans.map(scanResponse) });
});
