import type { AccessIndex } from "@/lib/access/access-index";
import type { ReverseEdge, TargetEdge } from "@/lib/access/attack-graph";
import { directoryPrincipal, reachThroughGroups } from "@/lib/access/evaluate-cluster";
import { clusterStep, groupStep } from "@/lib/access/paths";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import type { Cluster } from "@/lib/model/azure";
import {
  type DirectoryOwnership,
  type DirectoryRoleAssignment,
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

type Edge = ReverseEdge & { eligible: boolean };
type DirectoryTargetEdge = Edge & TargetEdge & { level: "cluster-admin"; namespace: null; held: false };

/** Roles that change the membership of groups that are not role-assignable. */
const GROUP_MEMBERSHIP_ROLES = [ROLES.groupsAdministrator, ROLES.userAdministrator, ROLES.directoryWriters];
/** Roles that add credentials to any application or service principal. */
const APPLICATION_CREDENTIAL_ROLES = [ROLES.applicationAdministrator, ROLES.cloudApplicationAdministrator];

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
  /** application-scoped role assignments (directoryScopeId "/<application object id>") */
  private readonly rolesByApplication = new Map<string, DirectoryRoleAssignment[]>();
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
      if (role.directoryScopeId === "/") push(this.rolesByTemplate, role.roleDefinitionId, role);
      else push(this.rolesByApplication, role.directoryScopeId.slice(1).toLowerCase(), role);
    }
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
      this.rolesByTemplate.size === 0 && this.eligibilityByGroup.size === 0 && this.ownersByObject.size === 0
    );
  }

  /** Groups and service principals (not managed identities) can be entered from the directory. */
  hasPredecessors(node: string): boolean {
    if (this.empty || !node.startsWith("p:")) return false;
    const kind = this.index.principalsById.get(node.slice(2))?.kind;
    return kind === "Group" || kind === "ServicePrincipal";
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
    }
    this.cache.set(node, edges);
    return edges;
  }

  /** Global Administrator → elevate access → User Access Administrator at "/" → any role on the cluster. */
  targetEdges(cluster: Cluster): DirectoryTargetEdge[] {
    if (!this.rolesByTemplate.has(ROLES.globalAdministrator)) return [];
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
    return this.rolesByTemplate.get(templateId)?.[0]?.roleName ?? templateId;
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
    if (!this.rolesByTemplate.has(templateId) && !this.rolesByTemplate.has(ROLES.privilegedRoleAdministrator))
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

  /** Who can make themselves a member of a group. */
  private intoGroup(groupId: string): Edge[] {
    const group = directoryPrincipal(this.index, groupId, "Group");
    const member = groupStep(group);
    const edges: Edge[] = [];
    const ownership = this.ownersByObject.get(groupId);
    if (ownership) edges.push(...this.ownerEdges(ownership, "adds itself as a member", [member]));
    for (const eligibility of this.eligibilityByGroup.get(groupId) ?? []) {
      const holder = directoryPrincipal(this.index, eligibility.principalId);
      for (const reached of reachThroughGroups(this.index, holder)) {
        edges.push({
          from: this.register(reached.principal),
          weight: 1,
          steps: [
            ...reached.prefix.slice(1),
            {
              kind: "groupEligibility",
              id: `${groupId}:${eligibility.accessId}:${eligibility.principalId}`,
              label:
                eligibility.accessId === "member"
                  ? `eligible member of ${group.displayName} (PIM for Groups: activates the membership)`
                  : `eligible owner of ${group.displayName} (PIM for Groups: activates the ownership, adds itself as a member)`,
            },
            member,
          ],
          conditional: false,
          eligible: true,
        });
      }
    }
    const roleAssignable = this.index.principalsById.get(groupId)?.isAssignableToRole === true;
    // Role-assignable groups: only Privileged Role Administrators (and Global Administrators) and owners.
    const roles = roleAssignable
      ? [ROLES.privilegedRoleAdministrator, ROLES.globalAdministrator]
      : [...GROUP_MEMBERSHIP_ROLES, ROLES.globalAdministrator];
    for (const templateId of roles) {
      edges.push(
        ...this.roleEdge(
          templateId,
          `${groupId}#addMember`,
          `adds itself to group ${group.displayName}${roleAssignable ? "" : " (not role-assignable)"}`,
          [member],
        ),
      );
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
    // Application Administrator scoped to this one application.
    for (const role of application ? (this.rolesByApplication.get(application.objectId) ?? []) : []) {
      if (!(APPLICATION_CREDENTIAL_ROLES as string[]).includes(role.roleDefinitionId)) continue;
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
