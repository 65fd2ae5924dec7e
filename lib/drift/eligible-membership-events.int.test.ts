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
import { type ScannedDemo, scanModel, scanModelIntoTestDatabase } from "@/tests/helpers/scanned-demo";
import { computeDrift } from "./compute-drift";
import { foldedSubjects } from "./membership-events";
import { resolveDriftRange } from "./scan-range";
import type { DriftEvent, DriftReport } from "./types";

// Issue 15: "a user joining a group is one drift event". Microsoft's just-in-time cluster-admin makes a user an
// eligible member of the AKS admin group through PIM for Groups; once the membership is activated the member
// holds what the group holds ("privileged access groups": members get the group's access only after
// activation — learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups).
// The engine gives such a member the group's grants, marked eligible (lib/access/eligible-combinations.test.ts);
// drift reports the eligibility beginning or ending as ONE event, with what it makes the member eligible for,
// not that and one `access.eligible` per grant. An owner of the group added or removed, and an eligible owner,
// likewise: one event each, with the attack paths the ownership opens (an owner adds members: attack-edges.md).

const ADMINS = "5d0c4a55-0000-4000-8000-00000000ad01";
const HOWARD = "5d0c4a55-0000-4000-8000-0000000000a1";
const ANN = "5d0c4a55-0000-4000-8000-0000000000a2";
const FAYE = "5d0c4a55-0000-4000-8000-0000000000a3";
const GINA = "5d0c4a55-0000-4000-8000-0000000000a4";
const ELIGIBILITY: GroupEligibility = {
  id: `${ADMINS}_member_${HOWARD}`,
  groupId: ADMINS,
  principalId: HOWARD,
  accessId: "member",
  endDateTime: "2031-01-01T00:00:00Z",
};

const GINA_ELIGIBLE_OWNER: GroupEligibility = {
  id: `${ADMINS}_owner_${GINA}`,
  groupId: ADMINS,
  principalId: GINA,
  accessId: "owner",
  endDateTime: null,
};

/**
 * The AKS admin group (cluster-admin) that also reads through a ClusterRoleBinding, its eligible members and
 * owners, and its owners.
 */
function tenant(eligibilities: GroupEligibility[], ownerIds: string[] = []): TenantModel {
  const model = new AccessModelBuilder({
    entra: { mode: "managed", azureRbac: false, adminGroupIds: [ADMINS], tenantId: "tenant-1" },
    localAccountsDisabled: true,
  })
    .principal(HOWARD)
    .principal(ANN)
    .principal(FAYE)
    .principal(GINA)
    .group(ADMINS, [ANN])
    .kubernetes(
      clusterRole("namespace-reader", [
        { apiGroups: ["*"], resources: ["*"], verbs: ["get", "list", "watch"] },
      ]),
      clusterRoleBinding("admins-read", "namespace-reader", [group(ADMINS)]),
    )
    .build();
  model.groupEligibilities = eligibilities;
  model.directoryOwners = ownerIds.length
    ? [{ objectId: ADMINS, objectKind: "Group", displayName: "aks-admins", ownerIds }]
    : [];
  // PIM read completely: an eligibility gone is an eligibility ended (lib/drift/scan-range.ts)
  model.coverage[PIM_SOURCE] = { status: "complete" };
  return model;
}

let scanned: ScannedDemo;
const scans: bigint[] = [];
/** A principal's access and escalation events (a PIM finding, not assessed, is an event of its own) */
const eventsOf = (report: DriftReport, principalId: string) =>
  report.events.filter(
    (event) => event.subject.kind !== "finding" && JSON.stringify(event).includes(principalId),
  );
const howardEvents = (report: DriftReport) => eventsOf(report, HOWARD);

async function scan(model: TenantModel) {
  scans.push(await scanModel(scanned.pool, model, "PIM for Groups"));
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
    // Faye becomes an owner, Gina an eligible owner: each can add herself to the admin group
    await scan(tenant([GINA_ELIGIBLE_OWNER], [FAYE]));
    await scan(tenant([], []));
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
    expect(foldedSubjects(event)).toEqual({ via: "access", subjects: access });
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

  it("an owner added or removed is one event, with the attack paths it opens or closes", async () => {
    const [added] = eventsOf(await drift(scans[2], scans[3]), FAYE) as [DriftEvent];
    expect(eventsOf(await drift(scans[2], scans[3]), FAYE)).toHaveLength(1);
    expect(added).toMatchObject({
      kind: "access.owner-added",
      severity: "high",
      subject: { kind: "directoryOwnership", key: ADMINS },
    });
    expect(added.message).toMatch(/became owner of group aks-admins .*: can become cluster-admin on aks-1/);
    const access = (added.after as { access: { kind: string; key: string }[] }).access;
    expect(access.length).toBeGreaterThan(0);
    expect(
      access.every((subject) => subject.kind === "access.escalation" && subject.key.includes(`|${FAYE}|`)),
    ).toBe(true);

    const removed = eventsOf(await drift(scans[3], scans[4]), FAYE);
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      kind: "access.owner-removed",
      subject: { kind: "directoryOwnership" },
    });
    expect(removed[0].message).toMatch(/: can no longer become cluster-admin on aks-1/);
  });

  it("an eligible ownership is one event, its attack paths once it is activated", async () => {
    const events = eventsOf(await drift(scans[2], scans[3]), GINA);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "access.eligible",
      subject: { kind: "groupEligibility", key: `${ADMINS}:owner:${GINA}` },
    });
    expect(events[0].message).toMatch(
      /eligible for ownership of group .*: can become cluster-admin on aks-1 once it is activated/,
    );
    expect(eventsOf(await drift(scans[3], scans[4]), GINA)).toHaveLength(1);
  });
});
