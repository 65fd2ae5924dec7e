import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import type { ReverseEdge } from "@/lib/access/attack-graph";
import { type AttackPath, AttackPathSearch, iterateAttackPaths } from "@/lib/access/attack-paths";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import smallTenant from "@/lib/emulator/test-fixtures/small-tenant.json";
import {
  DIRECTORY_ROLE_NAMES,
  type DirectoryOwnership,
  type DirectoryRoleAssignment,
  type GroupEligibility,
  DIRECTORY_ROLE_TEMPLATES as ROLES,
} from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

// An audit of the Entra directory and PIM semantics of the directory edges
// (lib/access/directory-edges.ts) against Microsoft's documentation. Each case is a small table
// through the public attack-path search, on the small tenant with every directory governance fact
// removed and only the ones under test put back.
//
// Sources (learn.microsoft.com; the same text is in github.com/MicrosoftDocs/entra-docs):
//   [ROLES]   entra/identity/role-based-access-control/permissions-reference (one section per role)
//   [RESET]   entra/identity/role-based-access-control/privileged-roles-permissions#who-can-reset-passwords
//   [GROUPS]  entra/identity/role-based-access-control/groups-concept (role-assignable groups)
//   [MEMBERS] graph/api/group-post-members (which roles may add members, which groups they may not)
//   [SCOPES]  entra/identity/role-based-access-control/assign-roles-different-scopes
//   [PIMG]    entra/id-governance/privileged-identity-management/concept-pim-for-groups

const AKS_1 = "aks-1"; // aks-admins is its Entra admin group (cluster-admin)
const AKS_4 = "aks-4"; // no Entra integration: only Azure roles (or elevate access) reach it

type Role = Partial<DirectoryRoleAssignment> & { principalId: string; roleDefinitionId: string };

function role(entry: Role): DirectoryRoleAssignment {
  const directoryScopeId = entry.directoryScopeId ?? "/";
  const eligible = entry.eligible ?? false;
  return {
    id: `${eligible ? "eligible" : "active"}|${entry.roleDefinitionId}|${entry.principalId}|${directoryScopeId}`,
    roleName: DIRECTORY_ROLE_NAMES[entry.roleDefinitionId] ?? entry.roleDefinitionId,
    endDateTime: null,
    ...entry,
    directoryScopeId,
    eligible,
  };
}

/**
 * The small tenant with an empty directory governance section (no roles, eligibilities or owners),
 * Olga out of aks-admins unless asked, then the facts under test.
 */
function tenantModel(
  facts: {
    roles?: Role[];
    owners?: DirectoryOwnership[];
    groupEligibilities?: Omit<GroupEligibility, "id">[];
    olgaInAdmins?: boolean;
    roleAssignableAdmins?: boolean;
  } = {},
): TenantModel {
  const tenant: TenantFile = withEntraSection(parseTenantFile(JSON.parse(JSON.stringify(smallTenant))));
  tenant.entra = {
    ...(tenant.entra as NonNullable<TenantFile["entra"]>),
    roleAssignments: [],
    roleEligibilities: [],
    groupEligibilities: [],
    owners: [],
  };
  const admins = tenant.principals.find((principal) => principal.id === ids.aksAdmins) as {
    members: string[];
  } & Record<string, unknown>;
  if (!facts.olgaInAdmins) admins.members = admins.members.filter((member) => member !== ids.olga);
  if (facts.roleAssignableAdmins) {
    admins.isAssignableToRole = true;
    // Role-assignable groups cannot have groups as members [GROUPS]: sre-oncall's Jet joins directly.
    admins.members = [...admins.members.filter((member) => member !== ids.sreOncall), ids.jet];
  }
  const model = modelFromTenantFile(tenant);
  model.directoryRoleAssignments = (facts.roles ?? []).map(role);
  model.directoryOwners = facts.owners ?? [];
  model.groupEligibilities = (facts.groupEligibilities ?? []).map((entry) => ({
    ...entry,
    id: `${entry.groupId}_${entry.accessId}_${entry.principalId}`,
  }));
  return model;
}

/** The attack path (what the principal can reach but does not hold) to `level` on the cluster. */
function reach(
  model: TenantModel,
  principalId: string,
  clusterName: string,
  level = "cluster-admin",
): AttackPath | undefined {
  for (const { access, paths } of iterateAttackPaths(model)) {
    if (access.cluster.name !== clusterName) continue;
    return paths.find((path) => path.principal.id === principalId && path.level === level);
  }
  return undefined;
}

