import { describe, expect, it } from "vitest";
import { roleEligibility } from "@/lib/access/fixtures/access-model-builder";
import type { AccessGrantRecordData } from "@/lib/access/records";
import type { Finding } from "@/lib/findings/types";
import type { ChangedRecord, RecordVersion } from "./changed-records";
import { compareEvents, driftEvent, objectLabel, scopeLabel } from "./events";
import { labelBook } from "./labels";

const AKS1 =
  "/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/rsg-aksidentitystate1/providers/microsoft.containerservice/managedclusters/aks-1";

const labels = labelBook({
  clusters: new Map([[AKS1, "aks-1"]]),
  principals: new Map([
    ["00000000-0000-0000-0000-0000000000a1", "aks-admins"],
    ["00000000-0000-0000-0000-0000000000f4", "Penny"],
  ]),
  roles: new Map([["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"]]),
});
const ctx = { from: 4n, to: 7n, labels };

const version = (data: unknown, clusterId: string | null = AKS1): RecordVersion => ({
  source: "analysis",
  clusterId,
  data,
  validFromScan: 1n,
});

function grant(overrides: Partial<AccessGrantRecordData> = {}): AccessGrantRecordData {
  return {
    cluster: { id: AKS1, name: "aks-1" },
    principal: { id: "00000000-0000-0000-0000-0000000000a1", kind: "Group", displayName: "aks-admins" },
    level: "cluster-admin",
    namespace: null,
    route: "entra-admin-group",
    conditional: false,
    paths: [
      [
        {
          kind: "k8s.clusterRoleBinding",
          id: `${AKS1}|ClusterRoleBinding||aks-cluster-admin-binding-aad`,
          label: "aks-cluster-admin-binding-aad",
        },
      ],
    ],
    ...overrides,
  };
}

function change(kind: string, before: unknown, after: unknown, key = "key"): ChangedRecord {
  return {
    kind,
    naturalKey: key,
    before: before === null ? null : version(before),
    after: after === null ? null : version(after),
  };
}

function finding(status: Finding["status"], overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: "local-accounts-enabled",
    status,
    severity: "high",
    cluster: { id: AKS1, name: "aks-1" },
    title: "Local accounts are enabled",
    evidence: { summary: "…", objects: [{ kind: "cluster", id: AKS1, label: "aks-1" }] },
    controls: [],
    remediation: { summary: "…" },
    ...overrides,
  };
}

