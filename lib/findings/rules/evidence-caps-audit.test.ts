import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  MG,
  RG,
  ROLE,
  roleEligibility,
  SUB,
} from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { RoleEligibilityActivation } from "@/lib/model/azure";

// Evidence that is capped must say what it leaves out (docs/findings.md, `evidence.unlisted`): a finding that
// lists three of five ways silently reads as "these are all the ways", and revoking the three listed would
// leave the holder eligible through the two not shown.

const rule = FINDING_RULES.find((candidate) => candidate.id === "eligible-cluster-admin-without-approval");

const noApproval: RoleEligibilityActivation = {
  approvalRequired: false,
  maximumDuration: "PT8H",
  policyId: "/subscriptions/s/providers/microsoft.authorization/rolemanagementpolicies/p",
};

function eligibleAt(scopes: string[]) {
  const model = new AccessModelBuilder().principal("ops").build();
  for (const [i, scope] of scopes.entries()) {
    model.roleEligibilities.push(
      roleEligibility({
        name: `e-${i}`,
        scope,
        roleDefinitionId: ROLE.aksRbacClusterAdmin,
        principalId: "ops",
        activation: noApproval,
      }),
    );
  }
  model.coverage["pim:azure"] = { status: "complete" };
  model.coverage["directory:pim"] = { status: "complete" };
  if (!rule) throw new Error("rule missing");
  return evaluateFindings(model, undefined, { rules: [rule] });
}

describe("eligible-cluster-admin-without-approval: capped paths are counted", () => {
  const scopes = [CLUSTER, RG, `/subscriptions/${SUB}`, MG];

  it("lists three paths and says how many the holder has", () => {
    const [finding] = eligibleAt(scopes);
    expect(finding.status).toBe("fail");
    const total = finding.evidence.summary.match(/3 of (\d+) eligible paths are listed/);
    expect(total, finding.evidence.summary).not.toBeNull();
    expect(Number(total?.[1])).toBeGreaterThanOrEqual(scopes.length);
    expect(finding.evidence.paths).toHaveLength(3);
  });

  it("says nothing of a cap when every path is listed", () => {
    const [finding] = eligibleAt([CLUSTER]);
    expect(finding.status).toBe("fail");
    expect(finding.evidence.summary).not.toMatch(/are listed/);
  });
});
