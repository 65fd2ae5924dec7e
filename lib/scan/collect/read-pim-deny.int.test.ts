import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import {
  PENNY_RG1_ASSIGNMENT,
  SUB,
  TIME_BOUND_END,
  withPimAndDeny,
} from "@/lib/emulator/test-fixtures/pim-deny";
import { smallTenantPath, startTestEmulator, type TestEmulator } from "@/lib/emulator/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { AZURE_PIM_SOURCE, subscriptionSource } from "@/lib/model/sources";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { runScan } from "@/lib/scan/run-scan";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { createTestDatabase } from "@/tests/helpers/test-database";

// The scanner reads PIM eligibility, time-bound active assignments and deny assignments through
// @azure/arm-authorization 9.0.0 (roleEligibilityScheduleInstances, roleAssignmentScheduleInstances,
// denyAssignments) from the emulator, page size 1, as the scanner identity docs/permissions defines.
// A tenant without Entra ID P2 answers the PIM calls 400 AadPremiumLicenseRequired
// (JulianHayward/Azure-MG-Sub-Governance-Reporting#114): the PIM source is partial with that reason,
// the subscription stays complete, the scan goes on.

let licensed: TestEmulator;
let unlicensed: TestEmulator;
let licensedScan: CollectResult;
let unlicensedScan: CollectResult;
const subscriptionId = SUB.split("/")[2];

beforeAll(async () => {
  const tenant = await readTenantFile(smallTenantPath);
  [licensed, unlicensed] = await Promise.all([
    startTestEmulator({ tenant: withPimAndDeny(tenant), pageSize: 1 }),
    startTestEmulator({ tenant: withPimAndDeny(tenant, false), pageSize: 1 }),
  ]);
  const options = { pageSize: 1, http: { retryDelayMs: 10, maxRetryDelayMs: 100 } };
  [licensedScan, unlicensedScan] = await Promise.all([
    collectTenant(scanTargetForEmulator(licensed.emulator), options),
    collectTenant(scanTargetForEmulator(unlicensed.emulator), options),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([licensed?.stop(), unlicensed?.stop()]);
});

const byId = <T extends { id: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => a.id.localeCompare(b.id));

describe("scanning PIM and deny assignments", () => {
  it("collects what the offline import makes of the same file", () => {
    const expected = modelFromTenantFile(licensed.tenant);
    const { model } = licensedScan;
    expect(byId(model.roleEligibilities)).toEqual(byId(expected.roleEligibilities));
    expect(byId(model.roleAssignmentSchedules)).toEqual(byId(expected.roleAssignmentSchedules));
    expect(byId(model.denyAssignments)).toEqual(byId(expected.denyAssignments));
    expect(model.roleEligibilities).toHaveLength(2);
    expect(model.roleAssignmentSchedules).toEqual([
      expect.objectContaining({
        originRoleAssignmentId: PENNY_RG1_ASSIGNMENT.toLowerCase(),
        endDateTime: new Date(TIME_BOUND_END).toISOString(),
      }),
    ]);
    expect(model.coverage[AZURE_PIM_SOURCE]).toEqual({ status: "complete" });
    expect(licensedScan.counts).toMatchObject({
      roleEligibilities: 2,
      roleAssignmentSchedules: 1,
      denyAssignments: 1,
    });
    // (aks-3 of the small tenant is unreachable on purpose; Graph's PIM is another source)
    expect(
      licensedScan.errors.filter(
        (error) => error.source === AZURE_PIM_SOURCE || error.source.startsWith("sub:"),
      ),
    ).toEqual([]);
  });

  it("without Entra ID P2: the PIM source is partial with the licence reason, nothing else suffers", () => {
    const { model, errors } = unlicensedScan;
    expect(model.coverage[AZURE_PIM_SOURCE]).toEqual({
      status: "partial",
      reason: expect.stringContaining("AadPremiumLicenseRequired"),
    });
    expect(model.coverage[subscriptionSource(subscriptionId)]).toEqual({ status: "complete" });
    expect(model.roleEligibilities).toEqual([]);
    expect(model.roleAssignmentSchedules).toEqual([]);
    // deny assignments need no licence
    expect(model.denyAssignments).toHaveLength(1);
    expect(
      errors
        .filter((error) => error.source === AZURE_PIM_SOURCE || error.source.startsWith("sub:"))
        .map((error) => [error.source, error.code]),
    ).toEqual([
      [AZURE_PIM_SOURCE, "AadPremiumLicenseRequired"],
      [AZURE_PIM_SOURCE, "AadPremiumLicenseRequired"],
    ]);
    // everything else the same as the licensed scan
    expect(model.roleAssignments).toEqual(licensedScan.model.roleAssignments);
    expect(Object.keys(model.kubernetes)).toEqual(Object.keys(licensedScan.model.kubernetes));
  });

  it("costs three ARM lists per subscription (plus pages), not one per assignment", () => {
    const routes = licensed.emulator.routeCounts();
    const pim = Object.entries(routes).filter(([route]) =>
      /^arm (roleEligibilityScheduleInstances|roleAssignmentScheduleInstances|denyAssignments)/.test(route),
    );
    // page size 1: 2 eligibilities, 15 active instances, 1 deny assignment → 2 + 15 + 1 pages
    expect(Object.fromEntries(pim)).toEqual({
      "arm roleEligibilityScheduleInstances.listForScope": 2,
      // the file's assignments and the scanner's own
      "arm roleAssignmentScheduleInstances.listForScope": licensed.tenant.roleAssignments.length + 1,
      "arm denyAssignments.listForScope": 1,
    });
  });
});

describe("storing such scans (runScan, real PostgreSQL)", () => {
  it("a tenant without Entra ID P2 scans partial, not failed; eligible grants are stored marked eligible", async () => {
    const db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const scanOf = (running: TestEmulator, id: string) =>
        runScan({
          pool,
          tenant: { id, displayName: "small", source: "import" },
          trigger: "cli",
          collect: () =>
            collectTenant(scanTargetForEmulator(running.emulator), {
              pageSize: 1,
              http: { retryDelayMs: 10, maxRetryDelayMs: 100 },
            }),
        });
      const without = await scanOf(unlicensed, "00000000-0000-4000-8000-0000000000a1");
      expect(without.status).toBe("partial");
      const withPim = await scanOf(licensed, "00000000-0000-4000-8000-0000000000a2");
      const kinds = await pool.query<{ tenant_id: string; kind: string; n: string }>(
        `SELECT tenant_id, kind, count(*) AS n FROM snapshot_records
          WHERE kind IN ('roleEligibility', 'roleAssignmentSchedule', 'denyAssignment') AND valid_to_scan IS NULL
          GROUP BY tenant_id, kind ORDER BY tenant_id, kind`,
      );
      expect(kinds.rows.map((row) => [row.tenant_id.slice(-2), row.kind, Number(row.n)])).toEqual([
        ["a1", "denyAssignment", 1],
        ["a2", "denyAssignment", 1],
        ["a2", "roleAssignmentSchedule", 1],
        ["a2", "roleEligibility", 2],
      ]);
      const eligible = await pool.query<{ data: { level: string; eligible?: boolean; route: string } }>(
        `SELECT data FROM snapshot_records WHERE tenant_id = $1 AND kind = 'access.grant'
           AND valid_to_scan IS NULL AND data->>'eligible' = 'true'`,
        ["00000000-0000-4000-8000-0000000000a2"],
      );
      expect(eligible.rows.length).toBeGreaterThan(0);
      expect(withPim.scanId).toBeDefined();
    } finally {
      await pool.end();
      await db.drop();
    }
  }, 120_000);
});
