import type { Client } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import { type DirectoryRead, type PrincipalHints, readDirectory } from "@/lib/azure/directory-reader";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  type AdministrativeUnit,
  APPLICATION_CREDENTIALS_SOURCE,
  type ApplicationFederatedCredential,
  administrativeUnitOfScope,
  applicationCredentialKey,
  CLUSTER_RELEVANT_DIRECTORY_ROLES,
  type DirectoryOwnership,
  type DirectoryRoleAssignment,
  type GraphAppRoleAssignment,
  type GroupEligibility,
  MICROSOFT_GRAPH_APP_ID,
  PIM_SOURCE,
  type Principal,
  type PrincipalKind,
} from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";
import { DIRECTORY_SOURCE } from "@/lib/model/sources";
import {
  applicationFederatedCredentialFromWire,
  directoryRoleAssignmentFromWire,
  graphAppRoleAssignmentFromWire,
  groupEligibilityFromWire,
  principalFromDirectoryObject,
} from "@/lib/model/wire-directory";
import { describeError, type SourceError } from "@/lib/net/describe-error";
import { mapWithLimit } from "@/lib/net/request-slots";

// The directory half of the attack graph, read through Microsoft Graph v1.0 for the objects that
// matter only: the directory roles that lead to clusters (active and PIM-eligible), PIM for Groups
// eligibility and owners of the groups the scan saw (admin groups, groups in role assignments and
// bindings, and their nested groups), and owners of the applications and service principals that
// hold Azure roles or appear in bindings, with the applications' federated identity credentials.
// Calls: 2 per role, 2 per group, 4 per service principal (owners, application, its owners, its
// federated credentials), again for the service principals governance names (role holders, owners);
// then the administrative units that matter (readAdministrativeUnits).
//
// A tenant without Entra ID P2 answers the PIM calls 400 AadPremiumLicenseRequired: the first such
// answer stops the other PIM calls and is recorded once against the PIM source, so the scan is
// partial for PIM only.

const PAGE_SIZE = 999;
const LICENSE_REQUIRED = "AadPremiumLicenseRequired";

const pageSchema = z.object({
  value: z.array(z.looseObject({})),
  "@odata.nextLink": z.string().optional(),
});

export type GovernanceTargets = {
  groups: readonly { id: string; displayName: string }[];
  servicePrincipals: readonly { id: string; appId: string; displayName: string }[];
};

export type GovernanceRead = {
  directoryRoleAssignments: DirectoryRoleAssignment[];
  groupEligibilities: GroupEligibility[];
  directoryOwners: DirectoryOwnership[];
  /** Microsoft Graph application permissions that lead somewhere (first pass only) */
  graphAppRoleAssignments: GraphAppRoleAssignment[];
  /** the federated identity credentials of the applications read (APPLICATION_CREDENTIALS_SOURCE) */
  applicationFederatedCredentials: ApplicationFederatedCredential[];
  /** applications whose credentials were listed; with errors of their source, it is partial */
  applicationCredentialPartsRead: number;
  /** principals these name (holders, owners, eligible members), with the kind Graph said, to resolve */
  principalHints: Map<string, PrincipalKind>;
  errors: SourceError[];
  /** parts of the PIM source read successfully (with errors: partial; none and errors: not read) */
  pimPartsRead: number;
};

