import type { AccessIndex } from "@/lib/access/access-index";
import type { ReverseEdge, TargetEdge } from "@/lib/access/attack-graph";
import { directoryPrincipal, reachThroughGroups } from "@/lib/access/evaluate-cluster";
import { clusterStep, groupEligibilityStep, groupStep } from "@/lib/access/paths";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import type { Cluster } from "@/lib/model/azure";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  type AdministrativeUnit,
  DIRECTORY_ROLE_NAMES,
  type DirectoryOwnership,
  type DirectoryRoleAssignment,
  type GraphAppRoleAssignment,
  type GroupEligibility,
  DIRECTORY_ROLE_TEMPLATES as ROLES,
} from "@/lib/model/directory";

// The directory half of the attack graph (pure): edges into groups (who may change their
// membership), into service principals (who may add a credential and sign in as them), into the
// directory roles, and from Global Administrator to every cluster through elevate access. Facts and
// sources: /work/shared/reference/attack-edges.md §5 (learn.microsoft.com/entra/identity/
// role-based-access-control/permissions-reference, …/groups-concept, azure/role-based-access-control/
// elevate-access-global-admin).
//
// Nodes added to attack-edges.ts's:
//   dirrole:<role template id>   "holds this directory role tenant-wide" (holders reach it at no cost;
//                                PIM-eligible holders by an eligible edge)
//
// Which role does what (learn.microsoft.com/entra/identity/role-based-access-control/
// permissions-reference, one section per role; lib/access/entra-audit.test.ts cites each case):
//   group membership   Groups Administrator, User Administrator, Directory Writers, Identity
//                      Governance Administrator (groups/members/update), Intune Administrator
//                      (groups.security/members/update) — none of them on role-assignable groups, whose
//                      membership only owners, Privileged Role and Global Administrators change
//                      (…/groups-concept; graph/api/group-post-members)
//   app/SP credentials Application and Cloud Application Administrator (credentials/update), Hybrid
//                      Identity Administrator (owners/update: makes itself owner, and owners manage
//                      credentials), Global Administrator; also when scoped to the object itself
//                      (directoryScopeId "/<object id>", …/assign-roles-different-scopes)
//   user passwords     Privileged Authentication Administrator and Partner Tier2 Support reset any
//                      user's password, Global Administrators' included (…/privileged-roles-permissions
//                      #who-can-reset-passwords). User, Helpdesk, Password and Authentication
//                      Administrators reset non-administrators' passwords: conditional, as the scan reads
//                      only the roles that lead to clusters and another role would protect the user.
//   any role           Privileged Role Administrator assigns any role, Global Administrator included
//
// Administrative units (…/admin-units-assign-roles, …/admin-units-restricted-management):
//   - a role assigned at "/administrativeUnits/<id>" applies to the unit's members only: Groups and User
//     Administrators change the membership of the groups in the unit (a group in a unit is in scope, its
//     members are not), the password-reset roles reset the users in the unit (the tenant-wide rules for
//     whose password each may reset apply, and these resets are conditional: "certain role permissions
//     apply only to non-administrator users when assigned with the scope of an administrative unit").
//     The other roles above cannot be assigned at a unit's scope. Role-assignable groups stay excluded.
//   - a unit whose members were not read (the scan was refused them) gives conditional edges over every
//     group or user the role could manage ("if it is in the unit"), never none.
//   - restricted management units (isMemberManagementRestricted): only roles assigned at the scope of a
//     restricted unit the object is in change it. Tenant-wide roles and owners cannot, nor a role at a
//     regular unit it is also in. Global and Privileged Role Administrators may "assign roles to
//     themselves with restricted management administrative unit scope": one more step. Role-assignable
//     groups in one: "only Global Administrators and Privileged Role Administrators … can modify
//     membership", as before.

type Edge = ReverseEdge & { eligible: boolean };

/** The Microsoft Graph application permissions the edges use (names: GRAPH_ESCALATION_PERMISSIONS). */
const GRAPH = {
  roleManagement: "RoleManagement.ReadWrite.Directory",
  appRoleAssignment: "AppRoleAssignment.ReadWrite.All",
  application: "Application.ReadWrite.All",
  directory: "Directory.ReadWrite.All",
  roleAssignmentSchedule: "RoleAssignmentSchedule.ReadWrite.Directory",
  groupAssignmentSchedule: "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
} as const;
/**
 * Graph permissions that add a password to any application or service principal: Application.ReadWrite.All,
 * and Directory.ReadWrite.All, which application-addpassword and serviceprincipal-addpassword list as the
 * higher privileged application permissions beside it ("Application.ReadWrite.All, Directory.ReadWrite.All").
 */
