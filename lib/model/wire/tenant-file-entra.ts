/**
 * The tenant file's `entra` section: Entra ID directory roles (active and PIM-eligible), PIM for
 * Groups eligibility, applications, owners and administrative units — what the emulator serves from
 * Microsoft Graph's roleManagement/directory, identityGovernance/privilegedAccess/group, owners and
 * directory/administrativeUnits endpoints.
 * Format: docs/tenant-file.md, "Directory roles, PIM for Groups and owners".
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { guidFromText } from "@/lib/model/derived-ids";
import {
  administrativeUnitOfScope,
  DIRECTORY_ROLE_NAMES,
  DIRECTORY_ROLE_TEMPLATES,
} from "@/lib/model/directory";
import type { TenantFile, TenantFileReport } from "@/lib/model/wire/tenant-file";

// A local GUID schema: tenant-file.ts imports this module, so importing its guidSchema would be a cycle.
const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "must be a GUID (8-4-4-4-12 hex digits)",
  );
const dateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date and time" });
/** "/" (tenant), "/administrativeUnits/<id>" or "/<application object id>" (Graph's directoryScopeId). */
const directoryScopeId = z.string().startsWith("/", "must start with '/' ('/' = the whole tenant)");

export const entraRoleAssignmentSchema = z.strictObject({
  /** Graph's id; generated from role, principal and scope when omitted. */
  id: z.string().min(1).optional(),
  principalId: guid,
  /** The role's template id (built-in roles) or custom role id. */
  roleDefinitionId: guid,
  directoryScopeId: directoryScopeId.default("/"),
});

export const entraRoleEligibilitySchema = entraRoleAssignmentSchema.extend({
  startDateTime: dateTime.optional(),
  /** null or absent: permanently eligible */
  endDateTime: dateTime.nullable().default(null),
});

export const entraGroupEligibilitySchema = z.strictObject({
  /** Graph's id of the eligibility schedule instance; generated from group, access and principal when omitted. */
  id: z.string().min(1).optional(),
  groupId: guid,
  principalId: guid,
  /** member: may activate membership of the group; owner: may activate ownership */
  accessId: z.enum(["member", "owner"]),
  startDateTime: dateTime.optional(),
  endDateTime: dateTime.nullable().default(null),
});

/**
 * A federated identity credential of an application, as Graph's federatedIdentityCredential resource
 * has it (learn.microsoft.com/graph/api/resources/federatedidentitycredential): `name` unique within the
 * application and URL friendly (at most 120 characters), one audience, `issuer` and `subject` matched
 * by Entra as exact strings. A flexible credential (Graph beta) has `claimsMatchingExpression` instead of
 * a subject; Graph v1.0, which the scanner and the offline collector read, returns it with neither
 * (accepted, with a warning: it is matched as "unknown", never as "no match").
 */
export const entraFederatedIdentityCredentialSchema = z
  .strictObject({
    /** Graph's id; generated from the application and the name when omitted. */
    id: guid.optional(),
    name: z
      .string()
      .min(1)
      .max(120)
      .regex(/^[A-Za-z0-9._~-]+$/, "must be URL friendly (letters, digits, '.', '_', '~', '-')"),
    issuer: z.string().min(1).max(600),
    subject: z.string().min(1).max(600).nullable().optional(),
    claimsMatchingExpression: z
      .strictObject({ value: z.string().min(1), languageVersion: z.number().int() })
      .nullable()
      .optional(),
    audiences: z
      .array(z.string().min(1).max(600))
      .length(1, "must list exactly one audience (Graph: it accepts a single value)"),
    description: z.string().max(600).nullable().optional(),
  })
  .refine((credential) => !(credential.subject && credential.claimsMatchingExpression), {
    message: "must have either subject or claimsMatchingExpression, not both",
    path: ["subject"],
  });

/** At most 20 federated identity credentials per application (application-post-federatedidentitycredentials). */
export const MAX_FEDERATED_CREDENTIALS_PER_APPLICATION = 20;

