import { z } from "zod";
import { federatedMatchShape } from "@/lib/model/azure";

// Entra ID directory objects, as far as access analysis needs them.

export const principalKindSchema = z.enum(["User", "Group", "ServicePrincipal", "ManagedIdentity"]);
export type PrincipalKind = z.infer<typeof principalKindSchema>;

export const principalSchema = z.object({
  /** lower-cased object id */
  id: z.string(),
  kind: principalKindSchema,
  displayName: z.string(),
  userPrincipalName: z.string().optional(),
  appId: z.string().optional(),
  /** true when an assignment or binding names an object the directory no longer has (Graph 404) */
  deleted: z.boolean().optional(),
  /** groups only, present when true: a role-assignable group (Graph `isAssignableToRole`), whose
   * membership only Privileged Role Administrators, Global Administrators and owners may change */
  isAssignableToRole: z.literal(true).optional(),
});
export type Principal = z.infer<typeof principalSchema>;

export const groupMembershipSchema = z.object({
  groupId: z.string(),
  /** members listed on the group itself (users, service principals and nested groups) */
  directMemberIds: z.array(z.string()),
  /** every member reachable through nesting, nested groups included, sorted */
  memberIds: z.array(z.string()),
});
export type GroupMembership = z.infer<typeof groupMembershipSchema>;

// -------------------------------------------------------------------------------------------------
// Directory governance: Entra directory roles, PIM for Groups eligibility, ownership. Read through
// Microsoft Graph v1.0 (roleManagement/directory, identityGovernance/privilegedAccess/group, owners).

/**
 * Eligibility (PIM for directory roles and for groups) is its own source: a tenant without an
 * Entra ID P2 licence cannot be read there (Graph answers AadPremiumLicenseRequired), and that must
 * neither fail the scan nor keep the rest of the directory from closing vanished rows.
 */
export const PIM_SOURCE = "directory:pim";

/**
 * Built-in directory roles (template ids, the same in every tenant) that lead to clusters. Source:
 * learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference ("All roles":
 * template ids; one section per role for its permissions) and /work/shared/reference/attack-edges.md §5.
 * What each one can do toward a cluster: lib/access/directory-edges.ts.
 */
export const DIRECTORY_ROLE_TEMPLATES = {
  globalAdministrator: "62e90394-69f5-4237-9190-012177145e10",
  privilegedRoleAdministrator: "e8611ab8-c189-46e8-94e1-60213ab1f814",
  groupsAdministrator: "fdd7a751-b60b-444a-984c-02652fe8fa1c",
  userAdministrator: "fe930be7-5e62-47db-91af-98c3a49a38b1",
  directoryWriters: "9360feb5-f418-4baa-8175-e2a00bac4301",
  applicationAdministrator: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  cloudApplicationAdministrator: "158c047a-c907-4556-b7ef-446551a6b5f7",
  /** groups/members/update, excluding role-assignable groups */
  identityGovernanceAdministrator: "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e",
  /** groups.security/members/update: security groups, excluding role-assignable groups */
  intuneAdministrator: "3a2c62db-5318-420d-8d74-23affee5d9d5",
  /** applications/owners/update and servicePrincipals/owners/update (then an owner's credentials) */
  hybridIdentityAdministrator: "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
  /** resets the password and authentication methods of any user, Global Administrators included */
  privilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  /** deprecated, still assignable: resets the password of any user, Global Administrators included */
  partnerTier2Support: "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8",
  /** reset the passwords of non-administrators (and of some limited administrators) */
  helpdeskAdministrator: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  passwordAdministrator: "966707d0-3269-4727-9be2-8c3a10f19b9d",
  authenticationAdministrator: "c4e39bd9-1100-46d3-8c65-fb160da0071f",
} as const;

