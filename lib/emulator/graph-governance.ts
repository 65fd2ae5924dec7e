import { type EmulatorContext, isPrincipalDeleted } from "@/lib/emulator/context";
import { graphCollectionPage } from "@/lib/emulator/graph-page";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  jsonResponse,
  queryValue,
} from "@/lib/emulator/http-kit";
import { guidFromText } from "@/lib/emulator/ids";
import { scheduleWindowOpen } from "@/lib/emulator/schedule-window";
import type { DirectoryEntry } from "@/lib/emulator/tenant-index";
import { DIRECTORY_ROLE_NAMES, DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { tenantHasEntraP2 } from "@/lib/model/directory-from-tenant-file";
import {
  applicationCredentialsAsGraph,
  appRoleAssignmentId,
  type EntraApplication,
  type EntraRoleAssignment,
  type EntraRoleEligibility,
  type EntraSection,
  emptyEntraSection,
} from "@/lib/model/wire/tenant-file-entra";

// Microsoft Graph v1.0 role management, PIM for Groups and owners, in Graph's wire format:
//   GET /roleManagement/directory/roleAssignments[?$filter=roleDefinitionId eq '…'|principalId eq '…'][&$expand=principal]
//     learn.microsoft.com/graph/api/rbacapplication-list-roleassignments
//   GET /roleManagement/directory/roleEligibilityScheduleInstances (same filters)
//     learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances
//   GET /roleManagement/directory/roleDefinitions[/{id}]
//   GET /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '…'|principalId eq '…'
//     learn.microsoft.com/graph/api/privilegedaccessgroup-list-eligibilityscheduleinstances ($filter required)
//   GET /groups/{id}/owners, /servicePrincipals/{id}/owners, /applications/{id}/owners,
//       /applications(appId='…')/owners, /applications/{id}
//   GET /servicePrincipals/{id}/appRoleAssignedTo, …/appRoleAssignments (and by appId)
//     learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto (Application.Read.All)
//   GET /applications/{id}/federatedIdentityCredentials, /applications(appId='…')/federatedIdentityCredentials
//     learn.microsoft.com/graph/api/application-list-federatedidentitycredentials (Application.Read.All)
// (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/*.md and
// includes/permissions/*-permissions.md for the permissions below.)

/** Application permissions, any one of which lets an app call each family (least privileged first). */
export const GOVERNANCE_PERMISSIONS = {
  roleAssignments: [
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
  ],
  roleEligibility: [
    "RoleEligibilitySchedule.Read.Directory",
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagement.ReadWrite.Directory",
  ],
  groupEligibility: [
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
  ],
  groupOwners: [
    "GroupMember.Read.All",
    "Group.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
  ],
  // Application.ReadWrite.OwnedBy also lists owners, but only of the caller's own applications.
  applicationOwners: [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
} as const;

/**
 * Built-in directory roles the emulator serves, abridged to the resource actions that matter here
 * (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference).
 */
const ROLE_ACTIONS: Record<string, { description: string; actions: string[] }> = {
  [DIRECTORY_ROLE_TEMPLATES.globalAdministrator]: {
    description:
      "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
    actions: ["microsoft.directory/*", "microsoft.azure.supportTickets/allEntities/allTasks"],
  },
  [DIRECTORY_ROLE_TEMPLATES.privilegedRoleAdministrator]: {
    description:
      "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
    actions: [
      "microsoft.directory/roleAssignments/allProperties/allTasks",
      "microsoft.directory/privilegedIdentityManagement/allProperties/allTasks",
    ],
  },
  [DIRECTORY_ROLE_TEMPLATES.groupsAdministrator]: {
    description:
      "Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.",
    actions: ["microsoft.directory/groups/members/update", "microsoft.directory/groups/owners/update"],
  },
  [DIRECTORY_ROLE_TEMPLATES.userAdministrator]: {
    description:
      "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
    actions: ["microsoft.directory/groups/members/update", "microsoft.directory/users/password/update"],
  },
  [DIRECTORY_ROLE_TEMPLATES.directoryWriters]: {
    description:
      "Can read and write basic directory information. For granting access to applications, not intended for users.",
    actions: ["microsoft.directory/groups/members/update", "microsoft.directory/groups/owners/update"],
  },
  [DIRECTORY_ROLE_TEMPLATES.applicationAdministrator]: {
    description: "Can create and manage all aspects of app registrations and enterprise apps.",
    actions: [
      "microsoft.directory/applications/credentials/update",
      "microsoft.directory/servicePrincipals/credentials/update",
    ],
  },
  [DIRECTORY_ROLE_TEMPLATES.cloudApplicationAdministrator]: {
    description:
      "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
    actions: [
      "microsoft.directory/applications/credentials/update",
      "microsoft.directory/servicePrincipals/credentials/update",
    ],
  },
};

export type GovernanceHooks = {
  error(status: number, code: string, message: string): EmulatorResponse;
  allowed(permissions: readonly string[]): boolean;
  visible(id: string): DirectoryEntry | undefined;
  serialize(entry: DirectoryEntry): Record<string, unknown>;
};

type Routed = { route: string; response: EmulatorResponse };

const LITERAL = "'((?:[^']|'')*)'";

/** `<field> eq '<value>'` for one of `fields`, or null. */
function eqFilter(filter: string, fields: readonly string[]): { field: string; value: string } | null {
  const match = new RegExp(`^\\s*(\\w+)\\s+eq\\s+${LITERAL}\\s*$`, "i").exec(filter);
  if (!match) return null;
  const field = fields.find((candidate) => candidate.toLowerCase() === match[1].toLowerCase());
  return field ? { field, value: match[2].replaceAll("''", "'").toLowerCase() } : null;
}

type ApplicationPart = "get" | "owners" | "federatedidentitycredentials";

export class GraphGovernance {
  constructor(private readonly context: EmulatorContext) {}

  private get entra(): EntraSection {
    return this.context.index.tenant.entra ?? emptyEntraSection();
  }

  private get base(): string {
    return `${this.context.origin}/graph/v1.0`;
  }

  private licensed(hooks: GovernanceHooks): EmulatorResponse | null {
    if (tenantHasEntraP2(this.context.index.tenant)) return null;
    // What Entra answers a tenant without Entra ID P2 on the PIM APIs (observed, see
    // /work/shared/reference/attack-edges.md §3–4: JulianHayward/Azure-MG-Sub-Governance-Reporting#114).
    return hooks.error(400, "AadPremiumLicenseRequired", "The tenant needs an AAD Premium 2 license.");
  }

  /** Handles the paths it knows (GET only); undefined for every other path. */
  route(request: EmulatorRequest, path: string[], hooks: GovernanceHooks): Routed | undefined {
    const lower = path.map((segment) => segment.toLowerCase());
    const joined = lower.join("/");
    if (joined === "rolemanagement/directory/roleassignments") return this.roleList(request, hooks, false);
    if (joined === "rolemanagement/directory/roleeligibilityscheduleinstances")
      return this.roleList(request, hooks, true);
    if (lower[0] === "rolemanagement" && lower[1] === "directory" && lower[2] === "roledefinitions")
      return this.roleDefinitions(request, hooks, path[3]);
    if (joined === "identitygovernance/privilegedaccess/group/eligibilityscheduleinstances")
      return this.groupEligibility(request, hooks);
    // /applications/{id}[/owners|/federatedIdentityCredentials], or the same by appId
    const appIdKey = /^applications\(appid='([^']+)'\)$/.exec(lower[0] ?? "");
    const byId = lower[0] === "applications" && lower.length >= 2;
    const applicationKey = appIdKey ? { appId: appIdKey[1] } : byId ? { id: lower[1] } : null;
    const part = lower.slice(appIdKey ? 1 : 2);
    if (
      applicationKey &&
      part.length <= 1 &&
      (part[0] === undefined || part[0] === "owners" || part[0] === "federatedidentitycredentials")
    )
      return this.application(request, hooks, applicationKey, (part[0] ?? "get") as ApplicationPart);
    // /servicePrincipals/{id}/appRoleAssignedTo (granted on this resource) and …/appRoleAssignments (held)
    const spByAppId = /^serviceprincipals\(appid='([^']+)'\)$/.exec(lower[0] ?? "");
    const spPart = spByAppId ? lower[1] : lower[0] === "serviceprincipals" ? lower[2] : undefined;
    if (
      (spPart === "approleassignedto" || spPart === "approleassignments") &&
      lower.length === (spByAppId ? 2 : 3)
    )
      return this.appRoleAssignments(
        request,
        hooks,
        spByAppId ? { appId: spByAppId[1] } : { id: lower[1] },
        spPart === "approleassignedto" ? "resource" : "principal",
      );
    if (
      (lower[0] === "groups" || lower[0] === "serviceprincipals") &&
      lower.length === 3 &&
      lower[2] === "owners"
    )
      return this.directoryOwners(
        request,
        hooks,
        lower[0] === "groups" ? "Group" : "ServicePrincipal",
        lower[1],
      );
    return undefined;
  }

  private page(
    request: EmulatorRequest,
    hooks: GovernanceHooks,
    items: Record<string, unknown>[],
    fingerprint: string,
    context: string,
  ): EmulatorResponse {
    return graphCollectionPage(
      request,
      (status, code, message) => hooks.error(status, code, message),
      { items, fingerprint, context },
      { base: this.base, origin: this.context.origin, pageSize: this.context.pageSize },
    );
  }

  private expandsPrincipal(request: EmulatorRequest, hooks: GovernanceHooks): boolean | EmulatorResponse {
    const expand = queryValue(request.query, "$expand");
    if (!expand) return false;
    const fields = expand.split(",").map((field) => field.trim().toLowerCase());
    const unknown = fields.find((field) => field !== "principal" && field !== "roledefinition");
    if (unknown)
      return hooks.error(
        400,
        "Request_BadRequest",
        `Could not find a property named '${unknown}' to expand.`,
      );
    return fields.includes("principal");
  }

  private roleList(request: EmulatorRequest, hooks: GovernanceHooks, eligible: boolean): Routed {
    const route = eligible
      ? "roleManagement.roleEligibilityScheduleInstances"
      : "roleManagement.roleAssignments";
    if (
      !hooks.allowed(
        eligible ? GOVERNANCE_PERMISSIONS.roleEligibility : GOVERNANCE_PERMISSIONS.roleAssignments,
      )
    )
      return { route, response: this.denied(hooks) };
    if (eligible) {
      const refused = this.licensed(hooks);
      if (refused) return { route, response: refused };
    }
    const filterText = queryValue(request.query, "$filter");
    const filter = filterText ? eqFilter(filterText, ["roleDefinitionId", "principalId"]) : null;
    if (filterText && !filter)
      return {
        route,
        response: hooks.error(
          400,
          "Request_UnsupportedQuery",
          "The emulator supports $filter here only as roleDefinitionId eq '…' or principalId eq '…'.",
        ),
      };
    const expand = this.expandsPrincipal(request, hooks);
    if (typeof expand !== "boolean") return { route, response: expand };
    const entries: (EntraRoleAssignment & Partial<EntraRoleEligibility>)[] = eligible
      ? this.entra.roleEligibilities
      : this.entra.roleAssignments;
    const items: Record<string, unknown>[] = [];
    for (const entry of entries) {
      if (isPrincipalDeleted(this.context, entry.principalId)) continue;
      if (eligible && !scheduleWindowOpen(entry)) continue;
      if (filter && entry[filter.field as "roleDefinitionId" | "principalId"].toLowerCase() !== filter.value)
        continue;
      const key = `${entry.roleDefinitionId}|${entry.principalId}|${entry.directoryScopeId}`.toLowerCase();
      const item: Record<string, unknown> = {
        id: entry.id ?? guidFromText(`${eligible ? "eligibility" : "assignment"}:${key}`),
        principalId: entry.principalId,
        roleDefinitionId: entry.roleDefinitionId,
        directoryScopeId: entry.directoryScopeId,
        appScopeId: null,
      };
      if (eligible) {
        Object.assign(item, {
          startDateTime: entry.startDateTime ?? null,
          endDateTime: entry.endDateTime ?? null,
          memberType: "Direct",
          roleEligibilityScheduleId: guidFromText(`eligibility-schedule:${key}`),
        });
      } else {
        item.resourceScope = entry.directoryScopeId;
      }
      if (expand) {
        const principal = hooks.visible(entry.principalId);
        item.principal = principal ? hooks.serialize(principal) : null;
      }
      items.push(item);
    }
    const collection = eligible ? "roleEligibilityScheduleInstances" : "roleAssignments";
    return {
      route,
      response: this.page(
        request,
        hooks,
        items,
        `${collection}|${filterText ?? ""}|${expand}`,
        `roleManagement/directory/${collection}${expand ? "(principal())" : ""}`,
      ),
    };
  }

  private roleDefinitionOf(templateId: string): Record<string, unknown> {
    const known = ROLE_ACTIONS[templateId];
    return {
      id: templateId,
      templateId,
      displayName: DIRECTORY_ROLE_NAMES[templateId] ?? templateId,
      description: known?.description ?? "",
      isBuiltIn: true,
      isEnabled: true,
      resourceScopes: ["/"],
      version: "1",
      rolePermissions: [{ allowedResourceActions: known?.actions ?? [], condition: null }],
      inheritsPermissionsFrom: [],
    };
  }

  private roleDefinitions(request: EmulatorRequest, hooks: GovernanceHooks, id: string | undefined): Routed {
    const route = id ? "roleManagement.roleDefinitions.get" : "roleManagement.roleDefinitions.list";
    if (!hooks.allowed(GOVERNANCE_PERMISSIONS.roleAssignments))
      return { route, response: this.denied(hooks) };
    const templates = Object.values(DIRECTORY_ROLE_TEMPLATES) as string[];
    if (id) {
      const templateId = templates.find((candidate) => candidate === id.toLowerCase());
      if (!templateId)
        return {
          route,
          response: hooks.error(
            404,
            "Request_ResourceNotFound",
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
          ),
        };
      return {
        route,
        response: jsonResponse(200, {
          "@odata.context": `${this.base}/$metadata#roleManagement/directory/roleDefinitions/$entity`,
          ...this.roleDefinitionOf(templateId),
        }),
      };
    }
    return {
      route,
      response: this.page(
        request,
        hooks,
        templates.map((templateId) => this.roleDefinitionOf(templateId)),
        "roleDefinitions",
        "roleManagement/directory/roleDefinitions",
      ),
    };
  }

  private groupEligibility(request: EmulatorRequest, hooks: GovernanceHooks): Routed {
    const route = "privilegedAccess.group.eligibilityScheduleInstances";
    if (!hooks.allowed(GOVERNANCE_PERMISSIONS.groupEligibility))
      return { route, response: this.denied(hooks) };
    const refused = this.licensed(hooks);
    if (refused) return { route, response: refused };
    const filterText = queryValue(request.query, "$filter");
    const filter = filterText ? eqFilter(filterText, ["groupId", "principalId"]) : null;
    if (!filter)
      // The API "requires the $filter (eq) query parameter to scope the request to a principalId or a groupId".
      return {
        route,
        response: hooks.error(
          400,
          "BadRequest",
          filterText
            ? "The emulator supports $filter here only as groupId eq '…' or principalId eq '…'."
            : "A $filter on groupId or principalId is required.",
        ),
      };
    const items = this.entra.groupEligibilities
      .filter(
        (entry) =>
          entry[filter.field as "groupId" | "principalId"].toLowerCase() === filter.value &&
          !isPrincipalDeleted(this.context, entry.principalId) &&
          scheduleWindowOpen(entry) &&
          hooks.visible(entry.groupId) !== undefined,
      )
      .map((entry) => ({
        id: `${entry.groupId.toLowerCase()}_${entry.accessId}_${guidFromText(`group-eligibility:${entry.groupId}|${entry.accessId}|${entry.principalId}`.toLowerCase())}`,
        startDateTime: entry.startDateTime ?? null,
        endDateTime: entry.endDateTime,
        accessId: entry.accessId,
        principalId: entry.principalId,
        groupId: entry.groupId,
        memberType: "Direct",
        eligibilityScheduleId: `${entry.groupId.toLowerCase()}_${entry.accessId}_${entry.principalId.toLowerCase()}`,
      }));
    return {
      route,
      response: this.page(
        request,
        hooks,
        items,
        `group-eligibility|${filter.field}|${filter.value}`,
        "identityGovernance/privilegedAccess/group/eligibilityScheduleInstances",
      ),
    };
  }

  private ownersOf(objectId: string): string[] {
    return (
      this.entra.owners.find((entry) => entry.objectId.toLowerCase() === objectId.toLowerCase())?.ownerIds ??
      []
    ).map((id) => id.toLowerCase());
  }

  private ownersPage(request: EmulatorRequest, hooks: GovernanceHooks, objectId: string): EmulatorResponse {
    const owners = this.ownersOf(objectId)
      .map((id) => hooks.visible(id))
      .filter((entry): entry is DirectoryEntry => entry !== undefined)
      .map((entry) => hooks.serialize(entry));
    return this.page(request, hooks, owners, `owners|${objectId}`, "directoryObjects");
  }

  private directoryOwners(
    request: EmulatorRequest,
    hooks: GovernanceHooks,
    kind: "Group" | "ServicePrincipal",
    id: string,
  ): Routed {
    const route = kind === "Group" ? "groups.owners" : "servicePrincipals.owners";
    const permissions =
      kind === "Group" ? GOVERNANCE_PERMISSIONS.groupOwners : GOVERNANCE_PERMISSIONS.applicationOwners;
    if (!hooks.allowed(permissions)) return { route, response: this.denied(hooks) };
    const entry = hooks.visible(id);
    if (!entry || entry.kind !== kind) return { route, response: this.notFound(hooks, id) };
    return { route, response: this.ownersPage(request, hooks, entry.id) };
  }

  private application(
    request: EmulatorRequest,
    hooks: GovernanceHooks,
    key: { id: string } | { appId: string },
    part: ApplicationPart,
  ): Routed {
    const route =
      part === "owners"
        ? "applications.owners"
        : part === "federatedidentitycredentials"
          ? "applications.federatedIdentityCredentials"
          : "applications.get";
    if (!hooks.allowed(GOVERNANCE_PERMISSIONS.applicationOwners))
      return { route, response: this.denied(hooks) };
    const application = this.entra.applications.find((candidate) =>
      "id" in key ? candidate.id.toLowerCase() === key.id : candidate.appId.toLowerCase() === key.appId,
    );
    if (!application) return { route, response: this.notFound(hooks, "id" in key ? key.id : key.appId) };
    if (part === "owners") return { route, response: this.ownersPage(request, hooks, application.id) };
    if (part === "federatedidentitycredentials")
      return { route, response: this.federatedCredentialsPage(request, hooks, application) };
    // The credentials are a navigation property: Graph lists them at their own URL, never inline.
    const { federatedIdentityCredentials: _credentials, ...properties } = application;
    return {
      route,
      response: jsonResponse(200, {
        "@odata.context": `${this.base}/$metadata#applications/$entity`,
        ...properties,
      }),
    };
  }

  /**
   * GET /applications/{id}/federatedIdentityCredentials (application-list-federatedidentitycredentials):
   * a collection, paged like every Graph list here, with `$filter` on `name` or `subject` (eq).
   */
  private federatedCredentialsPage(
    request: EmulatorRequest,
    hooks: GovernanceHooks,
    application: EntraApplication,
  ): EmulatorResponse {
    const filterText = queryValue(request.query, "$filter");
    const filter = filterText ? eqFilter(filterText, ["name", "subject"]) : null;
    if (filterText && !filter)
      return hooks.error(
        400,
        "Request_UnsupportedQuery",
        "The emulator supports $filter here only as name eq '…' or subject eq '…'.",
      );
    const items = applicationCredentialsAsGraph(application).filter(
      (item) => !filter || String(item[filter.field] ?? "").toLowerCase() === filter.value,
    );
    return this.page(
      request,
      hooks,
      items,
      `federatedIdentityCredentials|${application.id}|${filterText ?? ""}`,
      `applications('${application.id}')/federatedIdentityCredentials`,
    );
  }

  /**
   * GET /servicePrincipals/{id}/appRoleAssignedTo (serviceprincipal-list-approleassignedto) and
   * …/appRoleAssignments (serviceprincipal-list-approleassignments): Graph's appRoleAssignment objects,
   * paged. Application.Read.All or Directory.Read.All.
   */
  private appRoleAssignments(
    request: EmulatorRequest,
    hooks: GovernanceHooks,
    key: { id: string } | { appId: string },
    side: "resource" | "principal",
  ): Routed {
    const route =
      side === "resource" ? "servicePrincipals.appRoleAssignedTo" : "servicePrincipals.appRoleAssignments";
    if (!hooks.allowed(GOVERNANCE_PERMISSIONS.applicationOwners))
      return { route, response: this.denied(hooks) };
    const entry = "id" in key ? hooks.visible(key.id) : this.context.index.principalByClientId(key.appId);
    if (entry?.kind !== "ServicePrincipal")
      return { route, response: this.notFound(hooks, "id" in key ? key.id : key.appId) };
    const items = (this.entra.appRoleAssignments ?? [])
      .filter(
        (assignment) =>
          (side === "resource" ? assignment.resourceId : assignment.principalId).toLowerCase() === entry.id,
      )
      .flatMap((assignment) => {
        const principal = hooks.visible(assignment.principalId.toLowerCase());
        const resource = hooks.visible(assignment.resourceId.toLowerCase());
        if (!principal || !resource) return [];
        return [
          {
            id: appRoleAssignmentId(assignment),
            deletedDateTime: null,
            appRoleId: assignment.appRoleId.toLowerCase(),
            createdDateTime: assignment.createdDateTime ?? "2024-01-01T00:00:00Z",
            principalDisplayName: principal.displayName,
            principalId: principal.id,
            principalType: "ServicePrincipal",
            resourceDisplayName: resource.displayName,
            resourceId: resource.id,
          },
        ];
      });
    return {
      route,
      response: this.page(
        request,
        hooks,
        items,
        `appRoles|${side}|${entry.id}`,
        `servicePrincipals('${entry.id}')/${side === "resource" ? "appRoleAssignedTo" : "appRoleAssignments"}`,
      ),
    };
  }

  private denied(hooks: GovernanceHooks): EmulatorResponse {
    return hooks.error(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }

  private notFound(hooks: GovernanceHooks, id: string): EmulatorResponse {
    return hooks.error(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
}