async function readAll(client: Client, request: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let page = pageSchema.parse(await request());
  items.push(...page.value);
  while (page["@odata.nextLink"]) {
    page = pageSchema.parse(await client.api(page["@odata.nextLink"]).get());
    items.push(...page.value);
  }
  return items;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

function odataKind(object: unknown): PrincipalKind {
  return principalFromDirectoryObject(object)?.kind ?? "User";
}

export async function readDirectoryGovernance(
  client: Client,
  targets: GovernanceTargets,
  /** directoryRoles false: only the groups and service principals given (a later pass over new ones) */
  options: { concurrency: number; directoryRoles?: boolean },
): Promise<GovernanceRead> {
  const result: GovernanceRead = {
    directoryRoleAssignments: [],
    groupEligibilities: [],
    directoryOwners: [],
    graphAppRoleAssignments: [],
    applicationFederatedCredentials: [],
    applicationCredentialPartsRead: 0,
    principalHints: new Map(),
    errors: [],
    pimPartsRead: 0,
  };
  let pimUnlicensed = false;
  const hint = (id: string, kind: PrincipalKind) => {
    const key = normalizeGuid(id);
    if (!result.principalHints.has(key)) result.principalHints.set(key, kind);
  };
  const fail = (source: string, what: string, error: unknown) => {
    const { code, message } = describeError(error);
    result.errors.push({ source, code, message: `${what}: ${message}` });
  };
  /** A PIM call: a licensing refusal is recorded once and skips the calls still to come. */
  const pim = async (what: string, read: () => Promise<void>) => {
    if (pimUnlicensed) return;
    try {
      await read();
      result.pimPartsRead += 1;
    } catch (error) {
      if (describeError(error).code === LICENSE_REQUIRED) {
        if (pimUnlicensed) return;
        pimUnlicensed = true;
      }
      fail(PIM_SOURCE, what, error);
    }
  };

  // Directory roles, one filter per role (the documented query), active and eligible.
  const roles = options.directoryRoles === false ? [] : [...CLUSTER_RELEVANT_DIRECTORY_ROLES];
  await mapWithLimit(roles, options.concurrency, async (roleId) => {
    const filter = `roleDefinitionId eq '${roleId}'`;
    try {
      const assignments = await readAll(client, () =>
        client
          .api("/roleManagement/directory/roleAssignments")
          .filter(filter)
          .expand("principal")
          .top(PAGE_SIZE)
          .get(),
      );
      for (const object of assignments) {
        const assignment = directoryRoleAssignmentFromWire(object, false);
        result.directoryRoleAssignments.push(assignment);
        hint(assignment.principalId, odataKind(object.principal));
      }
    } catch (error) {
      fail(DIRECTORY_SOURCE, `reading the assignments of directory role ${roleId}`, error);
    }
    await pim(`reading the eligibilities of directory role ${roleId}`, async () => {
      const eligibilities = await readAll(client, () =>
        client
          .api("/roleManagement/directory/roleEligibilityScheduleInstances")
          .filter(filter)
          .expand("principal")
          .top(PAGE_SIZE)
          .get(),
      );
      for (const object of eligibilities) {
        const eligibility = directoryRoleAssignmentFromWire(object, true);
        result.directoryRoleAssignments.push(eligibility);
        hint(eligibility.principalId, odataKind(object.principal));
      }
    });
  });

  // Microsoft Graph's application permissions, from the resource's side: one paged list for the tenant
  // (learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto). A tenant without Microsoft
  // Graph's service principal (404) has granted none of them.
  if (options.directoryRoles !== false) {
    try {
      const graph = z
        .looseObject({ id: z.string().min(1) })
        .parse(
          await client.api(`/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')`).select(["id"]).get(),
        );
      const granted = await readAll(client, () =>
        client
          .api(`/servicePrincipals/${normalizeGuid(graph.id)}/appRoleAssignedTo`)
          .top(PAGE_SIZE)
          .get(),
      );
      for (const object of granted) {
        const assignment = graphAppRoleAssignmentFromWire(object);
        if (!assignment) continue;
        result.graphAppRoleAssignments.push(assignment);
        hint(assignment.principalId, "ServicePrincipal");
      }
    } catch (error) {
      if (statusOf(error) !== 404)
        fail(
          DIRECTORY_SOURCE,
          "reading Microsoft Graph's application permissions (appRoleAssignedTo)",
          error,
        );
    }
  }

  const ownersOf = async (path: string): Promise<string[]> => {
    const owners = await readAll(client, () => client.api(path).top(PAGE_SIZE).get());
    const ids: string[] = [];
    for (const object of owners) {
      const principal = principalFromDirectoryObject(object);
      if (!principal) continue;
      ids.push(principal.id);
      hint(principal.id, principal.kind);
    }
    return [...new Set(ids)].sort();
  };

  // Groups: PIM for Groups eligibility and owners.
  await mapWithLimit(targets.groups, options.concurrency, async (group) => {
    const groupId = normalizeGuid(group.id);
    await pim(`reading the PIM eligibility of group ${groupId}`, async () => {
      const instances = await readAll(client, () =>
        client
          .api("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances")
          .filter(`groupId eq '${groupId}'`)
          .top(PAGE_SIZE)
          .get(),
      );
      for (const object of instances) {
        const eligibility = groupEligibilityFromWire(object);
        if (!eligibility) continue;
        result.groupEligibilities.push(eligibility);
        hint(eligibility.principalId, "User");
      }
    });
    try {
      const ownerIds = await ownersOf(`/groups/${groupId}/owners`);
      if (ownerIds.length > 0)
        result.directoryOwners.push({
          objectId: groupId,
          objectKind: "Group",
          displayName: group.displayName,
          ownerIds,
        });
    } catch (error) {
      // The group was deleted between the membership read and this one: it has no owners to show.
      if (statusOf(error) !== 404) fail(DIRECTORY_SOURCE, `reading the owners of group ${groupId}`, error);
    }
  });

  // An application's federated credentials: a Kubernetes token one of them accepts acts as its service
  // principal (lib/access/attack-edges.ts). Their own source: a failed list leaves them unknown, not none.
  const readCredentials = async (applicationId: string, appId: string) => {
    try {
      const credentials = await readAll(client, () =>
        client.api(`/applications/${applicationId}/federatedIdentityCredentials`).get(),
      );
      for (const object of credentials)
        result.applicationFederatedCredentials.push(
          applicationFederatedCredentialFromWire({ id: applicationId, appId }, object),
        );
      result.applicationCredentialPartsRead += 1;
    } catch (error) {
      // Deleted since the application was read: it trusts nothing.
      if (statusOf(error) === 404) result.applicationCredentialPartsRead += 1;
      else
        fail(
          APPLICATION_CREDENTIALS_SOURCE,
          `reading the federated credentials of application ${applicationId}`,
          error,
        );
    }
  };

  // Service principals and their applications (an application from another tenant is not here: 404).
  await mapWithLimit(targets.servicePrincipals, options.concurrency, async (servicePrincipal) => {
    const id = normalizeGuid(servicePrincipal.id);
    const appId = normalizeGuid(servicePrincipal.appId);
    try {
      const ownerIds = await ownersOf(`/servicePrincipals/${id}/owners`);
      if (ownerIds.length > 0)
        result.directoryOwners.push({
          objectId: id,
          objectKind: "ServicePrincipal",
          appId,
          displayName: servicePrincipal.displayName,
          ownerIds,
        });
    } catch (error) {
      if (statusOf(error) !== 404)
        fail(DIRECTORY_SOURCE, `reading the owners of service principal ${id}`, error);
    }
    try {
      const application = z
        .looseObject({ id: z.string().min(1), displayName: z.string().optional() })
        .parse(await client.api(`/applications(appId='${appId}')`).select(["id", "displayName"]).get());
      const applicationId = normalizeGuid(application.id);
      const ownerIds = await ownersOf(`/applications/${applicationId}/owners`);
      // Kept with no owner too: a directory role scoped to the application object (`/<object id>`) is found
      // through it (lib/access/directory-edges.ts), owners or not.
      result.directoryOwners.push({
        objectId: applicationId,
        objectKind: "Application",
        appId,
        displayName: application.displayName ?? servicePrincipal.displayName,
        ownerIds,
      });
      await readCredentials(applicationId, appId);
    } catch (error) {
      if (statusOf(error) !== 404)
        fail(DIRECTORY_SOURCE, `reading the application and owners of app ${appId}`, error);
    }
  });

  const byKey = <T>(items: T[], key: (item: T) => string) => {
    const unique = new Map<string, T>();
    for (const item of items) unique.set(key(item), item);
    return [...unique.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, item]) => item);
  };
  result.directoryRoleAssignments = byKey(
    result.directoryRoleAssignments,
    (role) => `${role.eligible}|${role.roleDefinitionId}|${role.principalId}|${role.directoryScopeId}`,
  );
  result.groupEligibilities = byKey(
    result.groupEligibilities,
    (eligibility) => `${eligibility.groupId}|${eligibility.accessId}|${eligibility.principalId}`,
  );
  result.directoryOwners = byKey(result.directoryOwners, (ownership) => ownership.objectId);
  result.graphAppRoleAssignments = byKey(result.graphAppRoleAssignments, (assignment) => assignment.id);
  result.applicationFederatedCredentials = byKey(
    result.applicationFederatedCredentials,
    applicationCredentialKey,
  );
  return result;
}