/** The reverse edges into a principal's node of the attack graph (attack-edges.ts: `p:<id>`). */
function edgesInto(model: TenantModel, principalId: string): ReverseEdge[] {
  return new AttackPathSearch(buildAccessIndex(model)).edges.predecessors(`p:${principalId}`);
}

const labels = (path: AttackPath | undefined) => path?.path.map((step) => step.label) ?? [];

const ciDeployerApplicationOwnership = (ownerIds: string[] = []): DirectoryOwnership => ({
  objectId: ids.ciDeployerApplication,
  objectKind: "Application",
  appId: ids.ciDeployerAppId,
  displayName: "ci-deployer",
  ownerIds,
});

describe("Entra audit: baseline", () => {
  it("with no directory governance facts Faye reaches neither aks-1 nor aks-4 as cluster-admin", () => {
    const model = tenantModel();
    expect(reach(model, ids.faye, AKS_1)).toBeUndefined();
    expect(reach(model, ids.faye, AKS_4)).toBeUndefined();
  });
});

describe("Entra audit: Global Administrator and Privileged Role Administrator", () => {
  // [ROLES] Privileged Role Administrator: "This role grants the ability to manage assignments for
  // all Microsoft Entra roles including the Global Administrator role." A Global Administrator then
  // elevates access (learn.microsoft.com/azure/role-based-access-control/elevate-access-global-admin).
  it("a Privileged Role Administrator in a tenant where nobody holds Global Administrator still reaches every cluster", () => {
    const model = tenantModel({
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.privilegedRoleAdministrator }],
    });
    const faye = reach(model, ids.faye, AKS_4);
    expect(faye).toMatchObject({ hops: 2, eligible: false });
    expect(faye?.path.map((step) => step.id)).toContain("/providers/Microsoft.Authorization/elevateAccess");
    expect(labels(faye)).toContain("assigns itself the directory role Global Administrator");
  });

  it("an eligible Privileged Role Administrator's path is marked eligible", () => {
    const model = tenantModel({
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.privilegedRoleAdministrator, eligible: true }],
    });
    expect(reach(model, ids.faye, AKS_4)).toMatchObject({ eligible: true });
  });

  // [GROUPS] "Only groups that have the isAssignableToRole property set to true ... can be assigned
  // a role"; a role held by the group is held by its members.
  it("members of a role-assignable group that holds Global Administrator elevate access", () => {
    const model = tenantModel({
      roleAssignableAdmins: true,
      roles: [{ principalId: ids.aksAdmins, roleDefinitionId: ROLES.globalAdministrator }],
    });
    const jet = reach(model, ids.jet, AKS_4);
    expect(jet?.path.map((step) => step.id)).toContain("/providers/Microsoft.Authorization/elevateAccess");
    expect(jet?.path.map((step) => step.kind)).toContain("groupMembership");
  });

  it("Global Administrator scoped to an administrative unit is no tenant-wide Global Administrator", () => {
    // [SCOPES] "/administrativeUnits/foo means the principal can manage the members of the
    // administrative unit"; elevate access is a tenant-wide Global Administrator's.
    const model = tenantModel({
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.globalAdministrator,
          directoryScopeId: "/administrativeUnits/0000eeee-0000-4000-8000-0000000000a1",
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_4)).toBeUndefined();
  });
});