const GRAPH_CREDENTIALS = [GRAPH.application, GRAPH.directory];
/**
 * Graph permissions that create a Temporary Access Pass for any user (authentication-post-temporaryaccesspassmethods:
 * Application | UserAuthMethod-TAP.ReadWrite.All, UserAuthenticationMethod.ReadWrite.All; the Entra roles it
 * names apply to delegated calls). A pass signs the user in, MFA included, if the tenant's Temporary Access Pass
 * policy allows the user one: the scan does not read that policy, so the edge is conditional. Guests from another
 * tenant sign in at home and cannot use one (only internal guests can).
 */
const GRAPH_TEMPORARY_ACCESS_PASS = [
  "UserAuthMethod-TAP.ReadWrite.All",
  "UserAuthenticationMethod.ReadWrite.All",
];
/** Graph permissions that add members to groups that are not role-assignable (group-post-members). */
const GRAPH_GROUP_MEMBERSHIP = [
  "GroupMember.ReadWrite.All",
  "Group.ReadWrite.All",
  "Directory.ReadWrite.All",
];
const GRANTS_ROLE_MANAGEMENT: PathStep = {
  kind: "action",
  id: `graph#grant:${GRAPH.roleManagement}`,
  label: `grants itself Microsoft Graph's ${GRAPH.roleManagement}`,
};
type DirectoryTargetEdge = Edge & TargetEdge & { level: "cluster-admin"; namespace: null; held: false };

/** Roles that change the membership of groups that are not role-assignable (groups/members/update). */
const GROUP_MEMBERSHIP_ROLES = [
  ROLES.groupsAdministrator,
  ROLES.userAdministrator,
  ROLES.directoryWriters,
  ROLES.identityGovernanceAdministrator,
];
/** Roles that change the membership of security groups that are not role-assignable (groups.security/…). */
const SECURITY_GROUP_MEMBERSHIP_ROLES = [ROLES.intuneAdministrator];
/** Roles that add credentials to any application or service principal. */
const APPLICATION_CREDENTIAL_ROLES: readonly string[] = [
  ROLES.applicationAdministrator,
  ROLES.cloudApplicationAdministrator,
];
/** Roles that make themselves owner of any application or service principal (owners/update), not credentials. */
const APPLICATION_OWNER_ROLES = [ROLES.hybridIdentityAdministrator];
/** Roles that reset the password (and authentication methods) of any user, administrators included. */
const PASSWORD_RESET_ROLES = [ROLES.privilegedAuthenticationAdministrator, ROLES.partnerTier2Support];
/**
 * Roles that reset the password of users who hold no administrator role ("Who can reset passwords":
 * learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions — Helpdesk,
 * Password and Authentication Administrators and User Administrators reset non-administrators' passwords;
 * members of role-assignable groups are protected like administrators, groups-concept).
 */
const NON_ADMIN_PASSWORD_RESET_ROLES = [
  ROLES.userAdministrator,
  ROLES.helpdeskAdministrator,
  ROLES.passwordAdministrator,
  ROLES.authenticationAdministrator,
];
const ADMINISTRATIVE_UNIT_SCOPE = "/administrativeunits/";
/**
 * Roles that, assigned at an administrative unit's scope, change the membership of the unit's groups:
 * Groups Administrator ("can manage all aspects of groups in the assigned administrative unit only") and
 * User Administrator ("… users and groups … within the assigned administrative unit only"), the roles of
 * GROUP_MEMBERSHIP_ROLES that admin-units-assign-roles lists as assignable there.
 */
const UNIT_GROUP_MEMBERSHIP_ROLES: readonly string[] = [ROLES.groupsAdministrator, ROLES.userAdministrator];
/** Privileged Authentication Administrator at a unit's scope: "any user (admin or non-admin)" of the unit. */
const UNIT_PASSWORD_RESET_ROLES: readonly string[] = [ROLES.privilegedAuthenticationAdministrator];
/** User, Helpdesk, Password and Authentication Administrators at a unit's scope: its non-administrators. */
const UNIT_NON_ADMIN_PASSWORD_RESET_ROLES: readonly string[] = NON_ADMIN_PASSWORD_RESET_ROLES;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function directoryRoleNode(roleTemplateId: string): string {
  return `dirrole:${roleTemplateId}`;
}