export type AdministrativeUnitsRead = {
  /** the units that matter, each with every member read */
  administrativeUnits: AdministrativeUnit[];
  errors: SourceError[];
  /** parts of the unit source read successfully (the list, each unit's members) */
  partsRead: number;
};

/**
 * Administrative units (Graph v1.0 GET /directory/administrativeUnits, then GET …/{id}/members, both
 * paged): the units a directory role is scoped to and the restricted management ones — the only units
 * that change an edge (lib/access/directory-edges.ts). Members are kept when they are users or groups
 * (devices are no principals). A unit whose members could not be read is left out and its failure
 * recorded, so its scoped roles stay "members not read" (conditional), never "no members"; a refused
 * list (403 without AdministrativeUnit.Read.All or Directory.Read.All) leaves the source not read.
 * Calls: 1 per page of units, 1 per page of members of each unit that matters.
 */
export async function readAdministrativeUnits(
  client: Client,
  scopedUnitIds: ReadonlySet<string>,
  options: { concurrency: number },
): Promise<AdministrativeUnitsRead> {
  const result: AdministrativeUnitsRead = { administrativeUnits: [], errors: [], partsRead: 0 };
  const fail = (what: string, error: unknown) => {
    const { code, message } = describeError(error);
    result.errors.push({ source: ADMINISTRATIVE_UNITS_SOURCE, code, message: `${what}: ${message}` });
  };
  let units: Record<string, unknown>[];
  try {
    units = await readAll(client, () =>
      client
        .api("/directory/administrativeUnits")
        .select(["id", "displayName", "isMemberManagementRestricted", "membershipType", "visibility"])
        .top(PAGE_SIZE)
        .get(),
    );
    result.partsRead += 1;
  } catch (error) {
    fail("reading the administrative units", error);
    return result;
  }
  const wanted = units.flatMap((object) => {
    const unit = z
      .looseObject({
        id: z.string().min(1),
        displayName: z.string().nullish(),
        isMemberManagementRestricted: z.boolean().nullish(),
        membershipType: z.string().nullish(),
      })
      .parse(object);
    const id = normalizeGuid(unit.id);
    const restricted = unit.isMemberManagementRestricted === true;
    return restricted || scopedUnitIds.has(id) ? [{ ...unit, id, restricted }] : [];
  });
  await mapWithLimit(wanted, options.concurrency, async (unit) => {
    try {
      const members = await readAll(client, () =>
        client.api(`/directory/administrativeUnits/${unit.id}/members`).top(PAGE_SIZE).get(),
      );
      const memberIds = new Set<string>();
      for (const object of members) {
        const principal = principalFromDirectoryObject(object);
        if (principal?.kind === "User" || principal?.kind === "Group") memberIds.add(principal.id);
      }
      result.administrativeUnits.push({
        id: unit.id,
        displayName: unit.displayName ?? unit.id,
        memberIds: [...memberIds].sort(),
        ...(unit.restricted ? { isMemberManagementRestricted: true as const } : {}),
        ...(unit.membershipType ? { membershipType: unit.membershipType } : {}),
      });
      result.partsRead += 1;
    } catch (error) {
      // Deleted between the two reads: a unit that no longer exists manages no one.
      if (statusOf(error) !== 404) fail(`reading the members of administrative unit ${unit.id}`, error);
    }
  });
  result.administrativeUnits.sort((a, b) => a.id.localeCompare(b.id));
  return result;
}

