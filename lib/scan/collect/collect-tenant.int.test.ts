import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { SCANNER_MARKER } from "@/lib/emulator/scanner-identity";
import { startTestEmulator, type TestEmulator } from "@/lib/emulator/test-support";
import { ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { ClusterKubernetes } from "@/lib/model/kubernetes";
import { clusterSource, DIRECTORY_SOURCE, subscriptionSource } from "@/lib/model/sources";
import type { TenantModel } from "@/lib/model/tenant-model";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectOptions, type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { generatedTenantFile } from "@/tests/helpers/generated-tenant";

// The scanner against the emulator serving the demo tenant, through the official SDKs with page
// size 2 (every list pages): what it collects must be, object by object, what the offline import
// makes of the same tenant file, and under faults it must end with the right coverage and errors.

const PROD = "00000000-0000-0000-0000-0000000005b1";
const DEV = "00000000-0000-0000-0000-0000000005b2";
const JET = "00000000-0000-0000-0000-0000000000f2";
const clusterId = (subscription: string, group: string, name: string) =>
  `/subscriptions/${subscription}/resourcegroups/${group.toLowerCase()}/providers/microsoft.containerservice/managedclusters/${name}`;
const AKS_1 = clusterId(PROD, "rsg-aksIdentityState1", "aks-1");
const AKS_2 = clusterId(PROD, "rsg-aksIdentityState2", "aks-2");
const AKS_DATA = clusterId(PROD, "rg-data-prod", "aks-data");
const SCANNER_LABEL = SCANNER_MARKER.replace(":", "/");

// Short transport delays keep fault tests quick; the logic under test is the same.
const FAST: CollectOptions = {
  pageSize: 2,
  http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
};

let tenant: TenantFile;
let running: TestEmulator;
let baseline: CollectResult;

async function scan(options: CollectOptions = {}): Promise<CollectResult> {
  return collectTenant(scanTargetForEmulator(running.emulator), { ...FAST, ...options });
}

function statuses(model: TenantModel): Record<string, string> {
  return Object.fromEntries(Object.entries(model.coverage).map(([source, entry]) => [source, entry.status]));
}

const sortBy = <T>(items: readonly T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

function withoutReasons(model: TenantModel): TenantModel {
  return {
    ...model,
    coverage: Object.fromEntries(
      Object.entries(model.coverage).map(([source, entry]) => [source, { status: entry.status }]),
    ),
  };
}

/** The model without what the scan produces from the scanner's own provisioning (see below). */
function withoutScannerObjects(model: TenantModel, scannerObjectId: string): TenantModel {
  const scannerAssignments = model.roleAssignments.filter(
    (assignment) => assignment.principalId === scannerObjectId,
  );
  const scannerRoles = new Set(scannerAssignments.map((assignment) => assignment.roleDefinitionId));
  const kubernetes: Record<string, ClusterKubernetes> = {};
  for (const [id, inventory] of Object.entries(model.kubernetes)) {
    kubernetes[id] = {
      ...inventory,
      clusterRoles: inventory.clusterRoles.filter((role) => role.labels[SCANNER_LABEL] !== "true"),
      clusterRoleBindings: inventory.clusterRoleBindings.filter(
        (binding) => binding.labels[SCANNER_LABEL] !== "true",
      ),
    };
  }
  return {
    ...model,
    roleAssignments: model.roleAssignments.filter((assignment) => assignment.principalId !== scannerObjectId),
    roleDefinitions: model.roleDefinitions.filter((definition) => !scannerRoles.has(definition.guid)),
    principals: model.principals.filter((principal) => principal.id !== scannerObjectId),
    kubernetes,
  };
}

beforeAll(async () => {
  tenant = await loadDemoTenant();
  running = await startTestEmulator({ tenant, pageSize: 2, seed: 11 });
  baseline = await scan();
});
afterEach(() => {
  running.emulator.setFaults([]);
  running.emulator.resetCounts();
});
afterAll(async () => {
  await running?.stop();
});

describe("the demo tenant, page size 2", () => {
  it("collects, object by object, what the offline import makes of the tenant file", () => {
    const expected = modelFromTenantFile(tenant);
    const { scanner } = running.emulator;

    // Differences owed to the emulator provisioning the scanner exactly as docs/permissions says:
    // its service principal, the custom role assigned at the tenant root management group, and
    // the read-only ClusterRole (+ binding) on clusters without Azure RBAC. Real tenants have them too.
    const scannerAssignments = baseline.model.roleAssignments.filter(
      (assignment) => assignment.principalId === scanner.objectId,
    );
    expect(scannerAssignments.map((assignment) => assignment.scope)).toEqual([
      "/providers/microsoft.management/managementgroups/00000000-0000-0000-0000-00000000c0de",
    ]);
    const scannerRole = baseline.model.roleDefinitions.find(
      (definition) => definition.guid === scannerAssignments[0]?.roleDefinitionId,
    );
    expect(scannerRole?.roleName).toBe("AKS Identity Atlas Reader");
    expect(scannerRole?.permissions[0]?.actions).not.toContain(
      "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    );
    expect(
      baseline.model.principals.find((principal) => principal.id === scanner.objectId)?.displayName,
    ).toBe(scanner.displayName);
    const clustersWithScannerRole = Object.entries(baseline.model.kubernetes)
      .filter(([, inventory]) =>
        inventory.clusterRoles.some((role) => role.name === "aks-identity-atlas-reader"),
      )
      .map(([id]) => id)
      .sort();
    const withoutAzureRbac = baseline.model.clusters
      .filter((cluster) => !cluster.entra.azureRbac && baseline.model.kubernetes[cluster.id])
      .map((cluster) => cluster.id)
      .sort();
    expect(clustersWithScannerRole).toEqual(withoutAzureRbac);
    expect(clustersWithScannerRole.length).toBeGreaterThan(0);

    // The tenant file still lists the deleted principal …ff as a member of team-web; Microsoft Graph
    // does not return deleted objects as members, so the scan cannot see that membership.
    const deleted = new Set(
      expected.principals.filter((principal) => principal.deleted).map((principal) => principal.id),
    );
    expect(deleted.size).toBeGreaterThan(0);
    const expectedMemberships = expected.groupMemberships.map((membership) => ({
      ...membership,
      directMemberIds: membership.directMemberIds.filter((id) => !deleted.has(id)),
      memberIds: membership.memberIds.filter((id) => !deleted.has(id)),
    }));

    const actual = withoutScannerObjects(baseline.model, scanner.objectId);
    expect(actual.tenantId).toBe(expected.tenantId);
    const byId = <T extends { id: string }>(items: readonly T[]) => sortBy(items, (item) => item.id);
    expect(byId(actual.subscriptions)).toEqual(byId(expected.subscriptions));
    expect(byId(actual.managementGroups)).toEqual(byId(expected.managementGroups));
    expect(byId(actual.clusters)).toEqual(byId(expected.clusters));
    expect(byId(actual.identities)).toEqual(byId(expected.identities));
    expect(byId(actual.federatedCredentials)).toEqual(byId(expected.federatedCredentials));
    expect(byId(actual.roleDefinitions)).toEqual(byId(expected.roleDefinitions));
    expect(byId(actual.roleAssignments)).toEqual(byId(expected.roleAssignments));
    expect(byId(actual.principals)).toEqual(byId(expected.principals));
    expect(sortBy(actual.groupMemberships, (membership) => membership.groupId)).toEqual(
      sortBy(expectedMemberships, (membership) => membership.groupId),
    );
    expect(Object.keys(actual.kubernetes).sort()).toEqual(Object.keys(expected.kubernetes).sort());
    const objectKey = (object: { namespace?: string; name: string }) =>
      `${object.namespace ?? ""}/${object.name}`;
    for (const [id, inventory] of Object.entries(expected.kubernetes)) {
      for (const [kind, objects] of Object.entries(inventory) as [
        keyof ClusterKubernetes,
        { name: string }[],
      ][]) {
        expect(sortBy(actual.kubernetes[id]?.[kind] ?? [], objectKey), `${id} ${kind}`).toEqual(
          sortBy(objects, objectKey),
        );
      }
    }
    expect(statuses(actual)).toEqual(statuses(expected));
  });

  it("reports no errors but the unreachable cluster, and counts exactly the requests the emulator served", () => {
    expect(baseline.errors).toHaveLength(1);
    expect(baseline.errors[0]).toMatchObject({ source: clusterSource(AKS_DATA), code: "ECONNRESET" });
    expect(baseline.model.coverage[clusterSource(AKS_DATA)]?.reason).toMatch(/cannot be reached/);
    expect(baseline.counts).toMatchObject({
      subscriptions: 2,
      clusters: 7,
      clustersRead: 6,
      deletedPrincipals: 1,
    });
  });

  it("counts the calls it makes the way the emulator counts the calls it serves", async () => {
    running.emulator.resetCounts();
    const result = await scan();
    expect(result.apiCalls).toEqual(running.emulator.counts());
    // Page size 2 means many pages, yet per-subscription reads stay per subscription: only the
    // Kubernetes reads grow with clusters.
    expect(result.apiCalls.kubernetes).toBeGreaterThan(6 * 11);
  });
});

describe("faults", () => {
  it("absorbs a 429 storm on every API, honouring Retry-After, with the same result", async () => {
    running.emulator.setFaults([{ kind: "throttle", family: "*", rate: 0.3, retryAfterSeconds: 0 }]);
    const result = await scan();
    expect(result.counts.throttledResponses).toBeGreaterThan(10);
    expect(result.model).toEqual(baseline.model);
    expect(result.errors).toEqual(baseline.errors);
  });

  it("waits out Retry-After before asking again", async () => {
    running.emulator.setFaults([
      {
        kind: "throttle",
        family: "arm",
        rate: 1,
        retryAfterSeconds: 1,
        match: "roleAssignments",
        maxCount: 1,
      },
    ]);
    const started = performance.now();
    const result = await scan();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(running.emulator.routeCounts()["arm fault:throttle"]).toBe(1);
    expect(result.model).toEqual(baseline.model);
  });

  it("retries 5xx answers, stalled requests and truncated bodies on every API", async () => {
    running.emulator.resetCounts();
    running.emulator.setFaults([
      { kind: "error5xx", family: "*", rate: 0.15 },
      { kind: "truncate", family: "*", rate: 0.1 },
      { kind: "stall", family: "*", rate: 0.03 },
    ]);
    // The per-attempt deadline is what turns a stall into a retry, so it must stay well above a healthy
    // answer: the role definition list is now the whole built-in catalogue in one 1.2 MB response (as
    // ARM answers it), which takes 250-450 ms on a loaded test machine with the emulator in this
    // process. At 400 ms healthy attempts timed out too, and their retries piled onto the same CPU.
    const result = await scan({ http: { ...FAST.http, requestTimeoutMs: 2_000, maxRetries: 6 } });
    const routes = running.emulator.routeCounts();
    expect(Object.keys(routes).filter((route) => route.includes("fault:")).length).toBeGreaterThanOrEqual(3);
    // The unreachable cluster's last attempt may meet a fault instead of the reset: same status,
    // other words.
    expect(withoutReasons(result.model)).toEqual(withoutReasons(baseline.model));
    expect(result.errors.map((error) => error.source)).toEqual(baseline.errors.map((error) => error.source));
    expect(result.apiCalls).toEqual(running.emulator.counts());
  });

  it("marks an unreachable cluster not-read and reads the others", async () => {
    running.emulator.setFaults([{ kind: "unreachable", cluster: AKS_1 }]);
    const result = await scan();
    expect(result.model.coverage[clusterSource(AKS_1)]).toMatchObject({ status: "not-read" });
    expect(result.model.kubernetes[AKS_1]).toBeUndefined();
    expect(result.errors.map((error) => error.source).sort()).toEqual(
      [clusterSource(AKS_1), clusterSource(AKS_DATA)].sort(),
    );
    expect(result.model.kubernetes[AKS_2]).toEqual(baseline.model.kubernetes[AKS_2]);
    // The Azure side of the unreachable cluster is still known.
    expect(result.model.clusters).toEqual(baseline.model.clusters);
  });

  it("keeps a principal deleted from the directory as deleted, without failing", async () => {
    running.emulator.setFaults([{ kind: "deleted-principal", principalId: JET }]);
    const result = await scan();
    expect(result.model.principals.find((principal) => principal.id === JET)).toEqual({
      id: JET,
      kind: "User",
      displayName: JET,
      deleted: true,
    });
    expect(result.model.coverage[DIRECTORY_SOURCE]).toEqual({ status: "complete" });
    expect(result.errors).toEqual(baseline.errors);
  });

  it("makes a subscription partial when one of its reads keeps failing, and goes on", async () => {
    running.emulator.setFaults([
      {
        kind: "error5xx",
        family: "arm",
        rate: 1,
        status: 500,
        match: `/subscriptions/${DEV}/providers/Microsoft.Authorization/roleAssignments`,
      },
    ]);
    const result = await scan({ http: { ...FAST.http, maxRetries: 2 } });
    expect(result.model.coverage[subscriptionSource(DEV)]).toMatchObject({
      status: "partial",
      reason: expect.stringMatching(/role assignments/),
    });
    expect(result.model.coverage[subscriptionSource(PROD)]).toEqual({ status: "complete" });
    expect(result.errors).toContainEqual(
      expect.objectContaining({ source: subscriptionSource(DEV), code: "InternalServerError" }),
    );
    // Assignments of the other subscription, and those inherited from above, are still there.
    expect(
      result.model.roleAssignments.some((assignment) =>
        assignment.scope.startsWith(`/subscriptions/${PROD}`),
      ),
    ).toBe(true);
    expect(
      result.model.roleAssignments.some((assignment) => assignment.scope.startsWith(`/subscriptions/${DEV}`)),
    ).toBe(false);
  });

  it("falls back to the ARM lists when Resource Graph fails, with the same clusters and identities", async () => {
    running.emulator.setFaults([{ kind: "error5xx", family: "resource-graph", rate: 1, status: 503 }]);
    const result = await scan({ http: { ...FAST.http, maxRetries: 1 } });
    expect(result.counts.resourceGraphFallbacks).toBe(2);
    expect(result.model).toEqual(baseline.model);
    expect(result.errors).toEqual(baseline.errors);
  });

  it("gives up on a cluster when its time budget runs out", async () => {
    running.emulator.setFaults([{ kind: "latency", family: "kubernetes", ms: 400 }]);
    const result = await scan({ clusterBudgetMs: 300 });
    // Every cluster, the unreachable one included (its resets come after the latency too).
    const outOfTime = Object.entries(result.model.coverage).filter(([, entry]) =>
      entry.reason?.includes("time budget"),
    );
    expect(outOfTime.map(([source]) => source).sort()).toEqual(
      baseline.model.clusters.map((cluster) => clusterSource(cluster.id)).sort(),
    );
    expect(outOfTime.every(([, entry]) => entry.status === "not-read")).toBe(true);
    expect(result.errors.filter((error) => error.code === "ClusterTimeBudgetExceeded")).toHaveLength(7);
    expect(result.model.coverage[subscriptionSource(PROD)]).toEqual({ status: "complete" });
  });
});

describe("permissions and cancellation", () => {
  it("needs Directory.Read.All: with the per-type Graph permissions, only the directory is partial", async () => {
    const limited = await startTestEmulator({
      tenant,
      pageSize: 2,
      seed: 11,
      scannerGraphPermissions: ["User.Read.All", "GroupMember.Read.All", "Application.Read.All"],
    });
    try {
      const result = await collectTenant(scanTargetForEmulator(limited.emulator), FAST);
      expect(result.model.coverage[DIRECTORY_SOURCE]).toMatchObject({ status: "partial" });
      expect(result.errors).toContainEqual(
        expect.objectContaining({ source: DIRECTORY_SOURCE, code: "Authorization_RequestDenied" }),
      );
      // Nothing outside the directory depends on it (PIM eligibility and administrative units need
      // permissions of their own).
      const {
        [DIRECTORY_SOURCE]: _directory,
        [PIM_SOURCE]: _pim,
        [ADMINISTRATIVE_UNITS_SOURCE]: _units,
        ...others
      } = statuses(result.model);
      const {
        [DIRECTORY_SOURCE]: _baselineDirectory,
        [PIM_SOURCE]: _baselinePim,
        [ADMINISTRATIVE_UNITS_SOURCE]: _baselineUnits,
        ...baselineOthers
      } = statuses(baseline.model);
      expect(result.model.coverage[PIM_SOURCE]).toMatchObject({ status: "not-read" });
      expect(result.model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toMatchObject({ status: "not-read" });
      expect(others).toEqual(baselineOthers);
      expect(result.model.roleAssignments).toEqual(baseline.model.roleAssignments);
    } finally {
      await limited.stop();
    }
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    running.emulator.setFaults([{ kind: "latency", family: "*", ms: 50 }]);
    const scanning = scan({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("scan cancelled")), 100);
    await expect(scanning).rejects.toThrow("scan cancelled");
  });
});

describe("pacing", () => {
  it("slows down as ARM's read budget runs low instead of running into 429s", async () => {
    // One subscription, 400 identities: 400+ reads against one token bucket of 250 (25/s refill).
    const generated = await generatedTenantFile({
      seed: 3,
      subscriptions: 1,
      clusters: 2,
      identities: 400,
      roleAssignments: 50,
      principals: 20,
    });
    const bucketed = await startTestEmulator({
      tenant: generated,
      pageSize: 100,
      seed: 3,
      armTokenBucket: true,
    });
    try {
      const result = await collectTenant(scanTargetForEmulator(bucketed.emulator), {
        ...FAST,
        pageSize: 100,
      });
      expect(result.apiCalls.arm).toBeGreaterThan(400);
      expect(result.counts.throttledResponses).toBe(0);
      expect(result.counts.pacedMs).toBeGreaterThan(0);
      expect(bucketed.emulator.routeCounts().throttled ?? 0).toBe(0);
      expect(
        result.model.coverage[subscriptionSource(generated.subscriptions[0]?.subscriptionId ?? "")],
      ).toEqual({
        status: "complete",
      });
    } finally {
      await bucketed.stop();
    }
  });
});

describe("cost", () => {
  it("makes the same calls when role assignments grow tenfold (they are listed per subscription)", async () => {
    const grown: TenantFile = structuredClone(tenant);
    const template = tenant.roleAssignments;
    for (let copy = 0; copy < 9; copy++) {
      for (const [index, assignment] of template.entries()) {
        const name = `${String(copy).padStart(8, "0")}-0000-4000-8000-${String(index).padStart(12, "0")}`;
        grown.roleAssignments.push({
          ...assignment,
          id: assignment.id.replace(/[^/]+$/, name),
          name,
        });
      }
    }
    const other = await startTestEmulator({ tenant: grown, pageSize: 1000, seed: 11 });
    try {
      const small = await startTestEmulator({ tenant, pageSize: 1000, seed: 11 });
      try {
        const options = { ...FAST, pageSize: 1000 };
        const before = await collectTenant(scanTargetForEmulator(small.emulator), options);
        const after = await collectTenant(scanTargetForEmulator(other.emulator), options);
        expect(after.counts.roleAssignments).toBe(before.counts.roleAssignments * 10 - 9);
        expect(after.apiCalls.arm).toBe(before.apiCalls.arm);
        expect(after.apiCalls["resource-graph"]).toBe(before.apiCalls["resource-graph"]);
        expect(after.apiCalls.graph).toBe(before.apiCalls.graph);
      } finally {
        await small.stop();
      }
    } finally {
      await other.stop();
    }
  });
});
