import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/principals/[id]/paths/route";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { DEMO_APPLICATIONS, DEMO_USERS, PROD_SUBSCRIPTION } from "@/lib/emulator/demo/build-demo-tenant";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import {
  roleEligibilityScheduleInstance,
  type WireRoleEligibilityScheduleInstance,
} from "@/lib/model/wire/azure";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";

// `aks-atlas paths` and GET /api/principals/:id/paths on a scanned demo tenant: ci-deployer holds
// Azure Kubernetes Service Contributor on prod, so managedClusters/write makes it cluster-admin of
// aks-3 in one hop (it lists a group of its own in adminGroupObjectIDs), beside what it holds. Raj is
// added as eligible (PIM) for User Access Administrator on the prod subscription: one activation away
// from assigning himself cluster-admin on its clusters (roleAssignments/write), so his paths are eligible.
// Raj also owns ci-deployer (an owner adds it a client secret and signs in as it:
// learn.microsoft.com/graph/api/serviceprincipal-addpassword): a standing route, one hop longer, which is
// listed beside the eligible one — the eligible route alone would read as "governed by PIM".

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(" "));
  });
  const error = vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => {
    err.push(parts.join(" "));
  });
  try {
    process.exitCode = undefined;
    const code = await main(["node", "aks-atlas", "paths", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

type PathsJson = {
  from: { id: string; kind: string; displayName: string };
  paths: {
    cluster: { id: string; name: string };
    level: string;
    hops: number;
    eligible: boolean;
    alternative: boolean;
    path: { kind: string; id: string }[];
  }[];
};

const CI = DEMO_APPLICATIONS.ciDeployer.objectId;
const RAJ = DEMO_USERS.raj;

/** Raj's eligibility, in the wire shape of roleEligibilityScheduleInstances (api-version 2020-10-01). */
function rajEligibleForUserAccessAdministrator(): WireRoleEligibilityScheduleInstance {
  const scope = `/subscriptions/${PROD_SUBSCRIPTION}`;
  return roleEligibilityScheduleInstance({
    scope,
    roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.userAccessAdministrator}`,
    principalId: RAJ,
    principalType: "User",
    name: "e1160000-0000-0000-0000-0000000000f8",
    startDateTime: "2026-01-01T00:00:00Z",
    endDateTime: null,
  });
}

describe("aks-atlas paths and /api/principals/:id/paths", () => {
  let db: TestDatabase;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    const pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    demo.roleEligibilityScheduleInstances = [
      ...(demo.roleEligibilityScheduleInstances ?? []),
      rajEligibleForUserAccessAdministrator(),
    ];
    demo.entra?.owners.push({ objectId: CI, ownerIds: [RAJ] });
    const model = modelFromTenantFile(demo);
    await runScan({
      pool,
      tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
      trigger: "cli",
      collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
    });
    await pool.end();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    await db.drop();
  });

  it("prints the principal and its paths as JSON", async () => {
    const { code, stdout } = await run("--from", CI, "--json");
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as PathsJson;
    expect(result.from).toEqual({ id: CI, kind: "ServicePrincipal", displayName: "ci-deployer" });
    const aks3 = result.paths.find((path) => path.cluster.name === "aks-3" && path.level === "cluster-admin");
    expect(aks3).toMatchObject({ hops: 1, eligible: false });
    expect(aks3?.path[0]).toMatchObject({ kind: "principal" });
    expect(aks3?.path.at(-1)).toMatchObject({ kind: "cluster" });
    // It holds cluster-admin on aks-1 already (local admin credential): no path there.
    expect(result.paths.some((path) => path.cluster.name === "aks-1")).toBe(false);
  });

  it("filters by cluster and level, and recomputes beyond the stored bound with the same answer", async () => {
    const stored = JSON.parse(
      (await run("--from", CI, "--to", "aks-3", "--level", "cluster-admin", "--json")).stdout,
    ) as PathsJson;
    expect(stored.paths.map((path) => `${path.cluster.name} ${path.level} ${path.hops}`)).toEqual([
      "aks-3 cluster-admin 1",
    ]);
    const recomputed = JSON.parse(
      (await run("--from", CI, "--to", "aks-3", "--level", "cluster-admin", "--max-hops", "8", "--json"))
        .stdout,
    ) as PathsJson;
    expect(recomputed.paths).toEqual(stored.paths);
  });

  it("marks a path that needs a PIM activation eligible, stored or recomputed", async () => {
    const stored = JSON.parse(
      (await run("--from", RAJ, "--to", "aks-payments", "--json")).stdout,
    ) as PathsJson;
    const admin = stored.paths.find((path) => path.level === "cluster-admin");
    expect(admin).toMatchObject({ hops: 1, eligible: true });
    expect(admin?.path.map((step) => step.kind)).toContain("roleEligibility");
    const recomputed = JSON.parse(
      (await run("--from", RAJ, "--to", "aks-payments", "--max-hops", "8", "--json")).stdout,
    ) as PathsJson;
    expect(recomputed.paths).toEqual(stored.paths);
    const text = await run("--from", RAJ, "--to", "aks-payments", "--level", "cluster-admin");
    expect(text.stdout).toContain("cluster-admin on aks-payments in 1 hop (needs a PIM activation)");
  });

  it("lists the standing route beside a shorter eligible one, stored or recomputed", async () => {
    const rajToPayments = async (...bound: string[]) =>
      JSON.parse(
        (await run("--from", RAJ, "--to", "aks-payments", "--level", "cluster-admin", ...bound, "--json"))
          .stdout,
      ) as PathsJson;
    const stored = await rajToPayments();
    expect(stored.paths.map((path) => [path.hops, path.eligible, path.alternative])).toEqual([
      [1, true, false],
      [2, false, true],
    ]);
    const standing = stored.paths[1];
    expect(standing.path.map((step) => step.kind)).not.toContain("roleEligibility");
    expect(standing.path.map((step) => step.id)).toContain(CI);
    expect((await rajToPayments("--max-hops", "8")).paths).toEqual(stored.paths);
    // a bound of one hop keeps the eligible route only: the stored filter never drops the shortest path
    const oneHop = await rajToPayments("--max-hops", "1");
    expect(oneHop.paths.map((path) => [path.hops, path.alternative])).toEqual([[1, false]]);
    const text = await run("--from", RAJ, "--to", "aks-payments", "--level", "cluster-admin");
    expect(text.stdout).toContain(
      "cluster-admin on aks-payments in 2 hops (without the shorter route's activation or condition)",
    );
  });

  it("refuses an unknown principal, an unknown cluster and a hop bound outside 1..8", async () => {
    const unknown = await run("--from", "nobody@contoso.example", "--json");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No principal "nobody@contoso.example"');
    const cluster = await run("--from", CI, "--to", "aks-404", "--json");
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toContain('No cluster "aks-404"');
    for (const hops of ["0", "9", "two"]) {
      const bad = await run("--from", CI, "--max-hops", hops);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("from 1 to 8");
    }
  });

  it("answers the API with the same shape, 404 for an unknown principal or cluster, 400 for a bad bound", async () => {
    const get = (id: string, query = "") =>
      GET(new NextRequest(`http://127.0.0.1/api/principals/${id}/paths${query}`), {
        params: Promise.resolve({ id }),
      });
    const ok = await get(CI, "?to=aks-3&level=cluster-admin");
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as PathsJson;
    expect(body.from.id).toBe(CI);
    expect(body.paths.map((path) => `${path.cluster.name} ${path.hops}`)).toEqual(["aks-3 1"]);
    expect((await get("00000000-0000-0000-0000-0000000000ff00")).status).toBe(404);
    expect((await get(CI, "?to=aks-404")).status).toBe(404);
    const bad = await get(CI, "?maxHops=12");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("from 1 to 8");
    expect((await get(CI, "?level=owner")).status).toBe(400);
  });
});