/** The service principals of `principals` whose application (and owners) governance reads. */
function servicePrincipalsOf(principals: readonly Principal[]): GovernanceTargets["servicePrincipals"] {
  return principals.flatMap((principal) =>
    principal.kind === "ServicePrincipal" && principal.appId && !principal.deleted
      ? [{ id: principal.id, appId: principal.appId, displayName: principal.displayName }]
      : [],
  );
}

export type DirectoryWithGovernance = DirectoryRead &
  Omit<GovernanceRead, "principalHints" | "errors"> & {
    pimPartsRead: number;
    administrativeUnits: AdministrativeUnit[];
    administrativeUnitPartsRead: number;
  };

/**
 * The directory a scan needs: the principals it saw with their groups, then the governance of those
 * groups and service principals, then the principals governance names that were not yet known (role
 * holders, owners, eligible members — role-assignable groups among them are expanded too).
 */
export async function readDirectoryWithGovernance(
  client: Client,
  hints: PrincipalHints,
  options: { concurrency: number },
): Promise<DirectoryWithGovernance> {
  const directory = await readDirectory(client, hints, options);
  const groups = directory.principals.filter((principal) => principal.kind === "Group" && !principal.deleted);
  const servicePrincipals = servicePrincipalsOf(directory.principals);
  const governance = await readDirectoryGovernance(client, { groups, servicePrincipals }, options);
  let principals = directory.principals;
  let groupMemberships = directory.groupMemberships;
  const errors = [...directory.errors, ...governance.errors];
  let complete = directory.complete;
  /** Reads the principals `hints` names that are not known yet, and adds them. */
  const resolveMissing = async (hinted: Map<string, PrincipalKind>) => {
    const known = new Set(principals.map((principal) => principal.id));
    const missing = new Map([...hinted].filter(([id]) => !known.has(id)));
    if (missing.size === 0) return [];
    const more = await readDirectory(client, missing, options);
    const byId = new Map(principals.map((principal) => [principal.id, principal]));
    const added = more.principals.filter((principal) => !byId.has(principal.id));
    for (const principal of added) byId.set(principal.id, principal);
    principals = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
    const memberships = new Map(groupMemberships.map((membership) => [membership.groupId, membership]));
    for (const membership of more.groupMemberships)
      if (!memberships.has(membership.groupId)) memberships.set(membership.groupId, membership);
    groupMemberships = [...memberships.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
    errors.push(...more.errors);
    complete &&= more.complete;
    return added;
  };
  const added = await resolveMissing(governance.principalHints);
  // Service principals governance named (directory role holders, owners): their applications too — a
  // pod whose token an application's federated credential accepts acts as a Global Administrator's
  // service principal just the same — and then whoever their owners name.
  const laterServicePrincipals = servicePrincipalsOf(added);
  let later: GovernanceRead | null = null;
  if (laterServicePrincipals.length > 0) {
    later = await readDirectoryGovernance(
      client,
      { groups: [], servicePrincipals: laterServicePrincipals },
      { ...options, directoryRoles: false },
    );
    errors.push(...later.errors);
    await resolveMissing(later.principalHints);
  }
  const governanceErrors = [...governance.errors, ...(later?.errors ?? [])];
  const scopedUnitIds = new Set(
    governance.directoryRoleAssignments.flatMap((role) => {
      const unitId = administrativeUnitOfScope(role.directoryScopeId);
      return unitId === null ? [] : [normalizeGuid(unitId)];
    }),
  );
  const units = await readAdministrativeUnits(client, scopedUnitIds, options);
  errors.push(...units.errors);
  return {
    principals,
    groupMemberships,
    errors,
    complete: complete && !governanceErrors.some((error) => error.source === DIRECTORY_SOURCE),
    directoryRoleAssignments: governance.directoryRoleAssignments,
    groupEligibilities: governance.groupEligibilities,
    directoryOwners: [...governance.directoryOwners, ...(later?.directoryOwners ?? [])],
    graphAppRoleAssignments: governance.graphAppRoleAssignments,
    applicationFederatedCredentials: [
      ...governance.applicationFederatedCredentials,
      ...(later?.applicationFederatedCredentials ?? []),
    ],
    applicationCredentialPartsRead:
      governance.applicationCredentialPartsRead + (later?.applicationCredentialPartsRead ?? 0),
    pimPartsRead: governance.pimPartsRead,
    administrativeUnits: units.administrativeUnits,
    administrativeUnitPartsRead: units.partsRead,
  };
}