export class DirectoryEdges {
  private readonly rolesByTemplate = new Map<string, DirectoryRoleAssignment[]>();
  /** Microsoft Graph application permissions by name (GRAPH_ESCALATION_PERMISSIONS) */
  private readonly graphHolders = new Map<string, GraphAppRoleAssignment[]>();
  /**
   * Role assignments scoped to one directory object (directoryScopeId "/<object id>": an application,
   * or a service principal), keyed by its lower-cased id; they manage that object itself.
   */
  private readonly rolesByObject = new Map<string, DirectoryRoleAssignment[]>();
  /** Role assignments scoped to an administrative unit, keyed by the unit's lower-cased id. */
  private readonly rolesByUnit = new Map<string, DirectoryRoleAssignment[]>();
  private readonly unitsById = new Map<string, AdministrativeUnit>();
  private readonly unitsByMember = new Map<string, AdministrativeUnit[]>();
  /** Whether every unit was read with its members: a unit not in the model then does not exist. */
  private readonly unitsRead: boolean;
  private readonly eligibilityByGroup = new Map<string, GroupEligibility[]>();
  private readonly ownersByObject = new Map<string, DirectoryOwnership>();
  private readonly applicationsByAppId = new Map<string, DirectoryOwnership>();
  private readonly cache = new Map<string, Edge[]>();

  constructor(
    private readonly index: AccessIndex,
    private readonly register: (principal: AccessPrincipal) => string,
  ) {
    const model = index.model;
    for (const role of model.directoryRoleAssignments ?? []) {
      const scope = role.directoryScopeId.toLowerCase();
      if (scope === "/") push(this.rolesByTemplate, role.roleDefinitionId, role);
      else if (scope.startsWith(ADMINISTRATIVE_UNIT_SCOPE))
        push(this.rolesByUnit, scope.slice(ADMINISTRATIVE_UNIT_SCOPE.length), role);
      else push(this.rolesByObject, scope.slice(1), role);
    }
    for (const assignment of model.graphAppRoleAssignments ?? [])
      push(this.graphHolders, assignment.permission, assignment);
    for (const unit of model.administrativeUnits ?? []) {
      this.unitsById.set(unit.id.toLowerCase(), unit);
      for (const memberId of unit.memberIds) push(this.unitsByMember, memberId.toLowerCase(), unit);
    }
    this.unitsRead = model.coverage?.[ADMINISTRATIVE_UNITS_SOURCE]?.status === "complete";
    for (const eligibility of model.groupEligibilities ?? [])
      push(this.eligibilityByGroup, eligibility.groupId, eligibility);
    for (const ownership of model.directoryOwners ?? []) {
      this.ownersByObject.set(ownership.objectId, ownership);
      if (ownership.objectKind === "Application" && ownership.appId)
        this.applicationsByAppId.set(ownership.appId, ownership);
    }
  }

  /** Whether the tenant has anything for these edges to use (so an old model costs nothing). */
  get empty(): boolean {
    return (
      this.rolesByTemplate.size === 0 &&
      this.rolesByObject.size === 0 &&
      this.rolesByUnit.size === 0 &&
      this.eligibilityByGroup.size === 0 &&
      this.ownersByObject.size === 0 &&
      this.graphHolders.size === 0
    );
  }

  /**
   * Whether someone holds a role that resets users' passwords, or a Graph permission that creates their
   * Temporary Access Passes (users are entered only then).
   */
  private get entersUsers(): boolean {
    if (GRAPH_TEMPORARY_ACCESS_PASS.some((permission) => this.graphHolders.has(permission))) return true;
    if (
      [...PASSWORD_RESET_ROLES, ...NON_ADMIN_PASSWORD_RESET_ROLES].some((templateId) =>
        this.rolesByTemplate.has(templateId),
      )
    )
      return true;
    for (const roles of this.rolesByUnit.values())
      for (const role of roles)
        if (
          UNIT_PASSWORD_RESET_ROLES.includes(role.roleDefinitionId) ||
          UNIT_NON_ADMIN_PASSWORD_RESET_ROLES.includes(role.roleDefinitionId)
        )
          return true;
    return false;
  }

  private administratorIds?: Set<string>;

  /**
   * Who a non-administrator's password reset cannot touch, as far as the scan knows: holders of an active
   * directory role it read (tenant-wide or scoped), through a group too, and the members and owners of
   * role-assignable groups. A role it did not read would protect a user as well, so these resets are
   * conditional.
   */
  private administrators(): Set<string> {
    if (this.administratorIds) return this.administratorIds;
    const ids = new Set<string>();
    const add = (principalId: string) => {
      ids.add(principalId);
      for (const member of this.index.membersOfGroup.get(principalId) ?? []) ids.add(member);
    };
    for (const roles of [
      ...this.rolesByTemplate.values(),
      ...this.rolesByObject.values(),
      ...this.rolesByUnit.values(),
    ])
      for (const role of roles) if (!role.eligible) add(role.principalId);
    for (const principal of this.index.model.principals) {
      if (principal.kind !== "Group" || principal.isAssignableToRole !== true) continue;
      add(principal.id);
      for (const owner of this.ownersByObject.get(principal.id)?.ownerIds ?? []) ids.add(owner);
    }
    this.administratorIds = ids;
    return ids;
  }

