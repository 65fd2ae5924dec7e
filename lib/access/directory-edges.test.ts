import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import type { Escalation } from "@/lib/access/types";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import smallTenant from "@/lib/emulator/test-fixtures/small-tenant.json";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

// The directory edges of the attack graph, on the small tenant with its entra section
// (lib/emulator/test-fixtures/entra-section.ts). Facts: /work/shared/reference/attack-edges.md §5 —
// group owners change membership (learn.microsoft.com/graph/api/group-post-members: owners may add
// members), a Global Administrator elevates to User Access Administrator at "/"
// (learn.microsoft.com/azure/role-based-access-control/elevate-access-global-admin), PIM for Groups
// eligibility is activated membership (learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups).

const small = (): TenantFile => parseTenantFile(JSON.parse(JSON.stringify(smallTenant)));
const AKS_1 = "aks-1";

function pathsOf(model: TenantModel, principalId: string, clusterName: string): Escalation[] {
  const index = buildAccessIndex(model);
  for (const { access } of iterateAttackPathsWith(model, index)) {
    if (access.cluster.name !== clusterName) continue;
    return (
      access.principals
        .find((entry) => entry.principal.id === principalId)
        ?.escalations.filter((escalation) => escalation.route === "attack-path") ?? []
    );
  }
  return [];
}

function* iterateAttackPathsWith(model: TenantModel, index: ReturnType<typeof buildAccessIndex>) {
  for (const { access, paths } of iterateAttackPaths(model, { index })) {
    const principals = access.principals.map((entry) => ({ ...entry, escalations: [...entry.escalations] }));
    for (const path of paths) {
      let entry = principals.find((candidate) => candidate.principal.id === path.principal.id);
      if (!entry) {
        entry = { principal: path.principal, grants: [], escalations: [] };
        principals.push(entry);
      }
      entry.escalations.push({
        to: path.level,
        route: "attack-path",
        path: path.path,
        hops: path.hops,
        conditional: path.conditional,
        ...(path.eligible ? { eligible: true } : {}),
      });
    }
    yield { access: { ...access, principals } };
  }
}

describe("directory edges", () => {
  it("Faye, owner of aks-1's admin group, can become cluster-admin by adding herself (standing, 2 hops)", () => {
    const model = modelFromTenantFile(withEntraSection(small()));
    const faye = pathsOf(model, ids.faye, AKS_1).find((escalation) => escalation.to === "cluster-admin");
    expect(faye).toMatchObject({ hops: 2 });
    expect(faye?.eligible).toBeUndefined();
    expect(faye?.path.map((step) => step.kind)).toEqual(
      expect.arrayContaining(["directoryOwnership", "action", "groupMembership"]),
    );
    expect(faye?.path.map((step) => step.label)).toContain("adds itself as a member");
  });

  it("without the ownership Faye has no path there", () => {
    const tenant = withEntraSection(small());
    tenant.entra = { ...(tenant.entra as NonNullable<TenantFile["entra"]>), owners: [] };
    const faye = pathsOf(modelFromTenantFile(tenant), ids.faye, AKS_1);
    expect(faye.some((escalation) => escalation.to === "cluster-admin")).toBe(false);
  });

  // PIM for Groups on the AKS admin group is Microsoft's just-in-time cluster-admin: an eligible member holds
  // the group's cluster-admin once it activates the membership (concept-pim-for-groups; groups-activate-roles).
  // That is eligible cluster-admin — a grant marked eligible, as an eligible Azure role gives — not an attack
  // path to "become" it (until 2026-12-07 it was only the path, so "Eligible (PIM)" counts left it out).
  it("a PIM-eligible member of the admin group is an eligible cluster-admin, with no attack path of its own", () => {
    const tenant = withEntraSection(small());
    const entra = tenant.entra as NonNullable<TenantFile["entra"]>;
    tenant.entra = {
      ...entra,
      owners: [],
      groupEligibilities: [
        { groupId: ids.aksAdmins, principalId: ids.faye, accessId: "member", endDateTime: null },
      ],
    };
    const model = modelFromTenantFile(tenant);
    const cluster = model.clusters.find((candidate) => candidate.name === AKS_1);
    if (!cluster) throw new Error("no aks-1");
    const grants =
      evaluateClusterAccess(model, cluster.id).principals.find((entry) => entry.principal.id === ids.faye)
        ?.grants ?? [];
    const admin = grants.find((grant) => grant.level === "cluster-admin");
    expect(admin).toMatchObject({ route: "entra-admin-group", eligible: true });
    expect(admin?.path.map((step) => step.kind).slice(0, 3)).toEqual([
      "principal",
      "groupEligibility",
      "groupMembership",
    ]);
    // the path her eligible grant is, is not reported again as a way to become what she is eligible for
    const paths = pathsOf(model, ids.faye, AKS_1).filter((escalation) => escalation.to === "cluster-admin");
    expect(paths.filter((escalation) => escalation.eligible === true)).toEqual([]);
  });

  it("a Global Administrator elevates access to User Access Administrator at / and takes any cluster", () => {
    const tenant = withEntraSection(small());
    const model = modelFromTenantFile(tenant);
    const leonard = pathsOf(model, ids.leonard, "aks-4").find(
      (escalation) => escalation.to === "cluster-admin",
    );
    expect(leonard?.path.map((step) => step.id)).toContain(
      "/providers/Microsoft.Authorization/elevateAccess",
    );
    expect(leonard?.path.some((step) => /directory role Global Administrator/.test(step.label))).toBe(true);
  });

  it("Groups Administrator changes membership of groups that are not role-assignable only", () => {
    const tenant = withEntraSection(small());
    // Olga also owns ci-deployer's application (a path of the same length): leave only her role.
    tenant.entra = { ...(tenant.entra as NonNullable<TenantFile["entra"]>), owners: [] };
    // Olga is already an aks-admins member: take her out so the path is hers to take.
    const admins = tenant.principals.find((principal) => principal.id === ids.aksAdmins) as {
      members: string[];
    };
    admins.members = admins.members.filter((member) => member !== ids.olga);
    const aks1 = pathsOf(modelFromTenantFile(tenant), ids.olga, AKS_1).find(
      (escalation) => escalation.to === "cluster-admin",
    );
    expect(
      aks1?.path.some((step) => /adds itself to group aks-admins \(not role-assignable\)/.test(step.label)),
    ).toBe(true);
    (admins as Record<string, unknown>).isAssignableToRole = true;
    const after = pathsOf(modelFromTenantFile(tenant), ids.olga, AKS_1).find(
      (escalation) => escalation.to === "cluster-admin",
    );
    expect(after?.path.some((step) => /adds itself to group aks-admins/.test(step.label)) ?? false).toBe(
      false,
    );
  });

  it("an eligible Application Administrator adds a secret to a service principal with Azure roles (eligible)", () => {
    const tenant = withEntraSection(small());
    // only the role, not the ownership of ci-deployer, so the path is the role's
    const entra = tenant.entra as NonNullable<TenantFile["entra"]>;
    tenant.entra = { ...entra, owners: entra.owners.filter((owner) => owner.objectId !== ids.ciDeployer) };
    tenant.roleAssignments = tenant.roleAssignments.filter(
      (assignment) => assignment.properties.principalId !== ids.penny,
    );
    const penny = pathsOf(modelFromTenantFile(tenant), ids.penny, AKS_1).find(
      (escalation) => escalation.to === "cluster-admin",
    );
    expect(penny).toMatchObject({ eligible: true });
    expect(penny?.path.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        "eligible for directory role Application Administrator (PIM: activates it)",
        "signs in as service principal ci-deployer",
      ]),
    );
  });
});