describe("Entra audit: who changes the membership of a group", () => {
  // [MEMBERS] "The following least privileged roles are supported for this operation, except for
  // role-assignable groups: Group owners, Directory Writers, Groups Administrator, Identity Governance
  // Administrator, User Administrator, ... Intune Administrator - only for security groups".
  // [ROLES] each of these roles has microsoft.directory/groups/members/update (Intune Administrator:
  // groups.security/members/update) "excluding role-assignable groups".
  // [GROUPS] "By default, Privileged Role Administrators can manage the membership of a role-assignable
  // group, but you can delegate the management of role-assignable groups by adding group owners."
  const cases: { name: string; templateId: string; plain: boolean; roleAssignable: boolean }[] = [
    {
      name: "Groups Administrator",
      templateId: ROLES.groupsAdministrator,
      plain: true,
      roleAssignable: false,
    },
    { name: "User Administrator", templateId: ROLES.userAdministrator, plain: true, roleAssignable: false },
    { name: "Directory Writers", templateId: ROLES.directoryWriters, plain: true, roleAssignable: false },
    {
      name: "Identity Governance Administrator",
      templateId: ROLES.identityGovernanceAdministrator,
      plain: true,
      roleAssignable: false,
    },
    {
      name: "Intune Administrator",
      templateId: ROLES.intuneAdministrator,
      plain: true,
      roleAssignable: false,
    },
    // Privileged Role Administrator updates role-assignable groups only (groupsAssignableToRoles/…);
    // over other groups it goes through a role it assigns itself first (Groups Administrator …).
    {
      name: "Privileged Role Administrator",
      templateId: ROLES.privilegedRoleAdministrator,
      plain: false,
      roleAssignable: true,
    },
    {
      name: "Global Administrator",
      templateId: ROLES.globalAdministrator,
      plain: true,
      roleAssignable: true,
    },
    // roles that do not update group members
    {
      name: "Application Administrator",
      templateId: ROLES.applicationAdministrator,
      plain: false,
      roleAssignable: false,
    },
    {
      name: "Privileged Authentication Administrator",
      templateId: ROLES.privilegedAuthenticationAdministrator,
      plain: false,
      roleAssignable: false,
    },
  ];
  for (const { name, templateId, plain, roleAssignable } of cases) {
    for (const [kind, assignable, expected] of [
      ["a group that is not role-assignable", false, plain],
      ["a role-assignable group", true, roleAssignable],
    ] as const) {
      it(`${name} ${expected ? "adds" : "does not add"} itself to ${kind}`, () => {
        const model = tenantModel({
          roles: [{ principalId: ids.faye, roleDefinitionId: templateId }],
          roleAssignableAdmins: assignable,
        });
        // The edge itself (a Global Administrator's shortest path is elevate access, not this one).
        const addsItself = edgesInto(model, ids.aksAdmins).some(
          (edge) =>
            edge.from === `dirrole:${templateId}` &&
            edge.steps.some((step) => step.label.startsWith("adds itself to group aks-admins")),
        );
        expect(addsItself).toBe(expected);
        // and Faye's path to aks-1 exists exactly when some route does
        if (expected) expect(reach(model, ids.faye, AKS_1)).toBeDefined();
      });
    }
  }

  it("an owner of a role-assignable group adds itself as a member", () => {
    const model = tenantModel({
      roleAssignableAdmins: true,
      owners: [
        { objectId: ids.aksAdmins, objectKind: "Group", displayName: "aks-admins", ownerIds: [ids.faye] },
      ],
    });
    expect(labels(reach(model, ids.faye, AKS_1))).toContain("adds itself as a member");
  });

  it("a Groups Administrator scoped to an administrative unit has no tenant-wide power over groups", () => {
    // [SCOPES]: an administrative-unit scope covers the unit's members only; the model does not
    // know them, so such an assignment gives no edge (rather than a tenant-wide false grant).
    const model = tenantModel({
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: "/administrativeUnits/0000eeee-0000-4000-8000-0000000000a1",
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_1)).toBeUndefined();
  });

  // [PIMG] "Owner: an eligible owner can activate ownership" and group owners manage membership
  // [MEMBERS]: two steps, one activation.
  it("an eligible owner (PIM for Groups) of the admin group activates ownership and adds itself: eligible", () => {
    const model = tenantModel({
      groupEligibilities: [
        { groupId: ids.aksAdmins, principalId: ids.faye, accessId: "owner", endDateTime: null },
      ],
    });
    const faye = reach(model, ids.faye, AKS_1);
    // hops: the activation and self-add, then the admin group's binding
    expect(faye).toMatchObject({ eligible: true, hops: 2 });
    expect(labels(faye)).toContain(
      "eligible owner of aks-admins (PIM for Groups: activates the ownership, adds itself as a member)",
    );
  });
});

