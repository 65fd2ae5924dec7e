import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import type { ReverseEdge } from "@/lib/access/attack-graph";
import { type AttackPath, AttackPathSearch, iterateAttackPaths } from "@/lib/access/attack-paths";
import { withAdministrativeUnits } from "@/lib/emulator/test-fixtures/administrative-units";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import smallTenant from "@/lib/emulator/test-fixtures/small-tenant.json";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  type AdministrativeUnit,
  DIRECTORY_ROLE_NAMES,
  type DirectoryOwnership,
  type DirectoryRoleAssignment,
  DIRECTORY_ROLE_TEMPLATES as ROLES,
} from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { CoverageEntry, TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

// Directory roles scoped to an administrative unit, and restricted management administrative units,
// in the directory edges (lib/access/directory-edges.ts). Small tenant: aks-admins is aks-1's Entra admin
// group (cluster-admin); Olga is put in it where a password reset is under test.
//
// Sources (learn.microsoft.com; the same text is in github.com/MicrosoftDocs/entra-docs, docs/identity/
// role-based-access-control/*.md):
//   [AU-ROLES]   entra/identity/role-based-access-control/admin-units-assign-roles — "When a Microsoft
//                Entra role is assigned at the scope of an administrative unit, role permissions apply
//                only when managing members of the administrative unit itself"; "an administrator who
//                is assigned the Groups Administrator role at the scope of an administrative unit can
//                manage groups that are members of the administrative unit"; the roles that can be
//                assigned there (Groups, User, Helpdesk, Password, Authentication and Privileged
//                Authentication Administrator among them; not Directory Writers, Identity Governance or
//                Intune Administrator); "administrative unit scoped Helpdesk Administrators can reset
//                passwords for users in the administrative unit only if those users don't have
//                administrator roles".
//   [AU-MEMBERS] entra/identity/role-based-access-control/admin-units-members-add — "Adding a group to an
//                administrative unit brings the group itself into the management scope of the
//                administrative unit, but not the members of the group."
//   [RESTRICTED] entra/identity/role-based-access-control/admin-units-restricted-management — "Only
//                administrators with an explicit assignment at the scope of a restricted management
//                administrative unit can change the Microsoft Entra properties of objects in the
//                restricted management administrative unit": Global Administrator and Privileged Role
//                Administrator at tenant scope blocked, "Owners of groups … blocked", a role at "another
//                regular administrative unit of which the object is a member" blocked, "Update password
//                for a user" and "Modify owners or members of the group" blocked; Global and Privileged
//                Role Administrators can "assign roles to themselves with restricted management
//                administrative units scope". Limitations: role-assignable groups in one — "only Global
//                Administrators and Privileged Role Administrators … can modify membership".
//   [ROLES]      entra/identity/role-based-access-control/permissions-reference (groups/members/update
//                "excluding role-assignable groups").

const AKS_1 = "aks-1";
const UNIT = "0000eeee-0000-4000-8000-0000000000a1";
const OTHER_UNIT = "0000eeee-0000-4000-8000-0000000000a2";
const unitScope = (unitId: string) => `/administrativeUnits/${unitId}`;

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

function unit(id: string, memberIds: string[], restricted = false): AdministrativeUnit {
  return {
    id,
    displayName: id === UNIT ? "Platform" : "Executives",
    memberIds: [...memberIds].sort(),
    ...(restricted ? { isMemberManagementRestricted: true as const } : {}),
  };
}

/**
 * The small tenant with no directory governance facts but those given; units read completely unless
 * `unitsCoverage` says otherwise (undefined: a model from before units were read).
 */
function tenantModel(facts: {
  roles?: Role[];
  units?: AdministrativeUnit[];
  owners?: DirectoryOwnership[];
  olgaInAdmins?: boolean;
  roleAssignableAdmins?: boolean;
  unitsCoverage?: CoverageEntry | null;
}): TenantModel {
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
    admins.members = [...admins.members.filter((member) => member !== ids.sreOncall), ids.jet];
  }
  const model = modelFromTenantFile(tenant);
  model.directoryRoleAssignments = (facts.roles ?? []).map(role);
  model.directoryOwners = facts.owners ?? [];
  model.groupEligibilities = [];
  model.administrativeUnits = facts.units ?? [];
  if (facts.unitsCoverage === null) {
    delete model.coverage[ADMINISTRATIVE_UNITS_SOURCE];
    delete model.administrativeUnits;
  } else model.coverage[ADMINISTRATIVE_UNITS_SOURCE] = facts.unitsCoverage ?? { status: "complete" };
  return model;
}