  /**
   * Groups and service principals (not managed identities) can be entered from the directory; users
   * too when someone can reset any user's password.
   */
  hasPredecessors(node: string): boolean {
    if (this.empty || !node.startsWith("p:")) return false;
    const kind = this.index.principalsById.get(node.slice(2))?.kind;
    return kind === "Group" || kind === "ServicePrincipal" || (kind === "User" && this.entersUsers);
  }

  predecessors(node: string): Edge[] {
    if (this.empty) return [];
    const cached = this.cache.get(node);
    if (cached) return cached;
    let edges: Edge[] = [];
    if (node.startsWith("dirrole:")) edges = this.intoRole(node.slice("dirrole:".length));
    else if (node.startsWith("p:")) {
      const principal = this.index.principalsById.get(node.slice(2));
      if (principal?.kind === "Group") edges = this.intoGroup(principal.id);
      else if (principal?.kind === "ServicePrincipal") edges = this.intoServicePrincipal(principal.id);
      else if (principal?.kind === "User") edges = this.intoUser(principal.id);
    }
    this.cache.set(node, edges);
    return edges;
  }

  /**
   * Global Administrator → elevate access → User Access Administrator at "/" → any role on the cluster.
   * A tenant where nobody holds Global Administrator has the edge too when someone holds Privileged
   * Role Administrator, who can assign it ("manage assignments for all Microsoft Entra roles including
   * the Global Administrator role", permissions-reference#privileged-role-administrator).
   */
  targetEdges(cluster: Cluster): DirectoryTargetEdge[] {
    if (
      !this.rolesByTemplate.has(ROLES.globalAdministrator) &&
      !this.rolesByTemplate.has(ROLES.privilegedRoleAdministrator) &&
      !this.graphAssignsRoles
    )
      return [];
    return [
      {
        from: directoryRoleNode(ROLES.globalAdministrator),
        weight: 1,
        steps: [
          {
            kind: "action",
            id: "/providers/Microsoft.Authorization/elevateAccess",
            label:
              "elevates access (Microsoft.Authorization/elevateAccess/Action): User Access Administrator at the tenant root /",
          },
          {
            kind: "action",
            id: `${cluster.id}#assignRole/elevated`,
            label: `assigns itself a cluster-admin role on ${cluster.name} (roleAssignments/write at /)`,
          },
          clusterStep(cluster),
        ],
        conditional: false,
        eligible: false,
        level: "cluster-admin",
        namespace: null,
        held: false,
      },
    ];
  }

  private roleStep(role: DirectoryRoleAssignment): PathStep {
    return {
      kind: "directoryRoleAssignment",
      id: `${role.eligible ? "eligible" : "active"}:${role.roleDefinitionId}:${role.principalId}:${role.directoryScopeId}`,
      label: role.eligible
        ? `eligible for directory role ${role.roleName} (PIM: activates it)`
        : `directory role ${role.roleName}`,
    };
  }

  /** Holders of a tenant-wide directory role (members of a role-assignable group holding it too). */
  private intoRole(templateId: string): Edge[] {
    const edges: Edge[] = [];
    for (const role of this.rolesByTemplate.get(templateId) ?? []) {
      const holder = directoryPrincipal(this.index, role.principalId);
      for (const reached of reachThroughGroups(this.index, holder)) {
        edges.push({
          from: this.register(reached.principal),
          weight: 0,
          steps: [...reached.prefix.slice(1), this.roleStep(role)],
          conditional: false,
          eligible: role.eligible,
        });
      }
    }
    // Microsoft Graph's RoleManagement.ReadWrite.Directory assigns any directory role (POST
    // /roleManagement/directory/roleAssignments, unifiedroleassignment-post); AppRoleAssignment.ReadWrite.All
    // first grants its holder that permission (serviceprincipal-post-approleassignments).
    const assign: PathStep = {
      kind: "action",
      id: `directoryRole:${templateId}#assign`,
      label: `assigns itself the directory role ${this.roleName(templateId)}`,
    };
    // RoleAssignmentSchedule.ReadWrite.Directory does the same through PIM: an `adminAssign` request for an
    // active assignment (rbacapplication-post-roleassignmentschedulerequests, "Application:
    // RoleAssignmentSchedule.ReadWrite.Directory"). The role's PIM settings for active assignments (MFA,
    // justification, whether a permanent one is allowed) apply, and the scan does not read them: conditional.
    edges.push(
      ...this.graphPermissionEdges([GRAPH.roleManagement], [assign]),
      ...this.graphPermissionEdges([GRAPH.appRoleAssignment], [GRANTS_ROLE_MANAGEMENT, assign]),
      ...this.graphPermissionEdges(
        [GRAPH.roleAssignmentSchedule],
        [
          {
            kind: "action",
            id: `directoryRole:${templateId}#assignSchedule`,
            label: `assigns itself the directory role ${this.roleName(templateId)} through a PIM assignment request, if the role's PIM settings let it`,
          },
        ],
        true,
      ),
    );
    // Privileged Role Administrator assigns any directory role, itself included.
    if (
      templateId !== ROLES.privilegedRoleAdministrator &&
      this.rolesByTemplate.has(ROLES.privilegedRoleAdministrator)
    ) {
      edges.push({
        from: directoryRoleNode(ROLES.privilegedRoleAdministrator),
        weight: 1,
        steps: [
          {
            kind: "action",
            id: `directoryRole:${templateId}#assign`,
            label: `assigns itself the directory role ${this.roleName(templateId)}`,
          },
        ],
        conditional: false,
        eligible: false,
      });
    }
    return edges;
  }

