import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { becomeClusterAdmin } from "@/components/access/can-become";
import { entraSignInGroupId } from "@/lib/access/access-index";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getPrincipal } from "@/lib/queries/get-principal";
import { principalSummaries } from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { clusterAdminCandidates, whoCanBeClusterAdmin } from "@/lib/queries/who-can-be-cluster-admin";
import { type ScannedDemo, scanDemoIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// Issue 16, "who first": the overview's "Who can be cluster-admin" names each principal once with how —
// standing, eligible (PIM), can become — and every figure is the one the other pages show: standing and
// eligible as the principals list counts them, can-become as the principal page's becomeClusterAdmin.
// Then #7 on the demo: Penny's page says why aks-3 differs, Jet's why aks-2 does.

const PENNY = "00000000-0000-0000-0000-0000000000f4";
const JET = "00000000-0000-0000-0000-0000000000f2";

let demo: ScannedDemo;
let scope: ScanScope;

describe("who can be cluster-admin (demo tenant)", () => {
  beforeAll(async () => {
    demo = await scanDemoIntoTestDatabase();
    scope = demo.scope;
  }, 300_000);

  afterAll(() => demo?.close());

  it("standing and eligible counts are the principals list's, for every principal", async () => {
    const candidates = await clusterAdminCandidates(scope);
    const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
    const summaries = await principalSummaries(scope);
    const holders = summaries.filter((s) => s.clusterAdminClusters > 0);
    expect(holders.length).toBeGreaterThan(0);
    for (const summary of summaries) {
      expect(byId.get(summary.id)?.standing ?? 0, summary.displayName).toBe(summary.clusterAdminClusters);
      // eligible where not standing anyway: never more than the list's eligible count
      expect(byId.get(summary.id)?.eligible ?? 0).toBeLessThanOrEqual(summary.eligibleClusterAdminClusters);
    }
    const who = await whoCanBeClusterAdmin(scope);
    expect(who.standing).toBe(holders.length);
    expect(who.total).toBe(candidates.length);
    // each principal once
    expect(new Set(candidates.map((candidate) => candidate.id)).size).toBe(candidates.length);
    // widest reach first
    const reach = who.top.map((candidate) => candidate.clusters);
    expect(reach).toEqual([...reach].sort((a, b) => b - a));
  });

  it("can-become counts are the principal page's, and the principals who hold it nowhere are listed", async () => {
    const candidates = await clusterAdminCandidates(scope);
    const becoming = candidates.filter((candidate) => candidate.canBecome > 0);
    // aks-3: Penny, a break-glass account and ci-deployer can make themselves cluster-admin (issue 16 #1)
    expect(becoming.length).toBeGreaterThanOrEqual(3);
    for (const candidate of becoming) {
      const page = await getPrincipal(scope, candidate.id, { page: 1, perPage: 1 });
      const onPage = page.summary.filter((entry) =>
        becomeClusterAdmin({
          grants: entry.strongestLevel ? [{ level: entry.strongestLevel }] : [],
          reaches: entry.reaches,
          oneStep: entry.oneStep,
        }),
      );
      expect(candidate.canBecome, candidate.displayName).toBe(onPage.length);
    }
    const penny = candidates.find((candidate) => candidate.id === PENNY);
    // standing on aks-1 and aks-2 (local admin credential) and aks-dev-1 (`everyone-is-admin`: every account
    // of the tenant is in system:authenticated there, lib/access/system-authenticated.test.ts)
    expect(penny).toMatchObject({ standing: 3, canBecome: 1, clusters: 4 });
    expect(penny?.routes).toContain("local-admin-credential");
    expect(penny?.routes).toContain("kubernetes-rbac");
    const who = await whoCanBeClusterAdmin(scope);
    expect(who.onlyCanBecome).toBe(
      candidates.filter((c) => c.standing === 0 && c.eligible === 0 && c.canBecome > 0).length,
    );
    // nobody of the demo holds cluster-admin nowhere: every account does on aks-dev-1 (`everyone-is-admin`)
    expect(who.onlyCanBecome).toBe(0);
  });

  // aks-dev-1 binds cluster-admin to system:authenticated (`everyone-is-admin`), which on an Entra-integrated
  // cluster is every account of the tenant (lib/access/system-authenticated.test.ts): the sign-in group's page
  // lists its members, Penny's page says how she holds it.
  it("the tenant's sign-in group: its page lists its members; Penny's names the path through it", async () => {
    const signIn = entraSignInGroupId(scope.tenantId);
    const page = await getPrincipal(scope, signIn);
    expect(page.principal).toMatchObject({
      kind: "Group",
      displayName: "everyone who signs in to the tenant with Entra ID",
      inDirectory: false,
    });
    const model = modelFromTenantFile(await loadDemoTenant());
    const accounts = model.principals.filter((p) => p.kind !== "Group" && !p.deleted).map((p) => p.id);
    const identities = model.identities.map((identity) => identity.principalId);
    expect(page.members?.transitiveCount).toBe(new Set([...accounts, ...identities]).size);
    expect(page.members?.direct.map((member) => member.id)).toContain(PENNY);
    expect(page.summary.map((entry) => [entry.cluster.name, entry.strongestLevel])).toEqual([
      ["aks-dev-1", "cluster-admin"],
    ]);
    const penny = await getPrincipal(scope, PENNY);
    // her groups list it beside her directory groups (its path names it; so does the list)
    expect(penny.memberOf).toContainEqual({
      id: signIn,
      displayName: page.principal.displayName,
      direct: true,
    });
    expect(page.memberOf).toEqual([]);
    const devOne = penny.clusters.find((entry) => entry.cluster.name === "aks-dev-1");
    expect(devOne?.grants.map((grant) => grant.path.map((step) => step.label))).toContainEqual([
      "Penny (User)",
      "member of everyone who signs in to the tenant with Entra ID",
      "member of system:authenticated",
      "ClusterRoleBinding everyone-is-admin",
      "ClusterRole cluster-admin",
      "aks-dev-1",
    ]);
  });

  it("Penny's page says aks-3 differs: local accounts disabled, Contributor gives credentials only, she can re-enable them", async () => {
    const notes = await getClusterDifferences(scope, PENNY);
    const aks3 = notes.filter((note) => note.clusters.some((cluster) => cluster.name === "aks-3"));
    expect(aks3).toEqual([
      expect.objectContaining({
        reason: "local-accounts-disabled",
        role: "Contributor",
        gives: "credentials-only",
        canUndo: true,
      }),
    ]);
    // where local accounts are enabled, Contributor is cluster-admin: nothing to explain
    expect(notes.flatMap((note) => note.clusters.map((cluster) => cluster.name))).not.toContain("aks-1");
  });

  it("Jet's page says AKS RBAC Reader grants nothing on aks-2 (Azure RBAC off) and nothing about aks-1 (on)", async () => {
    const notes = await getClusterDifferences(scope, JET);
    expect(notes).toEqual([
      expect.objectContaining({
        reason: "azure-rbac-off",
        role: "Azure Kubernetes Service RBAC Reader",
        gives: "nothing",
        canUndo: false,
        clusters: [expect.objectContaining({ name: "aks-2" })],
      }),
    ]);
  });
});
