import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findingFiltersSchema } from "@/lib/queries/finding-filters";
import {
  CLUSTER_ADMIN_LIST,
  CLUSTERS_HREF,
  FAILING_FINDINGS_HREF,
  getOverview,
} from "@/lib/queries/get-overview";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import { listClusters } from "@/lib/queries/list-clusters";
import { listFindings } from "@/lib/queries/list-findings";
import { listPrincipals, principalListParamsSchema } from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { whoCanBeClusterAdmin } from "@/lib/queries/who-can-be-cluster-admin";
import { type ScannedDemo, scanDemoIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// Issue 16 #3: the overview said 22 principals with cluster-admin (groups excluded) while the list it
// links to said 27 (groups included). Each headline card's number must be the length of the list its
// link opens, read through the list's own query-string schema, as the list page reads it.

let demo: ScannedDemo;
let scope: ScanScope;

function query(href: string): Record<string, string> {
  return Object.fromEntries(new URL(href, "http://atlas.invalid").searchParams);
}

describe("overview headline cards equal the lists they link to", () => {
  beforeAll(async () => {
    demo = await scanDemoIntoTestDatabase();
    scope = demo.scope;
  }, 300_000);

  afterAll(() => demo?.close());

  it("Principals with cluster-admin = /principals?level=cluster-admin, groups included", async () => {
    const overview = await getOverview(scope);
    const list = await listPrincipals(scope, principalListParamsSchema.parse(query(CLUSTER_ADMIN_LIST.href)));
    expect(overview.clusterAdmins.principals).toBe(list.total);
    // the demo binds cluster-admin to groups (aks-admins; system:authenticated on aks-dev-1): they count,
    // and the card says how many of them there are
    expect(overview.clusterAdmins.groups).toBeGreaterThan(0);
    const groupsOfKind = async (kind: "Group" | "KubernetesGroup") =>
      (await listPrincipals(scope, { level: "cluster-admin", kind, page: 1 })).total;
    expect(overview.clusterAdmins.groups).toBe(
      (await groupsOfKind("Group")) + (await groupsOfKind("KubernetesGroup")),
    );
    // the posture trend's line is the same figure
    const trend = await getPostureTrend(scope);
    expect(trend.at(-1)?.clusterAdmins).toBe(list.total);
  });

  it("Principals with cluster-admin = the holders of 'Who can be cluster-admin' + those only eligible (PIM)", async () => {
    const overview = await getOverview(scope);
    const standing = await listPrincipals(scope, { level: "cluster-admin", holding: "standing", page: 1 });
    expect(overview.clusterAdmins.eligibleOnly).toBe(overview.clusterAdmins.principals - standing.total);
    // Jet is eligible for cluster-admin on aks-3, but no account of the demo holds it nowhere standing:
    // aks-dev-1's `everyone-is-admin` makes every account of the tenant cluster-admin there
    // (lib/access/system-authenticated.test.ts)
    expect(overview.clusterAdmins.eligibleOnly).toBe(0);
    // the table under the card counts standing holders apart from "more through PIM": the two add up
    const who = await whoCanBeClusterAdmin(scope);
    expect(who.standing + overview.clusterAdmins.eligibleOnly).toBe(overview.clusterAdmins.principals);
    // and its sentence's "more only through PIM" is that same number: Jet, eligible on aks-3, holds it standing
    // on aks-dev-1, so he is among those who hold it, not one more (the sentence once said "1 more through PIM")
    expect(who.eligibleOnly).toBe(overview.clusterAdmins.eligibleOnly);
    expect(who.eligible).toBeGreaterThan(who.eligibleOnly);
  });

  it("Failing findings = /findings", async () => {
    const overview = await getOverview(scope);
    const failing = Object.values(overview.failingBySeverity).reduce((sum, n) => sum + n, 0);
    const list = await listFindings(scope, findingFiltersSchema.parse(query(FAILING_FINDINGS_HREF)));
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBe(list.total);
  });

  it("Clusters = /clusters", async () => {
    const overview = await getOverview(scope);
    expect(new URL(CLUSTERS_HREF, "http://atlas.invalid").search).toBe("");
    expect(overview.clusters.total).toBe((await listClusters(scope)).length);
  });
});
