import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  RG,
  ROLE,
  roleEligibility,
} from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { activationApproval } from "@/lib/findings/rules/eligible-cluster-admin-without-approval";
import type { RoleEligibilityActivation } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// Whether activating an eligible role needs approval is the role's PIM setting at the eligibility's
// scope: the `Approval_EndUser_Assignment` rule's setting.isApprovalRequired of the role management
// policy (azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/
// stable/2020-10-01/examples/GetRoleManagementPolicyAssignmentByScope.json), read into the
// eligibility's `activation` and carried by its path step.

const rule = FINDING_RULES.find((candidate) => candidate.id === "eligible-cluster-admin-without-approval");

function eligibleModel(
  activations: Record<string, RoleEligibilityActivation | undefined>,
  scope = CLUSTER,
): TenantModel {
  const builder = new AccessModelBuilder();
  for (const name of Object.keys(activations)) builder.principal(name);
  const model = builder.build();
  for (const [principalId, activation] of Object.entries(activations)) {
    model.roleEligibilities.push(
      roleEligibility({
        name: `e-${principalId}`,
        scope,
        roleDefinitionId: ROLE.aksRbacClusterAdmin,
        principalId,
        activation,
      }),
    );
  }
  model.coverage["pim:azure"] = { status: "complete" };
  model.coverage["directory:pim"] = { status: "complete" };
  return model;
}

function run(model: TenantModel) {
  if (!rule) throw new Error("rule missing");
  return evaluateFindings(model, undefined, { rules: [rule] });
}

const noApproval: RoleEligibilityActivation = {
  approvalRequired: false,
  maximumDuration: "PT8H",
  policyId: "/subscriptions/s/providers/microsoft.authorization/rolemanagementpolicies/p",
};
const withApproval: RoleEligibilityActivation = {
  ...noApproval,
  approvalRequired: true,
  maximumDuration: "PT1H",
};

describe("eligible-cluster-admin-without-approval with PIM role settings", () => {
  it("fails an eligible cluster-admin whose activation needs no approval, naming the duration", () => {
    const [finding] = run(eligibleModel({ ops: noApproval }));
    expect(finding.status).toBe("fail");
    expect(finding.evidence.objects[0].id).toBe("ops");
    expect(finding.evidence.summary).toMatch(/activates it without approval \(for up to PT8H at a time\)/);
    const step = finding.evidence.paths?.[0].find((candidate) => candidate.kind === "roleEligibility");
    expect(step).toMatchObject({ approvalRequired: false, maximumDuration: "PT8H" });
    expect(step?.label).toMatch(/needs activation \(without approval, for up to PT8H\)/);
  });

  it("passes when every eligible cluster-admin needs approval, and says who", () => {
    const findings = run(eligibleModel({ ops: withApproval }, RG));
    expect(findings.map((finding) => finding.status)).toEqual(["pass"]);
    expect(findings[0].evidence.summary).toMatch(/needs approval to activate \(ops\)/);
  });

  it("fails only the holder without approval; unknown settings stay not assessed", () => {
    const findings = run(eligibleModel({ ops: withApproval, dev: noApproval, old: undefined }));
    const byHolder = Object.fromEntries(
      findings.map((finding) => [finding.evidence.objects[0].id, finding.status]),
    );
    expect(byHolder).toEqual({ dev: "fail", old: "not-assessed" });
  });
});

// Every activation on a path is needed before it gives cluster-admin: activating an eligible assignment
// makes that one role active (learn.microsoft.com/entra/id-governance/privileged-identity-management/
// pim-resource-roles-activate-your-roles), and an eligible group membership is activated on its own, under
// the group's own PIM settings (…/groups-activate-roles; …/groups-role-settings). A path that rests on two of
// them (an eligible membership of a group holding an eligible role, or two eligible parts held together, as
// lib/access/evaluate-cluster.ts combines them) activates without approval only if each of them does.
describe("activationApproval: a path resting on more than one activation", () => {
  const eligibility = (approvalRequired?: boolean) => ({
    kind: "roleEligibility",
    id: `/subscriptions/s/providers/microsoft.authorization/roleeligibilityscheduleinstances/${String(approvalRequired)}`,
    label: "eligible",
    ...(approvalRequired === undefined ? {} : { approvalRequired }),
  });
  const principal = { kind: "principal", id: "ops", label: "ops (User)" };
  const groupEligibility = { kind: "groupEligibility", id: "g:member:ops", label: "eligible member of g" };

  it("needs approval when any of its activations does, whichever comes first", () => {
    expect(activationApproval([principal, eligibility(false), eligibility(true)])).toBe(true);
    expect(activationApproval([principal, eligibility(true), eligibility(false)])).toBe(true);
  });

  it("activates without approval only when every activation is known to", () => {
    expect(activationApproval([principal, eligibility(false), eligibility(false)])).toBe(false);
    expect(activationApproval([principal, eligibility(false)])).toBe(false);
  });

  it("is not known when one activation's settings are not (a PIM for Groups membership, unread settings)", () => {
    expect(activationApproval([principal, groupEligibility, eligibility(false)])).toBeNull();
    expect(activationApproval([principal, eligibility(false), eligibility(undefined)])).toBeNull();
    expect(activationApproval([principal, groupEligibility, eligibility(true)])).toBe(true);
  });
});
