import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
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
});
