/**
 * PIM for Azure resources: role management policies (a role's settings at a scope: approval,
 * activation duration …) and their assignments, in ARM wire format — azure-rest-api-specs
 * specification/authorization/resource-manager/Microsoft.Authorization/stable/2020-10-01/
 * RoleManagementPolicy.json and RoleManagementPolicyAssignment.json (and their examples
 * GetRoleManagementPolicyAssignmentByScope.json, GetRoleManagementPolicyByName.json).
 * The tenant file's `roleManagementPolicies` and `roleManagementPolicyAssignments` sections; format:
 * docs/tenant-file.md, "PIM role settings". Pure: the emulator serves what `effectiveRoleSettings`
 * computes and the offline import reads the same, so scan and import agree on one file.
 */
import { z } from "zod";
import builtInRoleData from "@/lib/model/data/builtin-roles.json";
import type { TenantFile, TenantFileReport } from "@/lib/model/wire/tenant-file";

// Local patterns: tenant-file.ts imports this module, so importing its schemas would be a cycle.
const armId = z.string().startsWith("/", "must be an ARM resource id starting with '/'");
/** ISO 8601 duration as PIM writes it (P365D, PT8H, PT30M); a bare "P" or "PT" is no duration. */
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const durationSchema = z.string().regex(ISO_DURATION, "must be an ISO 8601 duration such as PT8H or P1D");

const ruleTargetSchema = z.looseObject({
  /** `Admin` (assigning) or `EndUser` (activating) */
  caller: z.string().optional(),
  operations: z.array(z.string()).nullable().optional(),
  /** `Assignment` (active: what an activation creates) or `Eligibility` */
  level: z.string().optional(),
});

const ruleBase = { id: z.string().min(1), target: ruleTargetSchema.optional() };

/** The five rule types of the spec's RoleManagementPolicyRuleType, discriminated by `ruleType`. */
export const wireRoleManagementPolicyRuleSchema = z.discriminatedUnion("ruleType", [
  z.looseObject({
    ...ruleBase,
    ruleType: z.literal("RoleManagementPolicyApprovalRule"),
    setting: z.looseObject({
      isApprovalRequired: z.boolean().optional(),
      isApprovalRequiredForExtension: z.boolean().optional(),
      isRequestorJustificationRequired: z.boolean().optional(),
      approvalMode: z.enum(["SingleStage", "Serial", "Parallel", "NoApproval"]).optional(),
      approvalStages: z.array(z.looseObject({})).nullable().optional(),
    }),
  }),
  z.looseObject({
    ...ruleBase,
    ruleType: z.literal("RoleManagementPolicyExpirationRule"),
    isExpirationRequired: z.boolean().optional(),
    maximumDuration: durationSchema.optional(),
  }),
  z.looseObject({
    ...ruleBase,
    ruleType: z.literal("RoleManagementPolicyEnablementRule"),
    enabledRules: z.array(z.enum(["MultiFactorAuthentication", "Justification", "Ticketing"])).optional(),
  }),
  z.looseObject({
    ...ruleBase,
    ruleType: z.literal("RoleManagementPolicyAuthenticationContextRule"),
    isEnabled: z.boolean().optional(),
    claimValue: z.string().optional(),
  }),
  z.looseObject({ ...ruleBase, ruleType: z.literal("RoleManagementPolicyNotificationRule") }),
]);

/** A role management policy as `GET {scope}/providers/Microsoft.Authorization/roleManagementPolicies/{name}` returns it. */
export const wireRoleManagementPolicySchema = z.looseObject({
  id: armId,
  name: z.string().min(1),
  type: z.string().default("Microsoft.Authorization/roleManagementPolicies"),
  properties: z.looseObject({
    scope: armId,
    displayName: z.string().optional(),
    description: z.string().optional(),
    isOrganizationDefault: z.boolean().optional(),
    rules: z.array(wireRoleManagementPolicyRuleSchema).default([]),
  }),
});

/** Which policy governs a role at a scope: `roleManagementPolicyAssignments/{policy name}_{role guid}`. */
export const wireRoleManagementPolicyAssignmentSchema = z.looseObject({
  id: armId,
  name: z.string().min(1),
  type: z.string().default("Microsoft.Authorization/roleManagementPolicyAssignments"),
  properties: z.looseObject({
    scope: armId,
    roleDefinitionId: armId,
    policyId: armId,
  }),
});

export type WireRoleManagementPolicyRule = z.infer<typeof wireRoleManagementPolicyRuleSchema>;
export type WireRoleManagementPolicy = z.infer<typeof wireRoleManagementPolicySchema>;
export type WireRoleManagementPolicyAssignment = z.infer<typeof wireRoleManagementPolicyAssignmentSchema>;