  private roleName(templateId: string): string {
    return (
      this.rolesByTemplate.get(templateId)?.[0]?.roleName ?? DIRECTORY_ROLE_NAMES[templateId] ?? templateId
    );
  }

  private ownerEdges(ownership: DirectoryOwnership, how: string, tail: PathStep[]): Edge[] {
    return ownership.ownerIds.map((ownerId) => ({
      from: this.register(directoryPrincipal(this.index, ownerId)),
      weight: 1 as const,
      steps: [
        {
          kind: "directoryOwnership",
          id: ownership.objectId,
          label: `owns ${ownership.objectKind === "Group" ? "group" : ownership.objectKind === "Application" ? "application" : "service principal"} ${ownership.displayName}`,
        },
        { kind: "action", id: `${ownership.objectId}#${how}`, label: how },
        ...tail,
      ],
      conditional: false,
      eligible: false,
    }));
  }

  private roleEdge(templateId: string, id: string, label: string, tail: PathStep[]): Edge[] {
    if (
      !this.rolesByTemplate.has(templateId) &&
      !this.rolesByTemplate.has(ROLES.privilegedRoleAdministrator) &&
      !this.graphAssignsRoles
    )
      return [];
    return [
      {
        from: directoryRoleNode(templateId),
        weight: 1,
        steps: [{ kind: "action", id, label }, ...tail],
        conditional: false,
        eligible: false,
      },
    ];
  }

  /** Whether someone holds a Microsoft Graph permission that assigns directory roles. */
  private get graphAssignsRoles(): boolean {
    return (
      this.graphHolders.has(GRAPH.roleManagement) ||
      this.graphHolders.has(GRAPH.appRoleAssignment) ||
      this.graphHolders.has(GRAPH.roleAssignmentSchedule)
    );
  }

  /** Edges from the holders of Microsoft Graph application `permissions`: the permission, then `steps`. */
  private graphPermissionEdges(
    permissions: readonly string[],
    steps: PathStep[],
    conditional = false,
  ): Edge[] {
    const edges: Edge[] = [];
    for (const permission of permissions)
      for (const assignment of this.graphHolders.get(permission) ?? [])
        edges.push({
          // granted to the service principal itself (app roles are never held through a group)
          from: this.register(directoryPrincipal(this.index, assignment.principalId)),
          // one hop, as a Privileged Role Administrator's: granting itself a permission first is part of it
          weight: 1,
          steps: [
            {
              kind: "graphAppRoleAssignment",
              id: assignment.id,
              label: `Microsoft Graph application permission ${permission}`,
            },
            ...steps,
          ],
          conditional,
          eligible: false,
        });
    return edges;
  }

  /** The restricted management administrative units (as far as read) an object is a member of. */
  private restrictedUnitsOf(objectId: string): AdministrativeUnit[] {
    return (this.unitsByMember.get(objectId) ?? []).filter(
      (unit) => unit.isMemberManagementRestricted === true,
    );
  }