export const DIRECTORY_ROLE_NAMES: Readonly<Record<string, string>> = {
  [DIRECTORY_ROLE_TEMPLATES.globalAdministrator]: "Global Administrator",
  [DIRECTORY_ROLE_TEMPLATES.privilegedRoleAdministrator]: "Privileged Role Administrator",
  [DIRECTORY_ROLE_TEMPLATES.groupsAdministrator]: "Groups Administrator",
  [DIRECTORY_ROLE_TEMPLATES.userAdministrator]: "User Administrator",
  [DIRECTORY_ROLE_TEMPLATES.directoryWriters]: "Directory Writers",
  [DIRECTORY_ROLE_TEMPLATES.applicationAdministrator]: "Application Administrator",
  [DIRECTORY_ROLE_TEMPLATES.cloudApplicationAdministrator]: "Cloud Application Administrator",
  [DIRECTORY_ROLE_TEMPLATES.identityGovernanceAdministrator]: "Identity Governance Administrator",
  [DIRECTORY_ROLE_TEMPLATES.intuneAdministrator]: "Intune Administrator",
  [DIRECTORY_ROLE_TEMPLATES.hybridIdentityAdministrator]: "Hybrid Identity Administrator",
  [DIRECTORY_ROLE_TEMPLATES.privilegedAuthenticationAdministrator]: "Privileged Authentication Administrator",
  [DIRECTORY_ROLE_TEMPLATES.partnerTier2Support]: "Partner Tier2 Support",
  [DIRECTORY_ROLE_TEMPLATES.helpdeskAdministrator]: "Helpdesk Administrator",
  [DIRECTORY_ROLE_TEMPLATES.passwordAdministrator]: "Password Administrator",
  [DIRECTORY_ROLE_TEMPLATES.authenticationAdministrator]: "Authentication Administrator",
};

/** The directory roles the scanner reads (the ones with an edge toward a cluster). */
export const CLUSTER_RELEVANT_DIRECTORY_ROLES: readonly string[] = Object.values(DIRECTORY_ROLE_TEMPLATES);

export const directoryRoleAssignmentSchema = z.object({
  /** Graph's id of the unifiedRoleAssignment, or of the unifiedRoleEligibilityScheduleInstance */
  id: z.string(),
  /** lower-cased object id of the user, group (role-assignable) or service principal */
  principalId: z.string(),
  /** lower-cased role template id (built-in roles) or custom role id */
  roleDefinitionId: z.string(),
  roleName: z.string(),
  /** "/" = the whole tenant; "/administrativeUnits/<id>" or "/<application object id>" narrow it */
  directoryScopeId: z.string(),
  /** true: PIM eligibility, the holder must activate the role first */
  eligible: z.boolean(),
  /** when the assignment or eligibility ends; null = permanent */
  endDateTime: z.string().nullable(),
});
export type DirectoryRoleAssignment = z.infer<typeof directoryRoleAssignmentSchema>;

export const groupEligibilitySchema = z.object({
  /** Graph's id: `<groupId>_<accessId>_<instance>` */
  id: z.string(),
  groupId: z.string(),
  principalId: z.string(),
  /** member: may activate membership; owner: may activate ownership (and then add members) */
  accessId: z.enum(["member", "owner"]),
  endDateTime: z.string().nullable(),
});
export type GroupEligibility = z.infer<typeof groupEligibilitySchema>;

export const directoryOwnershipSchema = z.object({
  /** lower-cased object id of the owned group, application or service principal */
  objectId: z.string(),
  objectKind: z.enum(["Group", "Application", "ServicePrincipal"]),
  /** applications and service principals: the app (client) id that ties them together */
  appId: z.string().optional(),
  displayName: z.string(),
  /** owners' object ids (users and service principals), sorted */
  ownerIds: z.array(z.string()),
});
export type DirectoryOwnership = z.infer<typeof directoryOwnershipSchema>;

/**
 * A federated identity credential of an application registration (Graph v1.0
 * `/applications/{id}/federatedIdentityCredentials`, learn.microsoft.com/graph/api/resources/federatedidentitycredential).
 * Workload identity federates a Kubernetes service account to an application as well as to a
 * user-assigned identity: a token whose `iss` and `sub` match is exchanged for the application's
 * service principal, with whatever that principal holds.
 */
export const applicationFederatedCredentialSchema = z.object({
  /** lower-cased object id of the application the credential belongs to */
  applicationId: z.string(),
  /** lower-cased app (client) id: what ties the application to its service principal */
  appId: z.string(),
  /** the credential's id (Graph's `id`, lower-cased) */
  id: z.string(),
  /** the credential's name (an alternate key, unique within the application) */
  name: z.string(),
  ...federatedMatchShape,
});
export type ApplicationFederatedCredential = z.infer<typeof applicationFederatedCredentialSchema>;