// ---------------------------------------------------------------------------------------------
// Defaults: Azure has a policy for every role at every scope; one nobody changed has PIM's default
// settings — activation without approval, for at most 8 hours (learn.microsoft.com/entra/
// id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings).

export const DEFAULT_ACTIVATION_MAXIMUM_DURATION = "PT8H";

function endUserTarget(level: "Assignment" | "Eligibility", caller: "EndUser" | "Admin" = "EndUser") {
  return {
    caller,
    operations: ["All"],
    level,
    targetObjects: null,
    inheritableSettings: null,
    enforcedSettings: null,
  };
}

export function defaultRoleManagementRules(): WireRoleManagementPolicyRule[] {
  return [
    {
      id: "Approval_EndUser_Assignment",
      ruleType: "RoleManagementPolicyApprovalRule",
      target: endUserTarget("Assignment"),
      setting: {
        isApprovalRequired: false,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: "SingleStage",
        approvalStages: [],
      },
    },
    {
      id: "Expiration_EndUser_Assignment",
      ruleType: "RoleManagementPolicyExpirationRule",
      target: endUserTarget("Assignment"),
      isExpirationRequired: true,
      maximumDuration: DEFAULT_ACTIVATION_MAXIMUM_DURATION,
    },
    {
      id: "Enablement_EndUser_Assignment",
      ruleType: "RoleManagementPolicyEnablementRule",
      target: endUserTarget("Assignment"),
      enabledRules: ["MultiFactorAuthentication", "Justification"],
    },
    {
      id: "Expiration_Admin_Eligibility",
      ruleType: "RoleManagementPolicyExpirationRule",
      target: endUserTarget("Eligibility", "Admin"),
      isExpirationRequired: false,
      maximumDuration: "P365D",
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Effective settings: what the emulator serves and the import reads

/** An ARM scope as the prefix of a child id: no trailing slash, and "" for the root scope "/". */
export function trimScope(scope: string): string {
  return scope === "/" ? "" : scope.replace(/\/+$/, "");
}

/** The last segment of an ARM id, lower-cased (a policy's or role's name). */
export function lastSegment(id: string): string {
  return (
    id
      .split("/")
      .filter((part) => part.length > 0)
      .at(-1) ?? ""
  ).toLowerCase();
}

/** Lower-cased scope (no trailing slash; "/" for the root) + role GUID: one policy assignment each. */
export function roleSettingsKey(scope: string, roleDefinitionId: string): string {
  const normalized = scope === "/" ? "/" : scope.replace(/\/+$/, "").toLowerCase();
  return `${normalized}|${lastSegment(roleDefinitionId)}`;
}

/** A deterministic GUID-shaped name (policies Azure creates on demand have GUID names). */
function derivedGuid(text: string): string {
  // FNV-1a over the text, four times with different seeds: stable, dependency-free.
  const parts: string[] = [];
  for (let seed = 0; seed < 4; seed++) {
    let hash = 0x811c9dc5 ^ seed;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    parts.push(hash.toString(16).padStart(8, "0"));
  }
  const hex = parts.join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** True when the file has a roleManagementPolicies or roleManagementPolicyAssignments section (even empty). */
export function describesRoleSettings(
  tenant: Pick<TenantFile, "roleManagementPolicies" | "roleManagementPolicyAssignments">,
): boolean {
  return tenant.roleManagementPolicies !== undefined || tenant.roleManagementPolicyAssignments !== undefined;
}

export type EffectiveRoleSettings = {
  assignment: WireRoleManagementPolicyAssignment;
  policy: WireRoleManagementPolicy;
  /** false: synthesized with PIM's defaults (the file lists no policy for this role at this scope) */
  explicit: boolean;
};

/**
 * The policy assignment of every (scope, role) the file lists one for, and — because Azure has one
 * for every role at every scope — a default one for each eligibility's (scope, role) it does not;
 * nothing when the file has neither section.
 * Keyed by roleSettingsKey.
 */
export function effectiveRoleSettings(tenant: TenantFile): Map<string, EffectiveRoleSettings> {
  const result = new Map<string, EffectiveRoleSettings>();
  // A file without either section says nothing about role settings (a collector that did not read
  // them): nothing is served or imported, so approval stays unknown rather than defaulted.
  if (!describesRoleSettings(tenant)) return result;
  const policies = new Map(
    (tenant.roleManagementPolicies ?? []).map((policy) => [policy.id.toLowerCase(), policy]),
  );
  for (const assignment of tenant.roleManagementPolicyAssignments ?? []) {
    const policy = policies.get(assignment.properties.policyId.toLowerCase());
    if (!policy) continue; // tenant validate reports it
    const key = roleSettingsKey(assignment.properties.scope, assignment.properties.roleDefinitionId);
    if (!result.has(key)) result.set(key, { assignment, policy, explicit: true });
  }
  for (const eligibility of tenant.roleEligibilityScheduleInstances) {
    const { scope, roleDefinitionId } = eligibility.properties;
    const key = roleSettingsKey(scope, roleDefinitionId);
    if (result.has(key)) continue;
    const at = trimScope(scope);
    const policyName = derivedGuid(key);
    const roleGuid = lastSegment(roleDefinitionId);
    const policyId = `${at}/providers/Microsoft.Authorization/roleManagementPolicies/${policyName}`;
    const policy: WireRoleManagementPolicy = {
      id: policyId,
      name: policyName,
      type: "Microsoft.Authorization/roleManagementPolicies",
      properties: {
        scope,
        displayName: "Default",
        description: "The role's default settings",
        isOrganizationDefault: false,
        rules: defaultRoleManagementRules(),
      },
    };
    const name = `${policyName}_${roleGuid}`;
    result.set(key, {
      explicit: false,
      policy,
      assignment: {
        id: `${at}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${name}`,
        name,
        type: "Microsoft.Authorization/roleManagementPolicyAssignments",
        properties: { scope, roleDefinitionId, policyId },
      },
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks (tenant validate)

const builtInRoleGuids: ReadonlySet<string> = new Set(
  builtInRoleData.roleDefinitions.map((definition) => definition.name.toLowerCase()),
);

export function checkRoleManagementPolicySemantics(tenant: TenantFile, report: TenantFileReport): void {
  const customRoleGuids = new Set(tenant.roleDefinitions.map((definition) => definition.name.toLowerCase()));
  const policiesById = new Map<string, { scope: string; path: string }>();
  (tenant.roleManagementPolicies ?? []).forEach((policy, index) => {
    const path = `$.roleManagementPolicies[${index}]`;
    const expected = `${trimScope(policy.properties.scope)}/providers/Microsoft.Authorization/roleManagementPolicies/${policy.name}`;
    if (policy.id.toLowerCase() !== expected.toLowerCase())
      report.errors.push({ path: `${path}.id`, message: `id must be ${expected} (scope + name)` });
    const key = policy.id.toLowerCase();
    const first = policiesById.get(key);
    if (first)
      report.errors.push({
        path: `${path}.id`,
        message: `duplicate role management policy id (first at ${first.path})`,
      });
    else policiesById.set(key, { scope: policy.properties.scope.toLowerCase().replace(/\/+$/, ""), path });
    const seenRule = new Map<string, number>();
    policy.properties.rules.forEach((rule, position) => {
      const earlier = seenRule.get(rule.id);
      if (earlier !== undefined)
        report.errors.push({
          path: `${path}.properties.rules[${position}].id`,
          message: `duplicate rule id "${rule.id}" (first at rules[${earlier}])`,
        });
      else seenRule.set(rule.id, position);
    });
  });

  const seenRoleAtScope = new Map<string, string>();
  (tenant.roleManagementPolicyAssignments ?? []).forEach((assignment, index) => {
    const path = `$.roleManagementPolicyAssignments[${index}]`;
    const { scope, roleDefinitionId, policyId } = assignment.properties;
    const expected = `${trimScope(scope)}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${assignment.name}`;
    if (assignment.id.toLowerCase() !== expected.toLowerCase())
      report.errors.push({ path: `${path}.id`, message: `id must be ${expected} (scope + name)` });
    const roleGuid = lastSegment(roleDefinitionId);
    if (!builtInRoleGuids.has(roleGuid) && !customRoleGuids.has(roleGuid))
      report.errors.push({
        path: `${path}.properties.roleDefinitionId`,
        message: `role definition ${roleGuid} is neither a built-in role nor in $.roleDefinitions`,
      });
    const policy = policiesById.get(policyId.toLowerCase());
    if (!policy)
      report.errors.push({
        path: `${path}.properties.policyId`,
        message: "no policy in $.roleManagementPolicies has this id",
      });
    else if (policy.scope !== scope.toLowerCase().replace(/\/+$/, ""))
      report.errors.push({
        path: `${path}.properties.policyId`,
        message: `the policy (${policy.path}) is at another scope: a policy governs roles at its own scope`,
      });
    const key = roleSettingsKey(scope, roleDefinitionId);
    const first = seenRoleAtScope.get(key);
    if (first)
      report.errors.push({
        path: `${path}.properties.roleDefinitionId`,
        message: `a role has one policy per scope: this role at this scope is already assigned at ${first}`,
      });
    else seenRoleAtScope.set(key, path);
  });
}