  /**
   * The unit-scoped assignments of `templateIds` that manage an object: those at a unit it is a member
   * of (at a restricted unit only, when it is in one), and, unless every unit was read, those at a unit
   * the scan does not know (unit null: it may hold the object).
   */
  private unitRolesOver(
    objectId: string,
    templateIds: readonly string[],
  ): { role: DirectoryRoleAssignment; unit: AdministrativeUnit | null }[] {
    const found: { role: DirectoryRoleAssignment; unit: AdministrativeUnit | null }[] = [];
    if (this.rolesByUnit.size === 0) return found;
    const restricted = this.restrictedUnitsOf(objectId).length > 0;
    for (const unit of this.unitsByMember.get(objectId) ?? []) {
      if (restricted && unit.isMemberManagementRestricted !== true) continue;
      for (const role of this.rolesByUnit.get(unit.id.toLowerCase()) ?? [])
        if (templateIds.includes(role.roleDefinitionId)) found.push({ role, unit });
    }
    if (!this.unitsRead)
      for (const [unitId, roles] of this.rolesByUnit) {
        if (this.unitsById.has(unitId)) continue;
        for (const role of roles)
          if (templateIds.includes(role.roleDefinitionId)) found.push({ role, unit: null });
      }
    return found;
  }

  /**
   * Edges from the holders of unit-scoped roles over an object (through their role-assignable group
   * too): the role step, then `action(unit)` and `tail`. A unit not read makes the edge conditional.
   */
  private unitRoleEdges(
    objectId: string,
    templateIds: readonly string[],
    action: (unit: AdministrativeUnit | null) => PathStep,
    tail: PathStep[],
    conditional: boolean,
  ): Edge[] {
    const edges: Edge[] = [];
    for (const { role, unit } of this.unitRolesOver(objectId, templateIds)) {
      const unitId = role.directoryScopeId.slice(ADMINISTRATIVE_UNIT_SCOPE.length);
      const roleStep: PathStep = {
        ...this.roleStep(role),
        label: `${role.eligible ? "eligible for directory role" : "directory role"} ${role.roleName} at administrative unit ${unit ? unit.displayName : `${unitId} (its members were not read)`}${role.eligible ? " (PIM: activates it)" : ""}`,
      };
      for (const reached of reachThroughGroups(this.index, directoryPrincipal(this.index, role.principalId)))
        edges.push({
          from: this.register(reached.principal),
          weight: 1,
          steps: [...reached.prefix.slice(1), roleStep, action(unit), ...tail],
          conditional: conditional || unit === null,
          eligible: role.eligible,
        });
    }
    return edges;
  }

  /** Who can make themselves a member of a group. */
  private intoGroup(groupId: string): Edge[] {
    const group = directoryPrincipal(this.index, groupId, "Group");
    const member = groupStep(group);
    const edges: Edge[] = [];
    // A group in a restricted management unit: its owners cannot change it, nor tenant-wide roles.
    const restricted = this.restrictedUnitsOf(groupId);
    const ownership = this.ownersByObject.get(groupId);
    if (ownership && restricted.length === 0)
      edges.push(...this.ownerEdges(ownership, "adds itself as a member", [member]));
    for (const eligibility of this.eligibilityByGroup.get(groupId) ?? []) {
      // An eligible owner is an owner once active, and owners cannot change a group in a restricted unit.
      if (eligibility.accessId === "owner" && restricted.length > 0) continue;
      const holder = directoryPrincipal(this.index, eligibility.principalId);
      for (const reached of reachThroughGroups(this.index, holder)) {
        edges.push({
          from: this.register(reached.principal),
          weight: 1,
          steps: [
            ...reached.prefix.slice(1),
            groupEligibilityStep(group, eligibility.accessId, eligibility.principalId),
            member,
          ],
          conditional: false,
          eligible: true,
        });
      }
    }
    const roleAssignable = this.index.principalsById.get(groupId)?.isAssignableToRole === true;
    // Role-assignable groups: only Privileged Role Administrators (and Global Administrators) and owners,
    // in a restricted management unit too ("only Global Administrators and Privileged Role Administrators
    // … can modify membership", admin-units-restricted-management#limitations).
    if (!roleAssignable && restricted.length > 0) {
      // Tenant-wide Global (and, through it, Privileged Role) Administrators first assign themselves a role
      // at the restricted unit's scope; the tenant-wide group roles are blocked.
      edges.push(
        ...this.roleEdge(
          ROLES.globalAdministrator,
          `${groupId}#addMember`,
          `assigns itself Groups Administrator at the scope of restricted management administrative unit ${restricted[0].displayName}, then adds itself to group ${group.displayName}`,
          [member],
        ),
      );
    }
    if (!roleAssignable)
      edges.push(
        ...this.unitRoleEdges(
          groupId,
          UNIT_GROUP_MEMBERSHIP_ROLES,
          (unit) => ({
            kind: "action",
            id: `${groupId}#addMember`,
            label: unit
              ? `adds itself to group ${group.displayName} (a member of administrative unit ${unit.displayName}, not role-assignable)`
              : `adds itself to group ${group.displayName}, if the group is a member of that administrative unit`,
          }),
          [member],
          false,
        ),
      );
    // Microsoft Graph's group permissions add members to groups that are not role-assignable (group-post-members:
    // a role-assignable group also needs RoleManagement.ReadWrite.Directory, whose holder is a Privileged Role
    // Administrator in all but name: the role edges below). In a restricted management unit, conditional.
    if (!roleAssignable)
      edges.push(
        ...this.graphPermissionEdges(
          GRAPH_GROUP_MEMBERSHIP,
          [
            {
              kind: "action",
              id: `${groupId}#addMember`,
              label: `adds itself to group ${group.displayName} (not role-assignable)${restricted.length > 0 ? `, if applications may change restricted management administrative unit ${restricted[0].displayName}` : ""}`,
            },
            member,
          ],
          restricted.length > 0,
        ),
      );
    // PIM for Groups through Graph: PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup alone creates an active
    // membership assignment for any principal, itself included (privilegedaccessgroup-post-assignmentschedulerequests,
    // "Application: PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup"; the roles it names are for delegated calls).
    // The group's PIM settings for active assignments apply, and the scan does not read them: conditional.
    edges.push(
      ...this.graphPermissionEdges(
        [GRAPH.groupAssignmentSchedule],
        [
          {
            kind: "action",
            id: `${groupId}#assignSchedule`,
            label: `makes itself an active member of group ${group.displayName} through a PIM for Groups assignment request, if the group's PIM settings let it`,
          },
          member,
        ],
        true,
      ),
    );
    const roles = roleAssignable
      ? [ROLES.privilegedRoleAdministrator, ROLES.globalAdministrator]
      : restricted.length > 0
        ? []
        : [...GROUP_MEMBERSHIP_ROLES, ...SECURITY_GROUP_MEMBERSHIP_ROLES, ROLES.globalAdministrator];
    for (const templateId of roles) {
      const kind = roleAssignable
        ? ""
        : (SECURITY_GROUP_MEMBERSHIP_ROLES as string[]).includes(templateId)
          ? " (a security group, not role-assignable)"
          : " (not role-assignable)";
      edges.push(
        ...this.roleEdge(
          templateId,
          `${groupId}#addMember`,
          `adds itself to group ${group.displayName}${kind}`,
          [member],
        ),
      );
    }
    return edges;
  }

