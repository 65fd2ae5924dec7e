import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccessModelBuilder, CLUSTER } from "@/lib/access/fixtures/access-model-builder";
import { getClusterAccessSummary } from "@/lib/queries/get-cluster-access-summary";
import { getOverview } from "@/lib/queries/get-overview";
import { getPrincipal } from "@/lib/queries/get-principal";
import { principalSummaries } from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { clusterAdminCandidates } from "@/lib/queries/who-can-be-cluster-admin";
import { type ScannedDemo, scanModelIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// Microsoft's just-in-time cluster-admin: the AKS admin group (aadProfile.adminGroupObjectIDs) with members
// eligible through PIM for Groups, who hold the group's cluster-admin once they activate the membership
// (learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-activate-roles). Howard is
// such a member, Ann a standing one. Scanned and read back, every page calls Howard an eligible cluster-admin
// — not standing, and not only someone who "can become" it. (The builder's group id, "aks-admins", is no GUID:
// the scan keeps Ann's own row, as readers expand only groups with GUID ids — lib/access/group-storage.ts.
// Before that guard her row was dropped by the writer and never expanded by the readers: she had no access.)

let scanned: ScannedDemo;
let scope: ScanScope;

describe("an eligible member of the AKS admin group, as the pages read it", () => {
  beforeAll(async () => {
    const model = new AccessModelBuilder({
      entra: { mode: "managed", azureRbac: false, adminGroupIds: ["aks-admins"], tenantId: "tenant-1" },
      localAccountsDisabled: true,
    })
      .principal("howard")
      .principal("ann")
      .group("aks-admins", ["ann"])
      .build();
    model.groupEligibilities = [
      {
        id: "aks-admins_member_howard",
        groupId: "aks-admins",
        principalId: "howard",
        accessId: "member",
        endDateTime: "2031-01-01T00:00:00Z",
      },
    ];
    scanned = await scanModelIntoTestDatabase(model, "PIM for Groups");
    scope = scanned.scope;
  }, 300_000);

  afterAll(() => scanned?.close());

  it("the principals list, who can be cluster-admin, the overview, the cluster and principal pages", async () => {
    const summaries = await principalSummaries(scope);
    expect(summaries.find((summary) => summary.id === "howard")).toMatchObject({
      clusterAdminClusters: 0,
      eligibleClusterAdminClusters: 1,
    });
    expect(summaries.find((summary) => summary.id === "ann")).toMatchObject({ clusterAdminClusters: 1 });

    const candidates = await clusterAdminCandidates(scope);
    expect(candidates.find((candidate) => candidate.id === "howard")).toMatchObject({
      standing: 0,
      eligible: 1,
      canBecome: 0,
    });

    const overview = await getOverview(scope);
    // Ann and the group hold it standing; Howard is the one holder through PIM
    expect(overview.clusterAdmins.byKind).toEqual({ Group: 1, User: 1 });
    expect(overview.clusterAdmins.eligibleOnly).toBe(1);

    const cluster = await getClusterAccessSummary(scope, CLUSTER);
    const howard = cluster.principals.find((entry) => entry.principal.id === "howard");
    expect(howard?.grants).toEqual([
      { level: "cluster-admin", namespace: null, route: "entra-admin-group", eligible: true },
    ]);
    expect(howard?.reaches).toEqual([]);

    const page = await getPrincipal(scope, "howard");
    expect(page.summary[0]).toMatchObject({ strongestLevel: null, eligibleLevel: "cluster-admin" });
    const grant = page.clusters[0]?.grants[0];
    expect(grant).toMatchObject({ level: "cluster-admin", eligible: true });
    expect(grant?.path.map((step) => step.kind).slice(0, 3)).toEqual([
      "principal",
      "groupEligibility",
      "groupMembership",
    ]);
  });
});
