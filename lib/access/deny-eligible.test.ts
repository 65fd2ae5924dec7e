import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { accessToRecords } from "@/lib/access/records";
import type { Grant } from "@/lib/access/types";
import { AKS3, JET, PENNY, TIME_BOUND_END, withPimAndDeny } from "@/lib/emulator/test-fixtures/pim-deny";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";

// Deny assignments remove the actions they deny before grants are built (learn.microsoft.com
// azure/role-based-access-control/deny-assignments: a deny assignment blocks an action even when a
// role assignment grants it; "all principals" is 00000000-0000-0000-0000-000000000000, exclusions
// win, doNotApplyToChildScopes limits it to its scope). PIM eligible role assignments give the grants
// an activation would, marked eligible; time-bound active assignments carry their end.

function model(): TenantModel {
  const tenant = parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8")));
  return modelFromTenantFile(withPimAndDeny(tenant));
}

const clusterOf = (m: TenantModel, name: string) => {
  const found = m.clusters.find((cluster) => cluster.name === name);
  if (!found) throw new Error(name);
  return found.id;
};

function grantsOf(m: TenantModel, cluster: string, principalId: string): Grant[] {
  const access = evaluateClusterAccess(m, clusterOf(m, cluster), buildAccessIndex(m));
  return access.principals.find((entry) => entry.principal.id === principalId)?.grants ?? [];
}

const adminCredential = (grant: Grant) =>
  grant.level === "cluster-admin" && grant.route === "local-admin-credential";

describe("deny assignments", () => {
  it("a denied listClusterAdminCredential removes Penny's cluster-admin (Contributor on the resource group)", () => {
    const m = model();
    expect(grantsOf(m, "aks-2", PENNY).filter(adminCredential)).toEqual([]);
    // without the deny assignment she holds it, as in the article
    const withoutDeny = { ...m, denyAssignments: [] };
    expect(grantsOf(withoutDeny, "aks-2", PENNY).filter(adminCredential)).toHaveLength(1);
  });

  it("denying listClusterAdminCredential alone leaves the legacy accessProfiles/listCredential route", () => {
    const m = model();
    const [deny] = m.denyAssignments;
    deny.permissions = [{ ...deny.permissions[0], actions: [deny.permissions[0].actions[0]] }];
    const [grant] = grantsOf(m, "aks-2", PENNY).filter(adminCredential);
    expect(grant.path.map((step) => step.id)).toContain(
      "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
    );
  });

  it("respects excludePrincipals through groups, notActions, other principals and doNotApplyToChildScopes", () => {
    const m = model();
    // sre-oncall (eligible Contributor on the subscription) is a member of the excluded aks-admins
    const oncall = "0000bbbb-0000-4000-8000-000000000012";
    expect(grantsOf(m, "aks-2", oncall).filter(adminCredential)).toHaveLength(1);

    const [deny] = m.denyAssignments;
    const variants: [string, (d: typeof deny) => void, number][] = [
      ["notActions exempts the action", (d) => (d.permissions[0].notActions = ["*/action"]), 1],
      ["another principal only", (d) => (d.principals = [{ id: JET, type: "User" }]), 1],
      ["Penny by name", (d) => (d.principals = [{ id: PENNY, type: "User" }]), 0],
      ["Penny excluded", (d) => (d.excludePrincipals = [{ id: PENNY, type: "User" }]), 1],
      ["scope only, not the cluster below", (d) => (d.doNotApplyToChildScopes = true), 1],
    ];
    for (const [what, change, expected] of variants) {
      const variant = structuredClone(m);
      change(variant.denyAssignments[0]);
      expect(grantsOf(variant, "aks-2", PENNY).filter(adminCredential), what).toHaveLength(expected);
    }
  });
});

describe("PIM eligibility and time-bound assignments", () => {
  it("Jet eligible for Azure Kubernetes Service RBAC Cluster Admin on aks-3 is cluster-admin there, eligible: true", () => {
    const m = model();
    const grants = grantsOf(m, "aks-3", JET).filter((grant) => grant.route === "azure-rbac");
    expect(grants).toEqual([
      expect.objectContaining({
        level: "cluster-admin",
        namespace: null,
        eligible: true,
        conditional: false,
      }),
    ]);
    expect(grants[0].path[1]).toMatchObject({
      kind: "roleEligibility",
      label: expect.stringContaining("needs activation"),
    });
    expect(grants[0].path[1].id).toContain(AKS3.split("/").pop()?.toLowerCase());
    // without the eligibility, nothing through Azure RBAC
    const none = { ...m, roleEligibilities: [] };
    expect(grantsOf(none, "aks-3", JET).filter((grant) => grant.route === "azure-rbac")).toEqual([]);
  });

  it("eligible group members get eligible grants, with the eligibility's end as expires", () => {
    const m = model();
    const olga = "0000bbbb-0000-4000-8000-000000000005";
    const memberOfOncall = m.groupMemberships
      .find((membership) => membership.groupId === "0000bbbb-0000-4000-8000-000000000012")
      ?.memberIds.includes(olga);
    const grants = grantsOf(m, "aks-1", "0000bbbb-0000-4000-8000-000000000012").filter(adminCredential);
    expect(grants).toEqual([
      expect.objectContaining({ eligible: true, expires: "2031-01-06T09:00:00.000Z" }),
    ]);
    if (memberOfOncall) expect(grantsOf(m, "aks-1", olga).filter(adminCredential)[0]?.eligible).toBe(true);
  });

  it("a time-bound active assignment marks its grants with expires, and standing ones carry neither mark", () => {
    const m = model();
    const [penny] = grantsOf(m, "aks-1", PENNY).filter(adminCredential);
    expect(penny.expires).toBe(new Date(TIME_BOUND_END).toISOString());
    expect(penny.eligible).toBeUndefined();
    const ciDeployer = grantsOf(m, "aks-1", "0000bbbb-0000-4000-8000-000000000021").filter(adminCredential);
    expect(ciDeployer).toHaveLength(1);
    expect(ciDeployer[0]).not.toHaveProperty("eligible");
    expect(ciDeployer[0]).not.toHaveProperty("expires");
  });
});

describe("access records keep the PIM marks", () => {
  it("a stored grant is eligible (or expiring) only when every path is, and older records keep their shape", () => {
    const cluster = { id: "/c", name: "c" };
    const principal = { id: "p", kind: "User" as const, displayName: "P" };
    const grant = (extra: Partial<Grant>, label: string): Grant => ({
      level: "cluster-admin",
      namespace: null,
      route: "azure-rbac",
      conditional: false,
      path: [{ kind: "roleAssignment", id: label, label }],
      ...extra,
    });
    const stored = (grants: Grant[]) =>
      accessToRecords([{ cluster, principals: [{ principal, grants, escalations: [] }] }])[0].data;
    expect(stored([grant({ eligible: true, expires: "2030-01-01T00:00:00.000Z" }, "a")])).toMatchObject({
      eligible: true,
      expires: "2030-01-01T00:00:00.000Z",
    });
    const mixed = stored([
      grant({ eligible: true, expires: "2030-01-01T00:00:00.000Z" }, "a"),
      grant({ expires: "2031-01-01T00:00:00.000Z" }, "b"),
    ]);
    expect(mixed).not.toHaveProperty("eligible");
    expect(mixed).toHaveProperty("expires", "2031-01-01T00:00:00.000Z");
    const standing = stored([grant({}, "a"), grant({ eligible: true }, "b")]);
    expect(standing).not.toHaveProperty("eligible");
    expect(standing).not.toHaveProperty("expires");
  });
});