  /**
   * Who can reset a user's password and authentication methods, then sign in as the user: Privileged
   * Authentication Administrator ("Set or reset any authentication method (including passwords) for
   * any user, including Global Administrators") and Partner Tier2 Support (privileged-roles-permissions
   * #who-can-reset-passwords). Privileged Role Administrators are not walked through here: their own
   * path (Global Administrator, elevate access) is never longer.
   */
  private intoUser(userId: string): Edge[] {
    const user = directoryPrincipal(this.index, userId, "User");
    const edges: Edge[] = [];
    const signIn: PathStep = { kind: "principal", id: userId, label: `signs in as user ${user.displayName}` };
    // A guest signs in at its home tenant: a reset here takes nothing over.
    const guest = this.index.principalsById.get(userId)?.userPrincipalName?.includes("#EXT#") === true;
    const administrator = this.administrators().has(userId);
    if (!guest) {
      const reset = (unit: AdministrativeUnit | null): PathStep => ({
        kind: "action",
        id: `${userId}#resetPassword`,
        label: unit
          ? `resets the password of user ${user.displayName} (a member of administrative unit ${unit.displayName})`
          : `resets the password of user ${user.displayName}, if the user is a member of that administrative unit`,
      });
      edges.push(...this.unitRoleEdges(userId, UNIT_PASSWORD_RESET_ROLES, reset, [signIn], true));
      if (!administrator)
        edges.push(...this.unitRoleEdges(userId, UNIT_NON_ADMIN_PASSWORD_RESET_ROLES, reset, [signIn], true));
    }
    const restricted = this.restrictedUnitsOf(userId).length > 0;
    if (!guest)
      edges.push(
        ...this.graphPermissionEdges(
          GRAPH_TEMPORARY_ACCESS_PASS,
          [
            {
              kind: "action",
              id: `${userId}#temporaryAccessPass`,
              label: `creates a Temporary Access Pass for user ${user.displayName}, if the tenant's policy lets the user sign in with one${restricted ? " (the user is in a restricted management administrative unit)" : ""}`,
            },
            signIn,
          ],
          true,
        ),
      );
    // A user in a restricted management unit: "Update password for a user" is blocked for every
    // administrator not assigned at that unit's scope (admin-units-restricted-management).
    if (restricted) return edges;
    for (const templateId of PASSWORD_RESET_ROLES) {
      if (!this.rolesByTemplate.has(templateId)) continue;
      edges.push({
        from: directoryRoleNode(templateId),
        weight: 1,
        steps: [
          {
            kind: "action",
            id: `${userId}#resetPassword`,
            label: `resets the password of user ${user.displayName} (and its authentication methods)`,
          },
          signIn,
        ],
        conditional: false,
        eligible: false,
      });
    }
    if (guest || administrator) return edges;
    for (const templateId of NON_ADMIN_PASSWORD_RESET_ROLES) {
      if (!this.rolesByTemplate.has(templateId)) continue;
      edges.push({
        from: directoryRoleNode(templateId),
        weight: 1,
        steps: [
          {
            kind: "action",
            id: `${userId}#resetPassword`,
            label: `resets the password of user ${user.displayName}, who holds no administrator role the scan read`,
          },
          signIn,
        ],
        conditional: true,
        eligible: false,
      });
    }
    return edges;
  }