export const entraApplicationSchema = z.looseObject({
  /** the application object's id (not the app id) */
  id: guid,
  appId: guid,
  displayName: z.string().min(1),
  /** served at GET /applications/{id}/federatedIdentityCredentials, never with the application itself */
  federatedIdentityCredentials: z.array(entraFederatedIdentityCredentialSchema).optional(),
});

export const entraOwnersSchema = z.strictObject({
  /** a group, application (object id) or service principal */
  objectId: guid,
  ownerIds: z.array(guid).min(1, "list at least one owner (leave the entry out for none)"),
});

/**
 * An administrative unit as Graph's administrativeUnit resource has it
 * (learn.microsoft.com/graph/api/resources/administrativeunit), with its members listed by object id:
 * users and groups of `principals` (a group in a unit puts the group in the unit's scope, not its
 * members). For a unit with `membershipType: "Dynamic"`, list the members its rule gives.
 */
export const entraAdministrativeUnitSchema = z.strictObject({
  id: guid,
  displayName: z.string().min(1),
  description: z.string().nullable().optional(),
  members: z.array(guid).default([]),
  /** a restricted management administrative unit (set at creation, never changed) */
  isMemberManagementRestricted: z.boolean().default(false),
  /** "Dynamic": the members come from membershipRule; absent or "Assigned": added by hand */
  membershipType: z.enum(["Assigned", "Dynamic"]).optional(),
  membershipRule: z.string().optional(),
  /** "HiddenMembership": only members and scoped administrators see the members (Member.Read.Hidden) */
  visibility: z.enum(["Public", "HiddenMembership"]).optional(),
});

/**
 * An application permission granted to a service principal (or a managed identity's), as Graph's
 * appRoleAssignment has it (learn.microsoft.com/graph/api/resources/approleassignment): `resourceId` is the
 * resource's service principal — for Microsoft Graph's permissions, the principal of `principals` with
 * appId 00000003-0000-0000-c000-000000000000 — and `appRoleId` the permission's id
 * (learn.microsoft.com/graph/permissions-reference).
 */
export const entraAppRoleAssignmentSchema = z.strictObject({
  /** Graph's id; generated from principal, resource and app role when omitted. */
  id: z.string().min(1).optional(),
  principalId: guid,
  resourceId: guid,
  appRoleId: guid,
  createdDateTime: dateTime.optional(),
});

export const entraSectionSchema = z.strictObject({
  /**
   * The tenant's Entra ID licence. PIM (role eligibility, PIM for Groups) needs P2: with "P1" or
   * "Free" those Graph endpoints answer 400 AadPremiumLicenseRequired, as Entra does.
   */
  license: z.enum(["P2", "P1", "Free"]).default("P2"),
  roleAssignments: z.array(entraRoleAssignmentSchema).default([]),
  roleEligibilities: z.array(entraRoleEligibilitySchema).default([]),
  groupEligibilities: z.array(entraGroupEligibilitySchema).default([]),
  applications: z.array(entraApplicationSchema).default([]),
  owners: z.array(entraOwnersSchema).default([]),
  /** application permissions granted to service principals (served at …/appRoleAssignedTo and …/appRoleAssignments) */
  appRoleAssignments: z.array(entraAppRoleAssignmentSchema).optional(),
  /** optional in the type: entra sections written in code (fixtures, the generator) may leave it out */
  administrativeUnits: z.array(entraAdministrativeUnitSchema).optional(),
});

export type EntraSection = z.infer<typeof entraSectionSchema>;
export type EntraRoleAssignment = z.infer<typeof entraRoleAssignmentSchema>;
export type EntraRoleEligibility = z.infer<typeof entraRoleEligibilitySchema>;
export type EntraGroupEligibility = z.infer<typeof entraGroupEligibilitySchema>;
export type EntraApplication = z.infer<typeof entraApplicationSchema>;
export type EntraAppRoleAssignment = z.infer<typeof entraAppRoleAssignmentSchema>;
export type EntraAdministrativeUnit = z.infer<typeof entraAdministrativeUnitSchema>;