// -------------------------------------------------------------------------------------------------
// Administrative units (Graph v1.0 /directory/administrativeUnits and …/{id}/members). A directory
// role assigned at "/administrativeUnits/<id>" manages the unit's members only; a unit with
// isMemberManagementRestricted keeps every administrator not assigned at its own scope out
// (learn.microsoft.com/entra/identity/role-based-access-control/admin-units-assign-roles,
// …/admin-units-restricted-management). What they give: lib/access/directory-edges.ts.

/**
 * Administrative units are their own source: a scanner without AdministrativeUnit.Read.All (or
 * Directory.Read.All) is refused them (403), and then a role scoped to a unit is "members not read",
 * never "no members" — nor may that failure keep the rest of the directory from closing vanished rows.
 */
export const ADMINISTRATIVE_UNITS_SOURCE = "directory:administrativeUnits";

/**
 * Applications' federated identity credentials are their own source, like administrative units: the
 * model must tell "this application trusts no token" (read, none) from "not read" (a scan from before
 * they were read, or a refused list), and a failed list must close none of the credentials stored.
 */
export const APPLICATION_CREDENTIALS_SOURCE = "directory:applicationCredentials";

/** The natural key of an application's federated credential: `<application object id>/<credential id>`. */
export function applicationCredentialKey(credential: { applicationId: string; id: string }): string {
  return `${credential.applicationId}/${credential.id}`;
}

/** The unit id a directory role's scope names ("/administrativeUnits/<id>", compared in any case), or null. */
export function administrativeUnitOfScope(directoryScopeId: string): string | null {
  const match = /^\/administrativeunits\/(.+)$/i.exec(directoryScopeId);
  return match ? match[1] : null;
}

export const administrativeUnitSchema = z.object({
  /** lower-cased object id of the unit */
  id: z.string(),
  displayName: z.string(),
  /** lower-cased object ids of the members that are principals (users and groups; devices are left out), sorted */
  memberIds: z.array(z.string()),
  /** present when true: a restricted management administrative unit */
  isMemberManagementRestricted: z.literal(true).optional(),
  /** "Dynamic" when a rule computes the members (Graph lists the computed members all the same) */
  membershipType: z.string().optional(),
});
export type AdministrativeUnit = z.infer<typeof administrativeUnitSchema>;

// -------------------------------------------------------------------------------------------------
// Microsoft Graph application permissions (app role assignments to a service principal, managed
// identities included), read from GET /servicePrincipals/{Microsoft Graph}/appRoleAssignedTo. Only the
// permissions that change who can do what in the directory are kept (BloodHound's AZMG* edges;
// ids: learn.microsoft.com/graph/permissions-reference).

/** Microsoft Graph's app id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** The Graph application permissions that lead somewhere, by app role id. */
export const GRAPH_ESCALATION_PERMISSIONS: Readonly<Record<string, string>> = {
  "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "RoleManagement.ReadWrite.Directory",
  "06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All",
  "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All",
  "dbaae8cf-10b5-4b86-a4a1-f871c94c6695": "GroupMember.ReadWrite.All",
  "62a82d76-70ea-41e2-9197-370581804d09": "Group.ReadWrite.All",
  "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
  // assigns any directory role through PIM (rbacapplication-post-roleassignmentschedulerequests, adminAssign)
  "dd199f4a-f148-40a4-a2ec-f0069cc799ec": "RoleAssignmentSchedule.ReadWrite.Directory",
  // makes any principal an active member of any group through PIM for Groups
  // (privilegedaccessgroup-post-assignmentschedulerequests)
  "41202f2c-f7ab-45be-b001-85c9728b9d69": "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
  // create a Temporary Access Pass for any user (authentication-post-temporaryaccesspassmethods)
  "50483e42-d915-4231-9639-7fdb7fd190e5": "UserAuthenticationMethod.ReadWrite.All",
  "627169a8-8c15-451c-861a-5b80e383de5c": "UserAuthMethod-TAP.ReadWrite.All",
};

export const graphAppRoleAssignmentSchema = z.object({
  /** Graph's id of the appRoleAssignment */
  id: z.string(),
  /** lower-cased object id of the service principal (or managed identity) holding the permission */
  principalId: z.string(),
  /** lower-cased app role id (a key of GRAPH_ESCALATION_PERMISSIONS) */
  appRoleId: z.string(),
  /** the permission's name, e.g. RoleManagement.ReadWrite.Directory */
  permission: z.string(),
});
export type GraphAppRoleAssignment = z.infer<typeof graphAppRoleAssignmentSchema>;