  /** Who can add a credential to a service principal (or its application) and sign in as it. */
  private intoServicePrincipal(servicePrincipalId: string): Edge[] {
    const principal = this.index.principalsById.get(servicePrincipalId);
    if (principal?.kind !== "ServicePrincipal") return [];
    const target: PathStep = {
      kind: "principal",
      id: servicePrincipalId,
      label: `signs in as service principal ${principal.displayName}`,
    };
    const edges: Edge[] = [];
    const ownership = this.ownersByObject.get(servicePrincipalId);
    if (ownership) edges.push(...this.ownerEdges(ownership, "adds a client secret", [target]));
    const application = principal.appId ? this.applicationsByAppId.get(principal.appId) : undefined;
    if (application) edges.push(...this.ownerEdges(application, "adds a client secret", [target]));
    for (const templateId of [...APPLICATION_CREDENTIAL_ROLES, ROLES.globalAdministrator]) {
      edges.push(
        ...this.roleEdge(
          templateId,
          `${servicePrincipalId}#addCredential`,
          `adds a client secret to ${principal.displayName}`,
          [target],
        ),
      );
    }
    // Microsoft Graph's Application.ReadWrite.All and Directory.ReadWrite.All add a password to any application
    // or service principal (application-addpassword, serviceprincipal-addpassword: GRAPH_CREDENTIALS);
    // AppRoleAssignment.ReadWrite.All grants the first of them.
    const addSecret: PathStep = {
      kind: "action",
      id: `${servicePrincipalId}#addCredential`,
      label: `adds a client secret to ${principal.displayName}`,
    };
    edges.push(
      ...this.graphPermissionEdges(GRAPH_CREDENTIALS, [addSecret, target]),
      ...this.graphPermissionEdges(
        [GRAPH.appRoleAssignment],
        [
          {
            kind: "action",
            id: `graph#grant:${GRAPH.application}`,
            label: `grants itself Microsoft Graph's ${GRAPH.application}`,
          },
          addSecret,
          target,
        ],
      ),
    );
    // Hybrid Identity Administrator: makes itself owner (servicePrincipals/owners/update), and an owner
    // manages the credentials of the enterprise application it owns (permissions-reference, User
    // Administrator: "Application Registration and Enterprise Application owners, who can manage
    // credentials of apps they own").
    for (const templateId of APPLICATION_OWNER_ROLES) {
      edges.push(
        ...this.roleEdge(
          templateId,
          `${servicePrincipalId}#addOwner`,
          `adds itself as owner of service principal ${principal.displayName} (servicePrincipals/owners/update)`,
          [
            {
              kind: "action",
              id: `${servicePrincipalId}#addCredential`,
              label: `adds a client secret to ${principal.displayName}`,
            },
            target,
          ],
        ),
      );
    }
    // Application Administrators scoped to this one application, or to the service principal itself
    // ("/<object id>": the role manages that object, assign-roles-different-scopes).
    const scoped = [
      ...(application ? (this.rolesByObject.get(application.objectId) ?? []) : []),
      ...(this.rolesByObject.get(servicePrincipalId) ?? []),
    ];
    for (const role of scoped) {
      if (!APPLICATION_CREDENTIAL_ROLES.includes(role.roleDefinitionId)) continue;
      for (const reached of reachThroughGroups(
        this.index,
        directoryPrincipal(this.index, role.principalId),
      )) {
        edges.push({
          from: this.register(reached.principal),
          weight: 1,
          steps: [
            ...reached.prefix.slice(1),
            this.roleStep(role),
            { kind: "action", id: `${servicePrincipalId}#addCredential`, label: "adds a client secret" },
            target,
          ],
          conditional: false,
          eligible: role.eligible,
        });
      }
    }
    return edges;
  }
}
