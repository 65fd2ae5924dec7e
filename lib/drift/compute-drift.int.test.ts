import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { accessToRecords } from "@/lib/access/records";
import type { Queryable } from "@/lib/db/queryable";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { type MutationChange, mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import type { Finding } from "@/lib/findings/types";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { contentHash, modelToRecords, type SnapshotRecordInput } from "@/lib/model/records";
import { clusterSource } from "@/lib/model/sources";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";
import { runScan, type ScanTenantInfo } from "@/lib/scan/run-scan";
import type { CollectFunction } from "@/lib/scan/scan-types";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { resolveDriftCluster } from "./cluster-ref";
import { computeDrift } from "./compute-drift";
import { objectDiff } from "./object-history";
import { DriftInputError, DriftNotFoundError, resolveDriftRange } from "./scan-range";
import { driftTimeline } from "./timeline";
import type { DriftEvent } from "./types";

// The acceptance tests of drift: the events between a tenant and its mutation are exactly the changes the
// mutation manifest lists, plus the access and finding changes they cause — computed here independently
// by evaluating both models with lib/access and lib/findings and diffing the results in memory.

function collectModel(model: TenantModel): CollectFunction {
  return async (onProgress) => {
    onProgress({ done: 1, total: 1 });
    return { model, errors: [], apiCalls: {}, counts: { cluster: model.clusters.length } };
  };
}

type Op = "added" | "removed" | "changed";

/** In-memory diff of two record lists by (kind, key) and content hash: the oracle. */
function diffRecords(before: SnapshotRecordInput[], after: SnapshotRecordInput[]) {
  const index = (records: SnapshotRecordInput[]) =>
    new Map(records.map((r) => [`${r.kind} ${r.naturalKey}`, { record: r, hash: contentHash(r.data) }]));
  const b = index(before);
  const a = index(after);
  const out = new Map<string, { op: Op; before?: SnapshotRecordInput; after?: SnapshotRecordInput }>();
  for (const [key, entry] of b) {
    const other = a.get(key);
    if (!other) out.set(key, { op: "removed", before: entry.record });
    else if (other.hash !== entry.hash)
      out.set(key, { op: "changed", before: entry.record, after: other.record });
  }
  for (const [key, entry] of a) if (!b.has(key)) out.set(key, { op: "added", after: entry.record });
  return out;
}

function analysisRecords(model: TenantModel): SnapshotRecordInput[] {
  const index = buildAccessIndex(model);
  const access = evaluateTenantAccess(model, index);
  return [...accessToRecords(access), ...findingsToRecords(evaluateFindings(model, access, { index }))];
}

/** The event kind a changed analysis record must produce, from first principles. */
function expectedAnalysisKind(
  kind: string,
  op: Op,
  before?: SnapshotRecordInput,
  after?: SnapshotRecordInput,
) {
  const verb = { added: "gained", removed: "lost", changed: "changed" }[op];
  if (kind === "access.grant") {
    // An eligible grant (PIM, issue #14) appears and goes as eligibility.
    const eligible = ((after ?? before)?.data as { eligible?: boolean } | undefined)?.eligible === true;
    if (eligible && op === "added") return "access.eligible";
    if (eligible && op === "removed") return "access.eligibility-ended";
    return `access.${verb}`;
  }
  if (kind === "access.escalation") return `escalation.${verb}`;
  const was = (before?.data as Finding | undefined)?.status;
  const is = (after?.data as Finding | undefined)?.status;
  if (is === "fail" && was !== "fail") return "finding.opened";
  if (was === "fail" && (is === "pass" || is === undefined)) return "finding.resolved";
  return "finding.changed";
}

const eventKey = (event: DriftEvent) => `${event.subject.kind} ${event.subject.key}`;
const isAnalysis = (kind: string) => kind.startsWith("access.") || kind === "finding";

/**
 * Each access event, and each member's access change folded into a group's event of the same change (listed in
 * its `members`, lib/drift/membership-events.ts), as one entry: eventKey → kind. A folded change is reported
 * once, inside the event that explains it.
 */
function analysisEntries(events: readonly DriftEvent[]): [string, string][] {
  return events.flatMap((event) => {
    const end = (event.after ?? event.before) as { members?: DriftEvent["subject"][] } | null;
    const folded = (end?.members ?? []).map((subject): [string, string] => [
      `${subject.kind} ${subject.key}`,
      event.kind,
    ]);
    return [[eventKey(event), event.kind] as [string, string], ...folded];
  });
}

describe("drift between two scans", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let demo: TenantFile;
  let mutated: TenantFile;
  let manifest: MutationChange[];
  let tenant: ScanTenantInfo;
  let first: bigint;
  let second: bigint;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url });
    demo = await loadDemoTenant();
    const document = JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
    manifest = mutateTenantDocument(document, { seed: 11, share: 0.25 });
    mutated = parseTenantFile(document, "mutated demo");
    tenant = { id: demo.tenantId, displayName: "Contoso", source: "import" };
    first = (
      await runScan({ pool, tenant, trigger: "cli", collect: collectModel(modelFromTenantFile(demo)) })
    ).scanId;
    second = (
      await runScan({ pool, tenant, trigger: "cli", collect: collectModel(modelFromTenantFile(mutated)) })
    ).scanId;
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it("reports exactly the manifest's changes and the access and finding changes they cause", async () => {
    expect(manifest.length).toBeGreaterThan(5);
    const range = await resolveDriftRange(pool, { to: second });
    expect(range.from?.id).toBe(first);
    const report = await computeDrift(pool, range);
    expect(report.from).toBe(first.toString());
    expect(report.to).toBe(second.toString());

    const before = modelFromTenantFile(demo);
    const after = modelFromTenantFile(mutated);
    const inventory = diffRecords(modelToRecords(before), modelToRecords(after));
    const analysis = diffRecords(analysisRecords(before), analysisRecords(after));

    // The inventory oracle agrees with the manifest: every manifest change, plus only the binding AKS
    // reconciles from a cluster's admin groups.
    // A changed PIM role management policy is stored as the `activation` of the eligibilities it
    // governs (no record of its own): those eligibilities change instead.
    const changedPolicies = new Set(
      manifest.filter((c) => c.kind === "roleManagementPolicy").map((c) => c.key),
    );
    const manifestKeys = new Map(
      manifest
        .filter((c) => c.kind !== "roleManagementPolicy")
        .map((c) => [`${c.kind} ${c.key}`, { add: "added", remove: "removed", change: "changed" }[c.op]]),
    );
    const governed = (key: string) => {
      const eligibility = after.roleEligibilities.find((e) => `roleEligibility ${e.id}` === key);
      return changedPolicies.has(eligibility?.activation?.policyId ?? "");
    };
    for (const [key, op] of manifestKeys) expect(inventory.get(key)?.op, key).toBe(op);
    for (const key of inventory.keys()) {
      if (!manifestKeys.has(key) && !governed(key))
        expect(key).toMatch(/\|ClusterRoleBinding\|\|aks-cluster-admin-binding/);
    }
    expect(analysis.size).toBeGreaterThan(0);

    const objectEvents = report.events.filter((e) => !isAnalysis(e.subject.kind));
    const analysisEvents = report.events.filter((e) => isAnalysis(e.subject.kind));
    // No more, no fewer: one event per changed record, of the kind the oracle says.
    expect(new Map(objectEvents.map((e) => [eventKey(e), e.kind]))).toEqual(
      new Map([...inventory].map(([key, change]) => [key, expectedObjectKind(key.split(" ")[0], change)])),
    );
    expect(objectEvents).toHaveLength(inventory.size);
    const analysisReported = analysisEntries(analysisEvents);
    // members' changes their group's same change explains are folded into its event: some are, here
    expect(analysisReported.length).toBeGreaterThan(analysisEvents.length);
    expect(new Map(analysisReported)).toEqual(
      new Map(
        [...analysis].map(([key, change]) => [
          key,
          expectedAnalysisKind(key.split(" ")[0], change.op, change.before, change.after),
        ]),
      ),
    );
    expect(analysisReported).toHaveLength(analysis.size);
    expect(report.suppressedStale).toBe(0);
  });

  it("shows field-level before and after for changed cluster settings", async () => {
    const report = await computeDrift(pool, await resolveDriftRange(pool, { from: first, to: second }));
    const modelField: Record<string, string> = {
      "$.properties.disableLocalAccounts": "$.localAccountsDisabled",
      "$.properties.aadProfile.enableAzureRBAC": "$.entra.azureRbac",
      "$.properties.aadProfile.adminGroupObjectIDs": "$.entra.adminGroupIds",
    };
    const clusterChanges = manifest.filter((c) => c.kind === "cluster" && c.op === "change");
    expect(clusterChanges.length).toBeGreaterThan(0);
    for (const change of clusterChanges) {
      const event = report.events.find((e) => e.subject.kind === "cluster" && e.subject.key === change.key);
      expect(event?.kind).toBe("object.changed");
      const path = modelField[change.field ?? ""];
      expect(event?.changes.some((c) => c.path === path || c.path.startsWith(`${path}[`))).toBe(true);
      if (change.field === "$.properties.disableLocalAccounts") {
        // The model keeps ARM's sense (localAccountsDisabled = disableLocalAccounts === true,
        // lib/model/wire-azure.ts); an absent field is false. This branch ran for the first time when
        // the mutation stream at this seed came to flip disableLocalAccounts, and it had the sense inverted.
        expect(event?.changes).toContainEqual({
          path,
          before: change.before === true,
          after: change.after === true,
        });
      }
    }
  });

  it("writes messages a person can read, with a severity and links to the evidence", async () => {
    const report = await computeDrift(pool, await resolveDriftRange(pool, { to: second }));
    for (const event of report.events) {
      expect(event.message.length).toBeGreaterThan(10);
      expect(event.message).not.toMatch(/undefined|null|\[object/);
      expect(event.links[0].href).toMatch(/^\/drift\/object\?kind=/);
    }
    const gained = report.events.find((e) => e.kind === "access.gained");
    if (gained) {
      expect(gained.message).toMatch(/ gained .+ on .+ through /);
      expect(gained.cluster?.name).toBeTruthy();
    }
  });

  it("narrows to one cluster: its own records and the role assignments scoped inside it", async () => {
    const range = await resolveDriftRange(pool, { to: second });
    const all = await computeDrift(pool, range);
    const touched = all.events.find((e) => e.cluster)?.cluster;
    expect(touched).toBeTruthy();
    if (!touched) return;
    const cluster = await resolveDriftCluster(pool, range, touched.name);
    expect(cluster.id).toBe(touched.id);
    const narrowed = await computeDrift(pool, range, { cluster });
    const expected = all.events.filter(
      (e) => e.cluster?.id === cluster.id || e.subject.key.startsWith(`${cluster.id}/`),
    );
    expect(narrowed.events.map(eventKey).sort()).toEqual(expected.map(eventKey).sort());
    expect(narrowed.cluster).toEqual(cluster);
    await expect(resolveDriftCluster(pool, range, "no-such-cluster")).rejects.toBeInstanceOf(
      DriftNotFoundError,
    );
  });

  it("reports no removals for a cluster whose API could not be read, and guards the store's mistakes", async () => {
    const target = Object.entries(mutated.clusters ?? {})
      .filter(([, data]) => data.reachable !== false)
      .map(([id]) => id.toLowerCase())[0];
    const model = modelFromTenantFile(mutated);
    delete model.kubernetes[target];
    model.coverage[clusterSource(target)] = { status: "not-read", reason: "connect ECONNREFUSED" };
    const third = (await runScan({ pool, tenant, trigger: "cli", collect: collectModel(model) })).scanId;
    expect(third > second).toBe(true);

    const removal = /\.(removed|lost|resolved)$/;
    const range = await resolveDriftRange(pool, { to: third });
    const report = await computeDrift(pool, range);
    const aboutTarget = report.events.filter((e) => e.cluster?.id === target);
    expect(aboutTarget.filter((e) => removal.test(e.kind))).toEqual([]);
    // What the scan could not see is reported as not assessed, never as resolved.
    expect(aboutTarget.length).toBeGreaterThan(0);
    expect(aboutTarget.every((e) => e.kind === "finding.changed")).toBe(true);

    // A store that wrongly closed rows of the unread cluster must still not show them as removed.
    const { rowCount } = await pool.query(
      `UPDATE snapshot_records SET valid_to_scan = $1
       WHERE tenant_id = $2 AND cluster_id = $3 AND kind = 'k8s.roleBinding' AND valid_to_scan IS NULL`,
      [third.toString(), tenant.id, target],
    );
    expect(rowCount).toBeGreaterThan(0);
    try {
      const guarded = await computeDrift(pool, range);
      expect(guarded.events.filter((e) => e.cluster?.id === target && removal.test(e.kind))).toEqual([]);
      expect(guarded.suppressedStale).toBe(report.suppressedStale + (rowCount ?? 0));
    } finally {
      await pool.query(
        `UPDATE snapshot_records SET valid_to_scan = NULL
         WHERE tenant_id = $1 AND cluster_id = $2 AND kind = 'k8s.roleBinding' AND valid_to_scan = $3`,
        [tenant.id, target, third.toString()],
      );
    }
  });

  it("resolves the range: defaults, unknown scans and impossible pairs", async () => {
    const latest = await resolveDriftRange(pool, {});
    expect(latest.to.id > second).toBe(true);
    const baseline = await resolveDriftRange(pool, { to: first });
    expect(baseline.from).toBeNull();
    expect((await computeDrift(pool, baseline)).events).toEqual([]);
    await expect(resolveDriftRange(pool, { to: 999_999n })).rejects.toBeInstanceOf(DriftNotFoundError);
    await expect(resolveDriftRange(pool, { from: second, to: first })).rejects.toBeInstanceOf(
      DriftInputError,
    );
    await expect(resolveDriftRange(pool, { from: second, to: second })).rejects.toBeInstanceOf(
      DriftInputError,
    );
  });

  it("sends every value as a parameter, never inside the SQL text", async () => {
    const seen: { text: string; values: unknown[] }[] = [];
    const spy: Queryable = {
      query: (text, values) => {
        seen.push({ text, values: values ?? [] });
        return pool.query(text, values);
      },
    };
    const range = await resolveDriftRange(spy, { from: first, to: second });
    const hostile = "aks-1'; DROP TABLE scans; --";
    await expect(resolveDriftCluster(spy, range, hostile)).rejects.toBeInstanceOf(DriftNotFoundError);
    await computeDrift(spy, range, { cluster: { id: `/x/${hostile}`, name: hostile } });
    expect(seen.length).toBeGreaterThan(3);
    for (const { text } of seen) {
      expect(text).not.toContain(hostile);
      expect(text).not.toContain(tenant.id);
    }
    expect(seen.some(({ values }) => values.includes(`/x/${hostile}`))).toBe(true);
    expect((await pool.query("SELECT count(*) FROM scans")).rowCount).toBe(1);
  });

  it("charts each scan's drift against the one before, counted once and then read back", async () => {
    const points = await driftTimeline(pool, { tenantId: tenant.id });
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points[0]).toMatchObject({ scanId: first.toString(), fromScanId: null });
    expect(points[0].counts.total).toBe(0);
    const second_ = points.find((p) => p.scanId === second.toString());
    const report = await computeDrift(pool, await resolveDriftRange(pool, { to: second }));
    expect(second_?.fromScanId).toBe(first.toString());
    expect(second_?.counts.total).toBe(report.events.length);
    expect(Object.values(second_?.counts.bySeverity ?? {}).reduce((a, b) => a + b, 0)).toBe(
      report.events.length,
    );

    // The second read comes from drift_summaries (a planted number shows), and only the newest two points.
    await pool.query(
      `UPDATE drift_summaries SET counts = jsonb_set(counts, '{total}', '12345') WHERE to_scan_id = $1 AND scope = ''`,
      [second.toString()],
    );
    const again = await driftTimeline(pool, { tenantId: tenant.id, limit: 2 });
    expect(again).toHaveLength(2);
    expect(again[0].fromScanId).not.toBeNull();
    const planted = await driftTimeline(pool, { tenantId: tenant.id });
    expect(planted.find((p) => p.scanId === second.toString())?.counts.total).toBe(12345);

    const cluster = report.events.find((e) => e.cluster)?.cluster;
    if (!cluster) throw new Error("no cluster event");
    const narrowed = await driftTimeline(pool, { tenantId: tenant.id, cluster });
    expect(narrowed.find((p) => p.scanId === second.toString())?.counts.total).toBe(
      (await computeDrift(pool, await resolveDriftRange(pool, { to: second }), { cluster })).events.length,
    );
  });

  it("shows one object's versions and its field-level difference between two scans", async () => {
    const change = manifest.find((c) => c.kind === "cluster" && c.op === "change");
    if (!change) throw new Error("the manifest changed no cluster");
    const range = await resolveDriftRange(pool, { from: first, to: second });
    const diff = await objectDiff(pool, range, "cluster", change.key);
    expect(diff.before?.validFromScan).toBe(first.toString());
    expect(diff.after?.validFromScan).toBe(second.toString());
    expect(diff.changes.length).toBeGreaterThan(0);
    expect(diff.history.length).toBeGreaterThanOrEqual(2);
    await expect(objectDiff(pool, range, "cluster", "/no/such/cluster")).rejects.toBeInstanceOf(
      DriftNotFoundError,
    );
  });
});

/**
 * Inventory records are object events, except access that is not standing (issue #14): eligibilities
 * gained or ended, owners added or removed (lib/drift/events.ts).
 */
function expectedObjectKind(
  kind: string,
  change: { op: string; before?: SnapshotRecordInput; after?: SnapshotRecordInput },
): string {
  const dataOf = (record?: SnapshotRecordInput) =>
    (record?.data ?? {}) as { eligible?: boolean; ownerIds?: string[] };
  const data = dataOf(change.after ?? change.before);
  const eligibility =
    kind === "roleEligibility" ||
    kind === "groupEligibility" ||
    (kind === "directoryRoleAssignment" && data.eligible === true);
  if (eligibility && change.op !== "changed")
    return change.op === "added" ? "access.eligible" : "access.eligibility-ended";
  if (kind === "directoryOwnership") {
    const was = dataOf(change.before).ownerIds ?? [];
    const is = dataOf(change.after).ownerIds ?? [];
    if (is.some((id) => !was.includes(id))) return "access.owner-added";
    if (was.some((id) => !is.includes(id))) return "access.owner-removed";
  }
  return `object.${change.op}`;
}
