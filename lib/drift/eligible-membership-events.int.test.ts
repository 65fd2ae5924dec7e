import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
} from "@/lib/access/fixtures/access-model-builder";
import { type GroupEligibility, PIM_SOURCE } from "@/lib/model/directory";
import type { TenantModel } from "@/lib/model/tenant-model";
import { runScan } from "@/lib/scan/run-scan";
import { type ScannedDemo, scanModelIntoTestDatabase } from "@/tests/helpers/scanned-demo";
import { computeDrift } from "./compute-drift";
import { resolveDriftRange } from "./scan-range";
import type { DriftEvent, DriftReport } from "./types";

// Issue 15: "a user joining a group is one drift event". Microsoft's just-in-time cluster-admin makes a user an
// eligible member of the AKS admin group through PIM for Groups; once the membership is activated the member
// holds what the group holds ("privileged access groups": members get the group's access only after
// activation — learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups).
// The engine gives such a member the group's grants, marked eligible (lib/access/eligible-combinations.test.ts);
// drift reports the eligibility beginning or ending as ONE event, with what it makes the member eligible for,
// not that and one `access.eligible` per grant.

const ADMINS = "5d0c4a55-0000-4000-8000-00000000ad01";
const HOWARD = "5d0c4a55-0000-4000-8000-0000000000a1";
const ANN = "5d0c4a55-0000-4000-8000-0000000000a2";
const ELIGIBILITY: GroupEligibility = {
  id: `${ADMINS}_member_${HOWARD}`,
  groupId: ADMINS,
  principalId: HOWARD,
  accessId: "member",
  endDateTime: "2031-01-01T00:00:00Z",
};

/** The AKS admin group (cluster-admin) that also reads through a ClusterRoleBinding; Howard eligible or not. */
function tenant(eligibilities: GroupEligibility[]): TenantModel {
  const model = new AccessModelBuilder({
    entra: { mode: "managed", azureRbac: false, adminGroupIds: [ADMINS], tenantId: "tenant-1" },
    localAccountsDisabled: true,
  })
    .principal(HOWARD)
    .principal(ANN)
    .group(ADMINS, [ANN])
    .kubernetes(
      clusterRole("namespace-reader", [
        { apiGroups: ["*"], resources: ["*"], verbs: ["get", "list", "watch"] },
      ]),
      clusterRoleBinding("admins-read", "namespace-reader", [group(ADMINS)]),
    )
    .build();
  model.groupEligibilities = eligibilities;
  // PIM read completely: an eligibility gone is an eligibility ended (lib/drift/scan-range.ts)
  model.coverage[PIM_SOURCE] = { status: "complete" };
  return model;
}

let scanned: ScannedDemo;
const scans: bigint[] = [];
/** Howard's access and escalation events (his PIM finding, not assessed, is an event of its own) */
const howardEvents = (report: DriftReport) =>
  report.events.filter((event) => event.subject.kind !== "finding" && JSON.stringify(event).includes(HOWARD));

async function scan(model: TenantModel) {
  await runScan({
    pool: scanned.pool,
    tenant: { id: model.tenantId, displayName: "PIM for Groups", source: "import" },
    trigger: "cli",
    collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
  });
  const { rows } = await scanned.pool.query<{ id: string }>("SELECT max(id)::text AS id FROM scans");
  scans.push(BigInt(rows[0].id));
}

const drift = async (from: bigint, to: bigint) =>
  computeDrift(scanned.pool, await resolveDriftRange(scanned.pool, { from, to }));

describe("drift of an eligible membership of the AKS admin group (PIM for Groups)", () => {
  beforeAll(async () => {
    scanned = await scanModelIntoTestDatabase(tenant([]), "PIM for Groups");
    const { rows } = await scanned.pool.query<{ id: string }>("SELECT max(id)::text AS id FROM scans");
    scans.push(BigInt(rows[0].id));
    await scan(tenant([ELIGIBILITY]));
    await scan(tenant([]));
  }, 300_000);

  afterAll(() => scanned?.close());

  it("is one event when it begins, saying what it makes the member eligible for", async () => {
    const events = howardEvents(await drift(scans[0], scans[1]));
    expect(events).toHaveLength(1);
    const [event] = events as [DriftEvent];
    expect(event).toMatchObject({
      kind: "access.eligible",
      // an eligible cluster-admin through the admin group
      severity: "high",
      subject: { kind: "groupEligibility", key: `${ADMINS}:member:${HOWARD}` },
    });
    expect(event.message).toMatch(
      /became eligible for membership of group .*: eligible for cluster-admin on aks-1 \(3 grants and escalations\)$/,
    );
    const access = (event.after as { access: { kind: string; key: string }[] }).access;
    // the admin group's cluster-admin, its read everywhere, and the kube-system secrets that read reaches
    expect(access.map((subject) => `${subject.kind} ${subject.key}`).sort()).toEqual([
      `access.escalation ${CLUSTER}|${HOWARD}|kube-system-secrets|*|kubernetes-rbac`,
      `access.grant ${CLUSTER}|${HOWARD}|cluster-admin|*|entra-admin-group`,
      `access.grant ${CLUSTER}|${HOWARD}|read|*|kubernetes-rbac`,
    ]);
  });

  it("is one event when it ends", async () => {
    const events = howardEvents(await drift(scans[1], scans[2]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "access.eligibility-ended",
      subject: { kind: "groupEligibility", key: `${ADMINS}:member:${HOWARD}` },
    });
    expect(events[0].message).toMatch(
      /no longer eligible for membership .*: no longer eligible for cluster-admin on aks-1/,
    );
    expect((events[0].before as { access: unknown[] }).access).toHaveLength(3);
  });
});