function reach(model: TenantModel, principalId: string, clusterName = AKS_1): AttackPath | undefined {
  for (const { access, paths } of iterateAttackPaths(model)) {
    if (access.cluster.name !== clusterName) continue;
    return paths.find((path) => path.principal.id === principalId && path.level === "cluster-admin");
  }
  return undefined;
}

function edgesInto(model: TenantModel, principalId: string): ReverseEdge[] {
  return new AttackPathSearch(buildAccessIndex(model)).edges.predecessors(`p:${principalId}`);
}

const labels = (path: AttackPath | undefined) => path?.path.map((step) => step.label) ?? [];

describe("administrative units: group membership", () => {
  it("a Groups Administrator scoped to a unit holding the admin group adds itself and is cluster-admin", () => {
    // [AU-ROLES] the unit-scoped Groups Administrator manages the groups that are members of the unit.
    const model = tenantModel({
      units: [unit(UNIT, [ids.aksAdmins])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    const faye = reach(model, ids.faye);
    expect(faye).toMatchObject({ conditional: false, eligible: false, hops: 2 });
    expect(labels(faye)).toEqual(
      expect.arrayContaining([
        "directory role Groups Administrator at administrative unit Platform",
        "adds itself to group aks-admins (a member of administrative unit Platform, not role-assignable)",
      ]),
    );
  });

  it("so does a unit-scoped User Administrator, and an eligible one's path is eligible", () => {
    const model = tenantModel({
      units: [unit(UNIT, [ids.aksAdmins])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.userAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
        {
          principalId: ids.leonard,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
          eligible: true,
        },
      ],
    });
    expect(reach(model, ids.faye)).toMatchObject({ conditional: false, eligible: false });
    expect(reach(model, ids.leonard)).toMatchObject({ eligible: true });
  });

  it("a unit that holds a nested group of the admin group gives the path through it", () => {
    // sre-oncall is a member of aks-admins: joining it is joining aks-admins.
    const model = tenantModel({
      units: [unit(UNIT, [ids.sreOncall])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(labels(reach(model, ids.faye))).toContain(
      "adds itself to group sre-oncall (a member of administrative unit Platform, not role-assignable)",
    );
  });

  it("a unit without the admin group (or a nested one) gives nothing toward aks-1", () => {
    const model = tenantModel({
      units: [unit(UNIT, [ids.penny])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(model, ids.faye)).toBeUndefined();
  });

  it("roles that cannot be assigned at a unit's scope give nothing there", () => {
    // [AU-ROLES] lists neither Directory Writers nor Identity Governance nor Intune Administrator.
    const model = tenantModel({
      units: [unit(UNIT, [ids.aksAdmins])],
      roles: [ROLES.directoryWriters, ROLES.identityGovernanceAdministrator, ROLES.intuneAdministrator].map(
        (roleDefinitionId) => ({
          principalId: ids.faye,
          roleDefinitionId,
          directoryScopeId: unitScope(UNIT),
        }),
      ),
    });
    expect(reach(model, ids.faye)).toBeUndefined();
  });

  it("a role-assignable admin group in the unit stays out of a unit-scoped Groups Administrator's reach", () => {
    // [ROLES] groups/members/update excludes role-assignable groups, at any scope.
    const model = tenantModel({
      roleAssignableAdmins: true,
      units: [unit(UNIT, [ids.aksAdmins])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(model, ids.faye)).toBeUndefined();
  });
});

describe("administrative units: password resets", () => {
  it("a unit-scoped Helpdesk Administrator resets a non-administrator of the unit (conditional)", () => {
    // [AU-ROLES] "Helpdesk Administrator: Can reset passwords for non-administrators in the assigned
    // administrative unit only"; conditional like the tenant-wide non-administrator resets.
    const model = tenantModel({
      olgaInAdmins: true,
      units: [unit(UNIT, [ids.olga])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.helpdeskAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    const faye = reach(model, ids.faye);
    expect(faye).toMatchObject({ conditional: true, hops: 2 });
    expect(labels(faye)).toEqual(
      expect.arrayContaining([
        "directory role Helpdesk Administrator at administrative unit Platform",
        "resets the password of user Olga Ops (a member of administrative unit Platform)",
      ]),
    );
  });

  it("not when the user holds an administrator role; a unit-scoped Privileged Authentication Administrator still does", () => {
    // [AU-ROLES] Helpdesk: "only if those users don't have administrator roles"; Privileged
    // Authentication Administrator: "any user (admin or non-admin)".
    const olgaAdmin = { principalId: ids.olga, roleDefinitionId: ROLES.applicationAdministrator };
    const helpdesk = tenantModel({
      olgaInAdmins: true,
      units: [unit(UNIT, [ids.olga])],
      roles: [
        olgaAdmin,
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.helpdeskAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(helpdesk, ids.faye)).toBeUndefined();
    const privileged = tenantModel({
      olgaInAdmins: true,
      units: [unit(UNIT, [ids.olga])],
      roles: [
        olgaAdmin,
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.privilegedAuthenticationAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(privileged, ids.faye)).toMatchObject({ conditional: true });
  });

  it("a unit holding the admin group does not put the group's members in scope", () => {
    // [AU-MEMBERS] the group is in scope, not its members: no reset of Olga.
    const model = tenantModel({
      olgaInAdmins: true,
      units: [unit(UNIT, [ids.aksAdmins])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.helpdeskAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(model, ids.faye)).toBeUndefined();
  });
});

describe("administrative units that were not read", () => {
  const facts = {
    roles: [
      {
        principalId: ids.faye,
        roleDefinitionId: ROLES.groupsAdministrator,
        directoryScopeId: unitScope(UNIT),
      },
    ],
  };

  it("a unit-scoped Groups Administrator is a conditional path, not nobody, when units were refused (403)", () => {
    const model = tenantModel({
      ...facts,
      unitsCoverage: {
        status: "not-read",
        reason: "reading the administrative units: Authorization_RequestDenied",
      },
    });
    const faye = reach(model, ids.faye);
    expect(faye).toMatchObject({ conditional: true });
    expect(labels(faye)).toEqual(
      expect.arrayContaining([
        `directory role Groups Administrator at administrative unit ${UNIT.toLowerCase()} (its members were not read)`,
        "adds itself to group aks-admins, if the group is a member of that administrative unit",
      ]),
    );
  });

  it("and in a model stored before units were read", () => {
    expect(reach(tenantModel({ ...facts, unitsCoverage: null }), ids.faye)).toMatchObject({
      conditional: true,
    });
  });

  it("a unit whose members were read is used as read while another was not (partial)", () => {
    const model = tenantModel({
      ...facts,
      roles: [
        ...facts.roles,
        {
          principalId: ids.penny,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(OTHER_UNIT),
        },
      ],
      units: [unit(OTHER_UNIT, [ids.leonard])],
      unitsCoverage: { status: "partial", reason: "not read: the members of administrative unit a1" },
    });
    expect(reach(model, ids.faye)).toMatchObject({ conditional: true });
    expect(reach(model, ids.penny)).toBeUndefined();
  });

  it("when every unit was read, a scope naming no unit (deleted) gives nothing", () => {
    expect(reach(tenantModel(facts), ids.faye)).toBeUndefined();
  });
});

describe("restricted management administrative units", () => {
  // sre-oncall, nested in aks-admins, is in the unit too: joining it would join aks-admins.
  const restrictedAdmins = [unit(OTHER_UNIT, [ids.aksAdmins, ids.sreOncall], true)];

  it("a tenant-wide Groups Administrator cannot add itself to a group in one", () => {
    const open = tenantModel({
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.groupsAdministrator }],
    });
    expect(reach(open, ids.faye)).toBeDefined();
    const restricted = tenantModel({
      units: restrictedAdmins,
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.groupsAdministrator }],
    });
    expect(reach(restricted, ids.faye)).toBeUndefined();
  });

  it("nor can the group's owner, standing or eligible (PIM for Groups)", () => {
    const owners: DirectoryOwnership[] = [
      { objectId: ids.aksAdmins, objectKind: "Group", displayName: "aks-admins", ownerIds: [ids.faye] },
    ];
    expect(reach(tenantModel({ owners }), ids.faye)).toBeDefined();
    expect(reach(tenantModel({ owners, units: restrictedAdmins }), ids.faye)).toBeUndefined();
    const eligibleOwner = (units: AdministrativeUnit[]) => {
      const model = tenantModel({ units });
      model.groupEligibilities = [
        { id: "e", groupId: ids.aksAdmins, principalId: ids.faye, accessId: "owner", endDateTime: null },
      ];
      return reach(model, ids.faye);
    };
    expect(eligibleOwner([])).toMatchObject({ eligible: true });
    expect(eligibleOwner(restrictedAdmins)).toBeUndefined();
  });

  it("a Groups Administrator at the restricted unit's scope can; one at a regular unit also holding the group cannot", () => {
    const model = tenantModel({
      units: [...restrictedAdmins, unit(UNIT, [ids.aksAdmins])],
      roles: [
        {
          principalId: ids.faye,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(OTHER_UNIT),
        },
        {
          principalId: ids.penny,
          roleDefinitionId: ROLES.groupsAdministrator,
          directoryScopeId: unitScope(UNIT),
        },
      ],
    });
    expect(reach(model, ids.faye)).toMatchObject({ conditional: false });
    expect(reach(model, ids.penny)).toBeUndefined();
  });

  it("a tenant-wide Global Administrator first assigns itself a role at the unit's scope", () => {
    const model = tenantModel({
      units: restrictedAdmins,
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.globalAdministrator }],
    });
    const labelsInto = edgesInto(model, ids.aksAdmins).flatMap((edge) =>
      edge.steps.map((step) => step.label),
    );
    expect(labelsInto).toContain(
      "assigns itself Groups Administrator at the scope of restricted management administrative unit Executives, then adds itself to group aks-admins",
    );
    expect(labelsInto).not.toContain("adds itself to group aks-admins (not role-assignable)");
  });

  it("a user in one keeps tenant-wide password resets out; the unit-scoped role resets", () => {
    // [RESTRICTED] "Update password for a user" is blocked for administrators not assigned at its scope.
    const tenantWide = {
      principalId: ids.faye,
      roleDefinitionId: ROLES.privilegedAuthenticationAdministrator,
    };
    const resetsOlga = (model: TenantModel) =>
      edgesInto(model, ids.olga).filter((edge) =>
        edge.steps.some((step) => step.id === `${ids.olga}#resetPassword`),
      );
    expect(resetsOlga(tenantModel({ olgaInAdmins: true, roles: [tenantWide] }))).toHaveLength(1);
    const restrictedOlga = [unit(OTHER_UNIT, [ids.olga], true)];
    expect(
      resetsOlga(tenantModel({ olgaInAdmins: true, units: restrictedOlga, roles: [tenantWide] })),
    ).toEqual([]);
    const scoped = tenantModel({
      olgaInAdmins: true,
      units: restrictedOlga,
      roles: [{ ...tenantWide, directoryScopeId: unitScope(OTHER_UNIT) }],
    });
    expect(resetsOlga(scoped)).toMatchObject([{ from: `p:${ids.faye}`, conditional: true }]);
  });

  it("a role-assignable group in one is still changed by Privileged Role and Global Administrators only", () => {
    const model = tenantModel({
      roleAssignableAdmins: true,
      units: restrictedAdmins,
      roles: [{ principalId: ids.faye, roleDefinitionId: ROLES.privilegedRoleAdministrator }],
    });
    const froms = edgesInto(model, ids.aksAdmins).map((edge) => edge.from);
    expect(froms).toContain(`dirrole:${ROLES.privilegedRoleAdministrator}`);
  });
});

describe("administrative units from a tenant file", () => {
  it("entra.administrativeUnits and a unit-scoped role give the edge into the admin group", () => {
    const tenant = withAdministrativeUnits(parseTenantFile(JSON.parse(JSON.stringify(smallTenant))));
    const into = edgesInto(modelFromTenantFile(tenant), ids.aksAdmins).filter(
      (edge) => edge.from === `p:${ids.faye}`,
    );
    expect(into.map((edge) => edge.steps.map((step) => step.label))).toContainEqual([
      "directory role Groups Administrator at administrative unit Platform",
      "adds itself to group aks-admins (a member of administrative unit Platform, not role-assignable)",
      "member of aks-admins",
    ]);
  });
});
