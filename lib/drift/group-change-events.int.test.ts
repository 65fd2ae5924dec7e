import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { TenantModel } from "@/lib/model/tenant-model";
import { type ScannedDemo, scanModel, scanModelIntoTestDatabase } from "@/tests/helpers/scanned-demo";
import { computeDrift } from "./compute-drift";
import { foldedSubjects } from "./membership-events";
import { resolveDriftRange } from "./scan-range";
import type { DriftEvent } from "./types";

// One ClusterRoleBinding to a group gives cluster-admin to the group and to every member (Kubernetes RBAC: a
// Group subject matches every user whose groups include it). Drift reports that as the group's one event, with
// its members' same change inside it — not one event per member, which for a group of every account of the
// tenant would be thousands. A member whose access changed otherwise (here: Dan, who already held cluster-admin
// through a binding of his own, and whose grant only gained a path) keeps an event of his own.

const PLATFORM = "7a1f0c2e-0000-4000-8000-0000000000f1";
const MEMBERS = ["ann", "bob", "cat", "dan"].map((name, index) => ({
  name,
  id: `7a1f0c2e-0000-4000-8000-00000000000${index + 1}`,
}));
const DAN = MEMBERS[3].id;

function tenant(groupIsClusterAdmin: boolean): TenantModel {
  const builder = new AccessModelBuilder({
    entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" },
    localAccountsDisabled: true,
  });
  for (const member of MEMBERS)
    builder.principal(member.id, "User", { userPrincipalName: `${member.name}@contoso.com` });
  builder.model.principals = builder.model.principals.map((principal) => ({
    ...principal,
    displayName: MEMBERS.find((member) => member.id === principal.id)?.name ?? principal.displayName,
  }));
  return builder
    .group(
      PLATFORM,
      MEMBERS.map((member) => member.id),
    )
    .kubernetes(
      // the default ClusterRole, as every cluster has it
      clusterRole("cluster-admin", [
        { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
        { nonResourceURLs: ["*"], verbs: ["*"] },
      ]),
      // AKS names an Entra user by its user principal name (the token's upn claim)
      clusterRoleBinding("dan-admin", "cluster-admin", [user("dan@contoso.com")]),
      ...(groupIsClusterAdmin
        ? [clusterRoleBinding("platform-admin", "cluster-admin", [group(PLATFORM)])]
        : []),
    )
    .build();
}

let scanned: ScannedDemo;
const scans: bigint[] = [];

const accessEvents = async (from: bigint, to: bigint) =>
  (await computeDrift(scanned.pool, await resolveDriftRange(scanned.pool, { from, to }))).events.filter(
    (event) => event.subject.kind === "access.grant" && event.subject.key.includes("|cluster-admin|"),
  );

describe("drift of a group's access: one event, its members' same change inside it", () => {
  beforeAll(async () => {
    scanned = await scanModelIntoTestDatabase(tenant(false), "Group change");
    await scanModel(scanned.pool, tenant(true), "Group change");
    await scanModel(scanned.pool, tenant(false), "Group change");
    const { rows } = await scanned.pool.query<{ id: string }>("SELECT id::text FROM scans ORDER BY id");
    scans.push(...rows.map((row) => BigInt(row.id)));
  }, 300_000);

  afterAll(() => scanned?.close());

  it("a binding to the group: the group's event lists the members it gave cluster-admin", async () => {
    const events = await accessEvents(scans[0], scans[1]);
    const groupEvent = events.find(
      (event) => event.subject.key === `${CLUSTER}|${PLATFORM}|cluster-admin|*|kubernetes-rbac`,
    );
    expect(groupEvent).toMatchObject({ kind: "access.gained", severity: "critical" });
    expect(groupEvent?.message).toMatch(
      / gained cluster-admin on aks-1 through kubernetes-rbac; the same for 3 of its members \(ann, bob, cat\)$/,
    );
    const members = (groupEvent?.after as { members: DriftEvent["subject"][] } | undefined)?.members ?? [];
    expect(members.map((subject) => subject.key).sort()).toEqual(
      MEMBERS.slice(0, 3)
        .map((member) => `${CLUSTER}|${member.id}|cluster-admin|*|kubernetes-rbac`)
        .sort(),
    );
    expect(groupEvent && foldedSubjects(groupEvent)).toEqual({ via: "members", subjects: members });
    // Dan held it already: his grant gained a path, an event of its own
    const dan = events.filter((event) => event.subject.key.includes(`|${DAN}|`));
    expect(dan.map((event) => event.kind)).toEqual(["access.changed"]);
    expect(events).toHaveLength(2);
  });

  it("the binding removed: one event again", async () => {
    const events = await accessEvents(scans[1], scans[2]);
    const groupEvent = events.find((event) => event.subject.key.includes(`|${PLATFORM}|`));
    expect(groupEvent).toMatchObject({ kind: "access.lost" });
    expect(groupEvent?.message).toMatch(/; the same for 3 of its members \(ann, bob, cat\)$/);
    expect((groupEvent?.before as { members: unknown[] } | undefined)?.members).toHaveLength(3);
    expect(events).toHaveLength(2);
  });
});