describe("Entra audit: password resets", () => {
  // [ROLES] Privileged Authentication Administrator: "Set or reset any authentication method
  // (including passwords) for any user, including Global Administrators." [RESET]: the Privileged
  // Auth Admin column is ticked for every row, including "All other built-in and custom roles" and
  // members or owners of role-assignable groups; "The Partner Tier2 Support role can reset
  // passwords ... for all non-administrators and administrators (including Global Administrators)".
  for (const [name, templateId] of [
    ["Privileged Authentication Administrator", ROLES.privilegedAuthenticationAdministrator],
    ["Partner Tier2 Support", ROLES.partnerTier2Support],
  ] as const) {
    it(`a ${name} resets the password of a nested member of the admin group and signs in as him`, () => {
      // Jet is in sre-oncall, a member of aks-admins: nesting is transitive.
      const model = tenantModel({ roles: [{ principalId: ids.faye, roleDefinitionId: templateId }] });
      const faye = reach(model, ids.faye, AKS_1);
      // hops: the reset, then Jet's admin group's binding
      expect(faye).toMatchObject({ hops: 2, eligible: false });
      expect(labels(faye)).toEqual(
        expect.arrayContaining([
          `directory role ${name}`,
          "resets the password of user Jet (and its authentication methods)",
          "signs in as user Jet",
        ]),
      );
    });

    it(`a ${name} resets a Global Administrator's password, then elevates access`, () => {
      const model = tenantModel({
        roles: [
          { principalId: ids.faye, roleDefinitionId: templateId },
          { principalId: ids.leonard, roleDefinitionId: ROLES.globalAdministrator },
        ],
      });
      const faye = reach(model, ids.faye, AKS_4);
      expect(faye).toMatchObject({ hops: 2 });
      expect(labels(faye)).toContain("resets the password of user Leonard (and its authentication methods)");
    });
  }

  it("an eligible Privileged Authentication Administrator's password reset is marked eligible", () => {
    const model = tenantModel({
      olgaInAdmins: true,
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.privilegedAuthenticationAdministrator,
          eligible: true,
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_1)).toMatchObject({ eligible: true, hops: 2 });
  });

  it("a Privileged Authentication Administrator scoped to an administrative unit resets no one tenant-wide", () => {
    // [RESET] "The following table is for roles assigned at the scope of a tenant."
    const model = tenantModel({
      olgaInAdmins: true,
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.privilegedAuthenticationAdministrator,
          directoryScopeId: "/administrativeUnits/0000eeee-0000-4000-8000-0000000000a1",
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_1)).toBeUndefined();
  });
});

describe("Entra audit: credentials of applications and service principals", () => {
  // ci-deployer (service principal) holds Contributor on a management group above every cluster.

  // [ROLES] Hybrid Identity Administrator has microsoft.directory/applications/owners/update and
  // servicePrincipals/owners/update; User Administrator's section: "Application Registration and
  // Enterprise Application owners, who can manage credentials of apps they own".
  it("a Hybrid Identity Administrator makes itself owner of ci-deployer, adds a secret and signs in as it", () => {
    const model = tenantModel({
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.hybridIdentityAdministrator }],
    });
    const faye = reach(model, ids.faye, AKS_1);
    expect(faye).toMatchObject({ eligible: false });
    expect(labels(faye)).toEqual(
      expect.arrayContaining([
        "directory role Hybrid Identity Administrator",
        "adds itself as owner of service principal ci-deployer (servicePrincipals/owners/update)",
        "signs in as service principal ci-deployer",
      ]),
    );
  });

  // [SCOPES] "The scope of /foo means the principal can manage that Microsoft Entra object itself ...
  // a role scoped over an app registration grants the privilege to manage the object itself."
  it("an Application Administrator scoped to ci-deployer's application adds a secret to it", () => {
    const model = tenantModel({
      owners: [ciDeployerApplicationOwnership()],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.applicationAdministrator,
          directoryScopeId: `/${ids.ciDeployerApplication}`,
        },
      ],
    });
    expect(labels(reach(model, ids.faye, AKS_1))).toContain("signs in as service principal ci-deployer");
  });

  it("an Application Administrator scoped to another application gains nothing over ci-deployer", () => {
    const model = tenantModel({
      owners: [ciDeployerApplicationOwnership()],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.applicationAdministrator,
          directoryScopeId: "/0000dddd-0000-4000-8000-0000000000ff",
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_1)).toBeUndefined();
  });

  it("an Application Administrator scoped to the service principal object itself adds a secret to it", () => {
    // No other governance fact in the tenant: the scoped assignment alone must count.
    const model = tenantModel({
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.cloudApplicationAdministrator,
          directoryScopeId: `/${ids.ciDeployer}`,
        },
      ],
    });
    const faye = reach(model, ids.faye, AKS_1);
    expect(labels(faye)).toContain("signs in as service principal ci-deployer");
  });

  it("a Groups Administrator scoped to ci-deployer adds no credential (not a credential role)", () => {
    const model = tenantModel({
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: `/${ids.ciDeployer}`,
        },
      ],
    });
    expect(reach(model, ids.faye, AKS_1)).toBeUndefined();
  });
});
