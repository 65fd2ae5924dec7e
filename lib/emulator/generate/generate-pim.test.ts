import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";

// Generated tenants hold access that is not standing in realistic proportion: PIM eligibility for
// privileged roles (10% of the assignments by default), about 1% of the active assignments
// time-bound, a deny assignment per 25 clusters — all valid tenant-file sections.

async function generate(options: Parameters<typeof generateTenant>[0]) {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const stats = await generateTenant(options, sink);
  return { stats, text: Buffer.concat(chunks).toString("utf8") };
}

describe("tenant generate: PIM and deny assignments", () => {
  it("writes valid sections in realistic proportion, deterministically", async () => {
    const options = { seed: 7, clusters: 50, roleAssignments: 2000, principals: 300 };
    const { stats, text } = await generate(options);
    const validation = validateTenantFile(JSON.parse(text));
    expect(validation.errors).toEqual([]);
    const tenant = validation.tenant;
    if (!tenant) throw new Error("invalid");
    expect(tenant.roleEligibilityScheduleInstances).toHaveLength(200);
    expect(tenant.roleAssignmentScheduleInstances.length).toBe(stats.timeBoundAssignments);
    expect(stats.timeBoundAssignments).toBeGreaterThan(10);
    expect(stats.timeBoundAssignments).toBeLessThan(40);
    expect(tenant.denyAssignments).toHaveLength(2);
    // each time-bound instance is an existing role assignment
    const assignmentIds = new Set(tenant.roleAssignments.map((assignment) => assignment.id));
    for (const instance of tenant.roleAssignmentScheduleInstances)
      expect(assignmentIds.has(instance.properties.originRoleAssignmentId ?? "")).toBe(true);
    expect((await generate(options)).text).toBe(text);
  });

  it("the counts are options, and the engine reports eligible grants from them", async () => {
    const { text } = await generate({
      seed: 3,
      clusters: 6,
      roleAssignments: 100,
      roleEligibilities: 60,
      denyAssignments: 0,
    });
    const tenant = validateTenantFile(JSON.parse(text)).tenant;
    if (!tenant) throw new Error("invalid");
    expect(tenant.roleEligibilityScheduleInstances).toHaveLength(60);
    expect(tenant.denyAssignments).toEqual([]);
    const grants = evaluateTenantAccess(modelFromTenantFile(tenant)).flatMap((cluster) =>
      cluster.principals.flatMap((entry) => entry.grants),
    );
    expect(grants.some((grant) => grant.eligible === true && grant.level === "cluster-admin")).toBe(true);
  });

  // PIM role settings (docs/tenant-file.md, "PIM role settings"): a policy for each eligible role and
  // scope, most roles that reach cluster-admin needing approval, some not; unlisted pairs get PIM's
  // defaults (no approval) as in Azure (learn.microsoft.com/entra/id-governance/
  // privileged-identity-management/pim-resource-roles-configure-role-settings).
  it("writes role management policies: most eligible cluster-admin roles need approval, some do not", async () => {
    const options = { seed: 7, clusters: 50, roleAssignments: 2000, principals: 300 };
    const { stats, text } = await generate(options);
    const validation = validateTenantFile(JSON.parse(text));
    expect(validation.errors).toEqual([]);
    const tenant = validation.tenant;
    if (!tenant) throw new Error("invalid");
    const policies = tenant.roleManagementPolicies ?? [];
    expect(policies).toHaveLength(stats.roleManagementPolicies);
    expect(tenant.roleManagementPolicyAssignments ?? []).toHaveLength(stats.roleManagementPolicies);
    expect(stats.roleManagementPolicies).toBeGreaterThan(50);
    expect(stats.approvalRequiredPolicies).toBeGreaterThan(0);
    expect(stats.approvalRequiredPolicies).toBeLessThan(stats.roleManagementPolicies);

    const clusterAdminRoles = new Set<string>([
      BUILT_IN_ROLE_IDS.aksRbacClusterAdmin,
      BUILT_IN_ROLE_IDS.aksClusterAdmin,
      BUILT_IN_ROLE_IDS.owner,
      BUILT_IN_ROLE_IDS.userAccessAdministrator,
    ]);
    const eligibilities = modelFromTenantFile(tenant).roleEligibilities.filter((eligibility) =>
      clusterAdminRoles.has(eligibility.roleDefinitionId),
    );
    expect(eligibilities.length).toBeGreaterThan(50);
    const approval = eligibilities.filter((eligibility) => eligibility.activation?.approvalRequired === true);
    const without = eligibilities.filter((eligibility) => eligibility.activation?.approvalRequired === false);
    expect(approval.length + without.length).toBe(eligibilities.length);
    expect(approval.length / eligibilities.length).toBeGreaterThan(0.6);
    expect(without.length / eligibilities.length).toBeGreaterThan(0.1);
    // some of those without approval were never configured (PIM's defaults), some were set so
    const configured = new Set(policies.map((policy) => policy.id.toLowerCase()));
    const defaulted = without.filter(
      (eligibility) => !configured.has(eligibility.activation?.policyId ?? ""),
    );
    expect(defaulted.length).toBeGreaterThan(0);
    expect(defaulted.length).toBeLessThan(without.length);
    // every approval rule that requires approval names an approver
    for (const policy of policies)
      for (const rule of policy.properties.rules)
        if (rule.ruleType === "RoleManagementPolicyApprovalRule" && rule.setting.isApprovalRequired)
          expect(rule.setting.approvalStages?.length).toBe(1);
    // another seed, other settings; the same seed, the same bytes
    expect((await generate({ ...options, seed: 8 })).text).not.toBe(text);
    expect((await generate(options)).text).toBe(text);
  });
});