export function emptyEntraSection(): EntraSection {
  return {
    license: "P2",
    roleAssignments: [],
    roleEligibilities: [],
    groupEligibilities: [],
    applications: [],
    owners: [],
    administrativeUnits: [],
  };
}

/**
 * The roles that can be assigned at an administrative unit's scope, of those the emulator knows
 * (learn.microsoft.com/entra/identity/role-based-access-control/admin-units-assign-roles).
 */
const UNIT_SCOPED_ROLES = new Set<string>([
  DIRECTORY_ROLE_TEMPLATES.groupsAdministrator,
  DIRECTORY_ROLE_TEMPLATES.userAdministrator,
  DIRECTORY_ROLE_TEMPLATES.helpdeskAdministrator,
  DIRECTORY_ROLE_TEMPLATES.passwordAdministrator,
  DIRECTORY_ROLE_TEMPLATES.authenticationAdministrator,
  DIRECTORY_ROLE_TEMPLATES.privilegedAuthenticationAdministrator,
]);

/** What the schema cannot see: references to principals, groups and applications, duplicates. */
export function checkEntraSemantics(tenant: TenantFile, report: TenantFileReport): void {
  const entra = tenant.entra;
  if (!entra) return;
  const principals = new Map(tenant.principals.map((principal) => [principal.id.toLowerCase(), principal]));
  const applications = new Map<string, string>();
  const seen = new Map<string, string>();
  const once = (key: string, path: string, what: string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, path);
    else report.errors.push({ path, message: `duplicate ${what} (first at ${first})` });
  };
  const principalExists = (id: string, path: string) => {
    const principal = principals.get(id.toLowerCase());
    if (!principal)
      report.warnings.push({ path, message: `${id} is not in the directory (deleted principal)` });
    return principal;
  };

  entra.applications.forEach((application, index) => {
    const path = `$.entra.applications[${index}]`;
    once(`application|${application.id.toLowerCase()}`, `${path}.id`, `application id "${application.id}"`);
    if (principals.has(application.id.toLowerCase()))
      report.errors.push({
        path: `${path}.id`,
        message: "an application's object id cannot be a principal's id",
      });
    applications.set(application.id.toLowerCase(), application.appId.toLowerCase());
    const credentials = application.federatedIdentityCredentials ?? [];
    if (credentials.length > MAX_FEDERATED_CREDENTIALS_PER_APPLICATION)
      report.errors.push({
        path: `${path}.federatedIdentityCredentials`,
        message: `at most ${MAX_FEDERATED_CREDENTIALS_PER_APPLICATION} federated identity credentials per application (Entra refuses the 21st)`,
      });
    credentials.forEach((credential, credentialIndex) => {
      const credentialPath = `${path}.federatedIdentityCredentials[${credentialIndex}]`;
      const app = application.id.toLowerCase();
      // Graph: the name is an alternate key; "the combination of issuer and subject must be unique within the app"
      once(
        `fic-name|${app}|${credential.name.toLowerCase()}`,
        `${credentialPath}.name`,
        `federated credential name "${credential.name}"`,
      );
      if (credential.subject)
        once(
          `fic-subject|${app}|${credential.issuer}|${credential.subject}`,
          `${credentialPath}.subject`,
          "federated credential issuer and subject",
        );
      if (!credential.subject && !credential.claimsMatchingExpression)
        report.warnings.push({
          path: credentialPath,
          message:
            "neither subject nor claimsMatchingExpression: a flexible credential read through Graph v1.0; any token of its issuer may match (paths through it are conditional)",
        });
      if (credential.id)
        once(
          `fic-id|${app}|${credential.id.toLowerCase()}`,
          `${credentialPath}.id`,
          `federated credential id "${credential.id}"`,
        );
    });
  });

  (entra.appRoleAssignments ?? []).forEach((assignment, index) => {
    const path = `$.entra.appRoleAssignments[${index}]`;
    once(
      `appRole|${assignment.principalId.toLowerCase()}|${assignment.resourceId.toLowerCase()}|${assignment.appRoleId.toLowerCase()}`,
      path,
      "app role assignment",
    );
    const holder = principals.get(assignment.principalId.toLowerCase());
    if (holder && holder.type !== "ServicePrincipal")
      report.errors.push({
        path: `${path}.principalId`,
        message: `${holder.displayName} is a ${holder.type}: application permissions are granted to service principals`,
      });
    // A managed identity's service principal is no entry of principals (Azure creates it): not checked here.
    const resource = principals.get(assignment.resourceId.toLowerCase());
    if (resource?.type !== "ServicePrincipal")
      report.errors.push({
        path: `${path}.resourceId`,
        message: resource
          ? `${resource.displayName} is a ${resource.type}: the resource of an application permission is a service principal`
          : "no service principal in principals has this id (for Microsoft Graph's permissions, list its service principal: appId 00000003-0000-0000-c000-000000000000)",
      });
  });

  const units = new Set<string>();
  (entra.administrativeUnits ?? []).forEach((unit, index) => {
    const path = `$.entra.administrativeUnits[${index}]`;
    const id = unit.id.toLowerCase();
    once(`unit|${id}`, `${path}.id`, `administrative unit id "${unit.id}"`);
    units.add(id);
    if (principals.has(id) || applications.has(id))
      report.errors.push({
        path: `${path}.id`,
        message: "an administrative unit's id cannot be a principal's or an application's id",
      });
    const members = new Map<string, number>();
    unit.members.forEach((memberId, memberIndex) => {
      const memberPath = `${path}.members[${memberIndex}]`;
      const first = members.get(memberId.toLowerCase());
      if (first !== undefined) {
        report.errors.push({
          path: memberPath,
          message: `duplicate member "${memberId}" (first at ${path}.members[${first}])`,
        });
        return;
      }
      members.set(memberId.toLowerCase(), memberIndex);
      const member = principals.get(memberId.toLowerCase());
      if (!member)
        report.errors.push({ path: memberPath, message: "no user or group in principals has this id" });
      else if (member.type !== "User" && member.type !== "Group")
        report.errors.push({
          path: memberPath,
          message: `${member.displayName} is a ${member.type}: administrative units hold users, groups and devices`,
        });
      else if (
        unit.isMemberManagementRestricted &&
        member.type === "Group" &&
        (member as { isAssignableToRole?: unknown }).isAssignableToRole === true
      )
        report.warnings.push({
          path: memberPath,
          message:
            "a role-assignable group in a restricted management unit: only Global and Privileged Role Administrators change its membership",
        });
    });
    if (unit.membershipType === "Dynamic" && !unit.membershipRule)
      report.warnings.push({
        path: `${path}.membershipType`,
        message: "a dynamic unit has a membershipRule; members lists what the rule gives",
      });
  });

  const roleEntries = [
    ...entra.roleAssignments.map((entry, index) => ({
      entry,
      path: `$.entra.roleAssignments[${index}]`,
      kind: "active",
    })),
    ...entra.roleEligibilities.map((entry, index) => ({
      entry,
      path: `$.entra.roleEligibilities[${index}]`,
      kind: "eligible",
    })),
  ];
  for (const { entry, path, kind } of roleEntries) {
    once(
      `${kind}|${entry.roleDefinitionId.toLowerCase()}|${entry.principalId.toLowerCase()}|${entry.directoryScopeId.toLowerCase()}`,
      path,
      `${kind} directory role assignment`,
    );
    if (!DIRECTORY_ROLE_NAMES[entry.roleDefinitionId.toLowerCase()])
      report.warnings.push({
        path: `${path}.roleDefinitionId`,
        message:
          "not a directory role the emulator knows (it serves the built-in roles that lead to clusters)",
      });
    const unitScope = administrativeUnitOfScope(entry.directoryScopeId);
    if (unitScope && !units.has(unitScope.toLowerCase()))
      report.warnings.push({
        path: `${path}.directoryScopeId`,
        message: "no entra.administrativeUnits entry has this id: the assignment manages no one",
      });
    else if (unitScope && !UNIT_SCOPED_ROLES.has(entry.roleDefinitionId.toLowerCase()))
      report.warnings.push({
        path: `${path}.roleDefinitionId`,
        message:
          "this role cannot be assigned at an administrative unit's scope (admin-units-assign-roles): it gives nothing there",
      });
    const principal = principalExists(entry.principalId, `${path}.principalId`);
    if (
      principal?.type === "Group" &&
      (principal as { isAssignableToRole?: unknown }).isAssignableToRole !== true
    )
      report.errors.push({
        path: `${path}.principalId`,
        message: "only role-assignable groups (isAssignableToRole: true) can hold directory roles",
      });
  }

  entra.groupEligibilities.forEach((eligibility, index) => {
    const path = `$.entra.groupEligibilities[${index}]`;
    once(
      `group|${eligibility.groupId.toLowerCase()}|${eligibility.accessId}|${eligibility.principalId.toLowerCase()}`,
      path,
      "group eligibility",
    );
    const group = principals.get(eligibility.groupId.toLowerCase());
    if (!group)
      report.errors.push({ path: `${path}.groupId`, message: "no group in principals has this id" });
    else if (group.type !== "Group")
      report.errors.push({
        path: `${path}.groupId`,
        message: `${group.displayName} is a ${group.type}, not a group`,
      });
    principalExists(eligibility.principalId, `${path}.principalId`);
  });

  entra.owners.forEach((owners, index) => {
    const path = `$.entra.owners[${index}]`;
    once(`owners|${owners.objectId.toLowerCase()}`, `${path}.objectId`, `owners of "${owners.objectId}"`);
    const owned = principals.get(owners.objectId.toLowerCase());
    if (!owned && !applications.has(owners.objectId.toLowerCase()))
      report.errors.push({
        path: `${path}.objectId`,
        message: "no group, service principal or entra.applications entry has this id",
      });
    else if (owned?.type === "User")
      report.errors.push({ path: `${path}.objectId`, message: "users have no owners" });
    owners.ownerIds.forEach((ownerId, ownerIndex) => {
      const owner = principalExists(ownerId, `${path}.ownerIds[${ownerIndex}]`);
      if (owner?.type === "Group")
        report.errors.push({
          path: `${path}.ownerIds[${ownerIndex}]`,
          message: "owners are users or service principals, not groups",
        });
    });
  });

  if (entra.license !== "P2" && (entra.roleEligibilities.length > 0 || entra.groupEligibilities.length > 0))
    report.warnings.push({
      path: "$.entra.license",
      message: `eligibilities are listed but a ${entra.license} tenant cannot read them (PIM needs P2)`,
    });
}

/**
 * An application's federated identity credentials as Graph v1.0 returns them
 * (GET /applications/{id}/federatedIdentityCredentials): every one with its id, and a flexible one with
 * no subject and without its expression, which v1.0 does not have (only beta returns claimsMatchingExpression).
 */
export function applicationCredentialsAsGraph(application: EntraApplication): Record<string, unknown>[] {
  return (application.federatedIdentityCredentials ?? []).map((credential) => ({
    id: credential.id ?? guidFromText(`fic|${application.id.toLowerCase()}|${credential.name}`),
    name: credential.name,
    issuer: credential.issuer,
    subject: credential.subject ?? null,
    description: credential.description ?? null,
    audiences: credential.audiences,
  }));
}

/** Graph's id of an app role assignment the file gives none: stable, derived from its three ids. */
export function appRoleAssignmentId(assignment: EntraAppRoleAssignment): string {
  if (assignment.id) return assignment.id;
  const hex = createHash("sha256")
    .update(
      `approle|${assignment.principalId}|${assignment.resourceId}|${assignment.appRoleId}`.toLowerCase(),
    )
    .digest("base64url");
  return hex.slice(0, 43);
}