describe("drift events from changed records", () => {
  it("says who gained what, where and how, with the severity of the access", () => {
    const event = driftEvent(change("access.grant", null, grant()), ctx);
    expect(event).toMatchObject({
      kind: "access.gained",
      severity: "critical",
      message: "Group aks-admins gained cluster-admin on aks-1 through entra-admin-group",
      cluster: { id: AKS1, name: "aks-1" },
      subject: { kind: "access.grant", key: "key" },
      before: null,
      changes: [],
    });
    expect(event.links.map((l) => l.href)).toContain("/drift/object?kind=access.grant&key=key&from=4&to=7");
    expect(event.links.some((l) => l.href.startsWith("/principals/"))).toBe(true);
    expect(event.links.some((l) => l.href.includes("kind=k8s.clusterRoleBinding"))).toBe(true);
  });

  it.each([
    [{ level: "read" as const }, "low"],
    [{ level: "write" as const, namespace: "web" }, "low"],
    [{ level: "admin" as const }, "high"],
    [{ level: "admin" as const, namespace: "default" }, "medium"],
    [{ level: "cluster-admin" as const, conditional: true }, "high"],
    [{ level: "credentials-only" as const, route: "user-credential" as const }, "info"],
  ])("grades gained access %o as %s", (overrides, severity) => {
    expect(driftEvent(change("access.grant", null, grant(overrides)), ctx).severity).toBe(severity);
  });

  it("reports lost access, with namespaces, and path changes of the same access", () => {
    const lost = driftEvent(
      change("access.grant", grant({ level: "admin", namespace: "default" }), null),
      ctx,
    );
    expect(lost).toMatchObject({ kind: "access.lost", severity: "low" });
    expect(lost.message).toBe(
      "Group aks-admins lost admin in namespace default on aks-1 through entra-admin-group",
    );
    const twoPaths = grant({ paths: [...grant().paths, [{ kind: "principal", id: "x", label: "x" }]] });
    const changed = driftEvent(change("access.grant", grant(), twoPaths), ctx);
    expect(changed.kind).toBe("access.changed");
    expect(changed.message).toContain("now by 2 paths (was 1)");
    expect(changed.changes.length).toBeGreaterThan(0);
  });

  /** Penny's escalation record on aks-1 */
  const pennyEscalation = (fields: Record<string, unknown>) => ({
    cluster: { id: AKS1, name: "aks-1" },
    principal: { id: "00000000-0000-0000-0000-0000000000f4", kind: "User", displayName: "Penny" },
    paths: [],
    ...fields,
  });

  it("reports escalations gained and lost", () => {
    const data = pennyEscalation({ to: "cluster-write", route: "azure-control-plane" });
    expect(driftEvent(change("access.escalation", null, data), ctx)).toMatchObject({
      kind: "escalation.gained",
      severity: "high",
      message:
        "User Penny can now change the cluster (managedClusters/write) on aks-1 through azure-control-plane",
    });
    expect(driftEvent(change("access.escalation", data, null), ctx).kind).toBe("escalation.lost");
  });

  it("grades an attack path gained by the level it reaches, one step below holding it", () => {
    const gained = (fields: Record<string, unknown>) =>
      driftEvent(
        change(
          "access.escalation",
          null,
          pennyEscalation({ route: "attack-path", hops: 3, conditional: false, namespace: null, ...fields }),
        ),
        ctx,
      ).severity;
    // holding cluster-admin is critical; being able to become it, high
    expect(gained({ to: "cluster-admin" })).toBe("high");
    expect(gained({ to: "admin" })).toBe("medium");
    expect(gained({ to: "admin", namespace: "web" })).toBe("low");
    expect(gained({ to: "write" })).toBe("low");
    expect(gained({ to: "read" })).toBe("info");
    // a condition on a role assignment may stop it, a step needs a PIM activation: one lower each
    expect(gained({ to: "cluster-admin", conditional: true })).toBe("medium");
    expect(gained({ to: "cluster-admin", eligible: true })).toBe("medium");
    expect(gained({ to: "cluster-admin", conditional: true, eligible: true })).toBe("low");
    // one-step escalations stay one step from cluster-admin
    expect(gained({ to: "impersonate", route: "kubernetes-rbac" })).toBe("high");
  });

  it("says when the escalation lost is the route beside a shorter eligible path, which stays", () => {
    const standing = pennyEscalation({
      to: "cluster-admin",
      route: "attack-path",
      hops: 3,
      conditional: false,
      namespace: null,
      alternative: true,
    });
    const lost = driftEvent(change("access.escalation", standing, null), ctx);
    expect(lost.kind).toBe("escalation.lost");
    expect(lost.message).toMatch(
      /^User Penny can no longer .+ on aks-1 through attack-path \(without the shorter route's activation or condition\)$/,
    );
  });

  it.each([
    [null, "fail", "finding.opened", "high"],
    ["pass", "fail", "finding.opened", "high"],
    ["not-assessed", "fail", "finding.opened", "high"],
    ["fail", "pass", "finding.resolved", "info"],
    ["fail", null, "finding.resolved", "info"],
    ["fail", "not-assessed", "finding.changed", "low"],
    [null, "pass", "finding.changed", "info"],
    ["pass", "not-assessed", "finding.changed", "info"],
  ] as const)("reads a finding going from %s to %s as %s (%s)", (from, to, kind, severity) => {
    const event = driftEvent(
      change("finding", from === null ? null : finding(from), to === null ? null : finding(to)),
      ctx,
    );
    expect(event.kind).toBe(kind);
    expect(event.severity).toBe(severity);
    expect(event.message).toContain("Local accounts are enabled on aks-1");
  });

  it("names inventory objects and the fields that changed", () => {
    const assignment = {
      id: `${AKS1.replace(/\/providers.*$/, "")}/providers/microsoft.authorization/roleassignments/1`,
      scope: AKS1.replace(/\/providers.*$/, ""),
      roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c",
      principalId: "00000000-0000-0000-0000-0000000000f4",
      principalType: "User",
      condition: null,
    };
    const added = driftEvent({ ...change("roleAssignment", null, assignment, assignment.id) }, ctx);
    expect(added).toMatchObject({ kind: "object.added", severity: "low" });
    expect(added.message).toBe(
      "Role assignment Contributor for Penny at resource group rsg-aksidentitystate1 was added",
    );

    const cluster = { id: AKS1, name: "aks-1", localAccountsDisabled: true, entra: { adminGroupIds: ["a"] } };
    const flipped = { ...cluster, localAccountsDisabled: false, entra: { adminGroupIds: ["a", "b"] } };
    const event = driftEvent(change("cluster", cluster, flipped, AKS1), ctx);
    expect(event.kind).toBe("object.changed");
    expect(event.message).toBe("Cluster aks-1 changed: entra.adminGroupIds, localAccountsDisabled");
    expect(event.changes).toEqual([
      { path: "$.entra.adminGroupIds[1]", after: "b" },
      { path: "$.localAccountsDisabled", before: true, after: false },
    ]);

    const binding = { clusterId: AKS1, namespace: "web", name: "web-team-edit", subjects: [] };
    const removed = driftEvent(
      change("k8s.roleBinding", binding, null, `${AKS1}|RoleBinding|web|web-team-edit`),
      ctx,
    );
    expect(removed.message).toBe("RoleBinding web/web-team-edit on aks-1 was removed");
    expect(removed.severity).toBe("info");
  });

  it("falls back to an object event for stored data it does not understand", () => {
    const event = driftEvent(change("access.grant", null, { unexpected: true }), ctx);
    expect(event.kind).toBe("object.added");
  });

  it("labels scopes and objects readably", () => {
    expect(scopeLabel("/", labels)).toBe("the tenant root");
    expect(scopeLabel(`${AKS1}/namespaces/web`, labels)).toBe("aks-1/namespaces/web");
    expect(scopeLabel("/providers/microsoft.management/managementgroups/platform", labels)).toBe(
      "management group platform",
    );
    expect(
      scopeLabel("/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv", labels),
    ).toBe("kv (microsoft.keyvault/vaults)");
    expect(objectLabel("groupMembership", "00000000-0000-0000-0000-0000000000a1", {}, labels)).toBe(
      "of group aks-admins",
    );
  });

  it("orders events most severe first", () => {
    const events = [
      driftEvent(change("access.grant", grant(), null), ctx),
      driftEvent(change("access.grant", null, grant()), ctx),
      driftEvent(change("finding", null, finding("fail")), ctx),
    ].sort(compareEvents);
    expect(events.map((e) => e.severity)).toEqual(["critical", "high", "low"]);
  });
});

// Issue #14: access that is not standing. Jet is PIM-eligible for AKS RBAC Cluster Admin on aks-3; Faye
// owns aks-admins, the admin group of aks-1 (lib/emulator/demo/build-demo-tenant.ts).
describe("eligibility and ownership events", () => {
  const AKS3 = AKS1.replace(/aks-1$/, "aks-3");
  const JET = "00000000-0000-0000-0000-0000000000f2";
  const FAYE = "00000000-0000-0000-0000-0000000000f1";
  const ADMINS = "00000000-0000-0000-0000-0000000000a1";
  const RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
  const book = labelBook({
    clusters: new Map([
      [AKS1, "aks-1"],
      [AKS3, "aks-3"],
    ]),
    principals: new Map([
      [ADMINS, "aks-admins"],
      [JET, "Jet Black"],
      [FAYE, "Faye Valentine"],
    ]),
    roles: new Map([[RBAC_CLUSTER_ADMIN, "Azure Kubernetes Service RBAC Cluster Admin"]]),
    adminGroups: new Map([[ADMINS, ["aks-3", "aks-1", "aks-2"]]]),
  });
  const here = { from: 4n, to: 7n, labels: book };
  const jetGrant = (eligible: boolean) =>
    grant({
      cluster: { id: AKS3, name: "aks-3" },
      principal: { id: JET, kind: "User", displayName: "Jet Black" },
      route: "azure-rbac",
      ...(eligible ? { eligible: true } : {}),
    });

  it("Jet became eligible for cluster-admin on aks-3: one step below the same access standing", () => {
    const event = driftEvent(change("access.grant", null, jetGrant(true)), here);
    expect(event).toMatchObject({
      kind: "access.eligible",
      severity: "high",
      message:
        "User Jet Black became eligible for cluster-admin on aks-3 (PIM activation, through azure-rbac)",
      cluster: { id: AKS3, name: "aks-3" },
    });
    expect(driftEvent(change("access.grant", jetGrant(true), null), here)).toMatchObject({
      kind: "access.eligibility-ended",
      severity: "info",
    });
    // eligible → standing is access gained, standing → eligible a small change
    expect(driftEvent(change("access.grant", jetGrant(true), jetGrant(false)), here)).toMatchObject({
      kind: "access.changed",
      severity: "critical",
      message:
        "User Jet Black now holds cluster-admin on aks-3 through azure-rbac standing (was eligible through PIM)",
    });
    expect(driftEvent(change("access.grant", jetGrant(false), jetGrant(true)), here).severity).toBe("low");
  });

  it("names the role and scope of a new PIM eligibility record", () => {
    const eligibility = roleEligibility({
      name: "e1",
      scope: AKS3,
      roleDefinitionId: RBAC_CLUSTER_ADMIN,
      principalId: JET,
    });
    const event = driftEvent(change("roleEligibility", null, eligibility), here);
    expect(event).toMatchObject({
      kind: "access.eligible",
      severity: "medium",
      message: "Jet Black became eligible for Azure Kubernetes Service RBAC Cluster Admin at aks-3",
    });
    expect(event.links.some((link) => link.href.startsWith("/principals/"))).toBe(true);
  });

  it("Faye became owner of aks-admins, the admin group of aks-1 …: high", () => {
    const owners = (ownerIds: string[]) => ({
      objectId: ADMINS,
      objectKind: "Group",
      displayName: "aks-admins",
      ownerIds,
    });
    const event = driftEvent(change("directoryOwnership", owners([]), owners([FAYE])), here);
    expect(event).toMatchObject({
      kind: "access.owner-added",
      severity: "high",
      message: "Faye Valentine became owner of group aks-admins (the admin group of aks-1, aks-2, aks-3)",
    });
    // a first ownership record is the same news
    expect(driftEvent(change("directoryOwnership", null, owners([FAYE])), here).kind).toBe(
      "access.owner-added",
    );
    expect(driftEvent(change("directoryOwnership", owners([FAYE]), owners([])), here)).toMatchObject({
      kind: "access.owner-removed",
      severity: "info",
      message: "Faye Valentine no longer owns group aks-admins (the admin group of aks-1, aks-2, aks-3)",
    });
    // owning a group that is no admin group matters less
    const other = { ...owners([FAYE]), objectId: "00000000-0000-0000-0000-0000000000b9", displayName: "web" };
    expect(driftEvent(change("directoryOwnership", null, other), here).severity).toBe("medium");
  });
});
