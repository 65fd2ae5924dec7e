import { describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  ROLE,
  role,
  roleBinding,
  roleEligibility,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess, Grant } from "@/lib/access/types";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { RoleEligibilityActivation } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

// Eligible (PIM) access combined with standing access, or with other eligible access.
//
// - Kubernetes RBAC adds up: "Permissions are purely additive (there are no "deny" rules)"
//   (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole; the authorizer allows
//   what a rule of any binding allows: kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go
//   Authorize → pkg/registry/rbac/validation/rule.go VisitRulesFor). With Azure RBAC for Kubernetes both
//   authorizers run and a request passes when either allows it (learn.microsoft.com/azure/aks/manage-azure-rbac).
// - Activating an eligible Azure role assignment creates an active assignment of the same role at the same
//   scope ("use the Role Assignment Schedule Requests - Create REST API ... specify the security principal,
//   role definition, requestType = SelfActivate and scope. To call this API, you must have an eligible role
//   assignment on the scope": learn.microsoft.com/entra/id-governance/privileged-identity-management/
//   pim-resource-roles-activate-your-roles).
// - Activating an eligible group membership (PIM for Groups) makes the principal a member: "When a group
//   membership or ownership is activated, ... PIM creates an active assignment (adds user as member or owner
//   of the group)" (learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-activate-roles).
//
// So once the eligible parts are activated, the principal holds what all its parts give together: an
// eligible admin or cluster-admin that no single grant shows. Left out, it was a false "nobody".

const RBAC = "rbac.authorization.k8s.io";
const NAMESPACE_SCOPE = `${CLUSTER}/namespaces/team`;
const azureRbac = {
  entra: { mode: "managed" as const, azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
};
const entraOnly = {
  entra: { mode: "managed" as const, azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" },
};

// The namespace's RBAC, as a Role of its own (the half of admin AKS RBAC Writer lacks)
const rbacEditorRole = role("team", "rbac-editor", [
  { apiGroups: [RBAC], resources: ["roles", "rolebindings"], verbs: ["*"] },
]);
// Two halves of cluster-admin: every ordinary verb on everything, and the escalation verbs
const ordinaryVerbs = clusterRole("ordinary-verbs", [
  {
    apiGroups: ["*"],
    resources: ["*"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
  },
]);
const escalationVerbs = clusterRole("escalation-verbs", [
  { apiGroups: ["*"], resources: ["*"], verbs: ["bind", "escalate", "impersonate"] },
]);

const noApproval: RoleEligibilityActivation = {
  approvalRequired: false,
  maximumDuration: "PT8H",
  policyId: "/subscriptions/s/providers/microsoft.authorization/rolemanagementpolicies/p",
};

function eligibleFor(
  model: TenantModel,
  roleGuid: string,
  principalId: string,
  scope: string,
  extra: { activation?: RoleEligibilityActivation; endDateTime?: string } = {},
): void {
  model.roleEligibilities.push(
    roleEligibility({
      name: `e-${principalId}-${model.roleEligibilities.length}`,
      scope,
      roleDefinitionId: roleGuid,
      principalId,
      endDateTime: extra.endDateTime ?? null,
      activation: extra.activation,
    }),
  );
}

function eligibleMember(
  model: TenantModel,
  groupId: string,
  principalId: string,
  endDateTime?: string,
): void {
  model.groupEligibilities = model.groupEligibilities ?? [];
  model.groupEligibilities.push({
    id: `${groupId}_member_${principalId}`,
    groupId,
    principalId,
    accessId: "member",
    endDateTime: endDateTime ?? null,
  });
}

function grantsOf(access: ClusterAccess, principalId: string): Grant[] {
  return access.principals.find((entry) => entry.principal.id === principalId)?.grants ?? [];
}

function summary(access: ClusterAccess, principalId: string): string[] {
  return grantsOf(access, principalId)
    .map((grant) => `${grant.level}@${grant.namespace ?? "*"}${grant.eligible ? " eligible" : ""}`)
    .sort();
}

function combined(access: ClusterAccess, principalId: string, level: string): Grant | undefined {
  return grantsOf(access, principalId).find(
    (grant) => grant.level === level && grant.path.some((step) => step.id.startsWith("combined:")),
  );
}

describe("eligible access adds up with standing access", () => {
  it("(a) eligible AKS RBAC Writer in a namespace + a standing RoleBinding that writes its RBAC = eligible admin there", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("faye")
      .kubernetes(
        rbacEditorRole,
        roleBinding("team", "grant-things", { kind: "Role", name: "rbac-editor" }, [user("faye")]),
      )
      .build();
    eligibleFor(model, ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE, {
      activation: noApproval,
      endDateTime: "2031-01-01T00:00:00Z",
    });
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(summary(access, "faye")).toEqual(["admin@team eligible", "write@team eligible"]);
    const admin = combined(access, "faye", "admin");
    expect(admin).toMatchObject({
      eligible: true,
      expires: "2031-01-01T00:00:00Z",
      route: "kubernetes-rbac",
    });
    const steps = admin?.path ?? [];
    // the eligibility step carries PIM's activation settings, as the eligible grants' own steps do
    expect(steps.find((step) => step.kind === "roleEligibility")).toMatchObject({
      approvalRequired: false,
      maximumDuration: "PT8H",
    });
    expect(steps.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        "RoleBinding team/grant-things",
        "holds admin through these 2 grants together (Azure RBAC and Kubernetes RBAC both authorize: permissions add up)",
      ]),
    );
  });

  it("(b) a standing ClusterRoleBinding + eligible membership (PIM for Groups) of a group bound to the rest = eligible cluster-admin", () => {
    const model = new AccessModelBuilder(entraOnly)
      .principal("bob")
      .group("ops", [])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "bob", "2030-06-01T00:00:00Z");
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(summary(access, "bob")).toContain("cluster-admin@* eligible");
    expect(summary(access, "bob")).not.toContain("cluster-admin@*");
    const admin = combined(access, "bob", "cluster-admin");
    expect(admin).toMatchObject({ eligible: true, expires: "2030-06-01T00:00:00Z" });
    const kinds = admin?.path.map((step) => step.kind) ?? [];
    expect(kinds.filter((kind) => kind === "groupEligibility")).toHaveLength(1);
    expect(admin?.path.map((step) => step.label)).toEqual(
      expect.arrayContaining(["ClusterRoleBinding bob-all", "ClusterRoleBinding ops-rbac"]),
    );
    // the group alone is not cluster-admin, and nobody else gains anything
    expect(summary(access, "ops")).not.toContain("cluster-admin@* eligible");
  });

  it("(c) two eligible parts: eligible memberships of two groups, each bound to half of cluster-admin", () => {
    const model = new AccessModelBuilder(entraOnly)
      .principal("bob")
      .group("ops", [])
      .group("runners", [])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("runners-all", "ordinary-verbs", [group("runners")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "bob", "2030-06-01T00:00:00Z");
    eligibleMember(model, "runners", "bob", "2029-01-01T00:00:00Z");
    const access = evaluateClusterAccess(model, CLUSTER);
    // each membership alone gives its group's grant (runners: every ordinary verb, admin cluster-wide), and the
    // two together cluster-admin
    expect(summary(access, "bob")).toEqual(["admin@* eligible", "cluster-admin@* eligible"]);
    const admin = combined(access, "bob", "cluster-admin");
    // the combination lasts as long as its shortest part
    expect(admin).toMatchObject({ eligible: true, expires: "2029-01-01T00:00:00Z" });
    expect(admin?.path.filter((step) => step.kind === "groupEligibility")).toHaveLength(2);
  });

  it("(c) an eligible Azure role and an eligible group membership add up too", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("faye")
      .group("rbac-team", [])
      .kubernetes(
        rbacEditorRole,
        roleBinding("team", "grant-things", { kind: "Role", name: "rbac-editor" }, [group("rbac-team")]),
      )
      .build();
    eligibleFor(model, ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE);
    eligibleMember(model, "rbac-team", "faye");
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(summary(access, "faye")).toEqual(["admin@team eligible", "write@team eligible"]);
    const kinds = combined(access, "faye", "admin")?.path.map((step) => step.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(["roleEligibility", "groupEligibility"]));
  });
});

describe("standing access is never reported as eligible", () => {
  it("a standing assignment of the same role beside the eligibility: the combination is standing, and only that", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("faye")
      .assign(ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE)
      .kubernetes(
        rbacEditorRole,
        roleBinding("team", "grant-things", { kind: "Role", name: "rbac-editor" }, [user("faye")]),
      )
      .build();
    eligibleFor(model, ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE);
    const access = evaluateClusterAccess(model, CLUSTER);
    const admins = grantsOf(access, "faye").filter((grant) => grant.level === "admin");
    expect(admins).toHaveLength(1);
    expect(admins[0].eligible).toBeUndefined();
    expect(admins[0].path.some((step) => step.kind === "roleEligibility")).toBe(false);
  });

  it("a standing member of a group bound to the rest: standing cluster-admin, no eligible copy", () => {
    const model = new AccessModelBuilder(entraOnly)
      .principal("bob")
      .group("ops", ["bob"])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "bob");
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(summary(access, "bob")).toEqual(["admin@*", "cluster-admin@*"]);
  });

  it("a standing cluster-admin through another route (the admin group) gets no eligible combination", () => {
    const model = new AccessModelBuilder({
      entra: { mode: "managed", azureRbac: false, adminGroupIds: ["admins"], tenantId: "tenant-1" },
    })
      .principal("bob")
      .group("admins", ["bob"])
      .group("ops", [])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "bob");
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(grantsOf(access, "bob").filter((grant) => grant.eligible)).toEqual([]);
    expect(summary(access, "bob")).toContain("cluster-admin@*");
  });

  it("an eligible owner (not member) of a group adds no grant: ownership is not membership", () => {
    const model = new AccessModelBuilder(entraOnly)
      .principal("bob")
      .group("ops", [])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    model.groupEligibilities = [
      { id: "ops_owner_bob", groupId: "ops", principalId: "bob", accessId: "owner", endDateTime: null },
    ];
    expect(summary(evaluateClusterAccess(model, CLUSTER), "bob")).toEqual(["admin@*"]);
  });
});

// The PIM approval finding reads eligible cluster-admin grants: a combined one is judged like any other.
describe("eligible-cluster-admin-without-approval sees combined eligible cluster-admin", () => {
  const rule = FINDING_RULES.find((candidate) => candidate.id === "eligible-cluster-admin-without-approval");
  const run = (model: TenantModel) => {
    if (!rule) throw new Error("rule missing");
    model.coverage["pim:azure"] = { status: "complete" };
    model.coverage["directory:pim"] = { status: "complete" };
    return evaluateFindings(model, undefined, { rules: [rule] });
  };
  // every data action but the escalation verbs (bind, escalate, impersonate)
  const ORDINARY = "00000000-0000-0000-0000-0000000000c1";
  const AKS = "Microsoft.ContainerService/managedClusters";
  const ordinaryData = {
    dataActions: [`${AKS}/*`],
    notDataActions: [
      `${AKS}/rbac.authorization.k8s.io/clusterroles/bind/action`,
      `${AKS}/rbac.authorization.k8s.io/clusterroles/escalate/action`,
      `${AKS}/users/impersonate/action`,
      `${AKS}/groups/impersonate/action`,
      `${AKS}/serviceaccounts/impersonate/action`,
    ],
  };

  it("an eligible Azure role without approval + a standing ClusterRoleBinding = eligible cluster-admin that fails", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("faye")
      .customRole(ORDINARY, [ordinaryData])
      .kubernetes(escalationVerbs, clusterRoleBinding("faye-rbac", "escalation-verbs", [user("faye")]))
      .build();
    eligibleFor(model, ORDINARY, "faye", CLUSTER, { activation: noApproval });
    expect(summary(evaluateClusterAccess(model, CLUSTER), "faye")).toContain("cluster-admin@* eligible");
    const [finding] = run(model);
    expect(finding.status).toBe("fail");
    expect(finding.evidence.objects[0].id).toBe("faye");
    expect(finding.evidence.paths?.[0].map((step) => step.label)).toContain("ClusterRoleBinding faye-rbac");
  });

  it("eligible through PIM for Groups: approval not known, not assessed (never a pass)", () => {
    const model = new AccessModelBuilder(entraOnly)
      .principal("bob")
      .group("ops", [])
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("bob-all", "ordinary-verbs", [user("bob")]),
        clusterRoleBinding("ops-rbac", "escalation-verbs", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "bob");
    const findings = run(model);
    expect(findings.map((finding) => [finding.evidence.objects[0]?.id, finding.status])).toEqual([
      ["bob", "not-assessed"],
    ]);
  });
});

// PIM for Groups alone: an eligible member holds what the group holds once it activates the membership
// (learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-activate-roles: "PIM creates an
// active assignment (adds user as member or owner of the group)"; the PIM for Groups API overview: principals
// "have privileges granted through their group membership"). The AKS admin group with eligible members is
// Microsoft's just-in-time cluster-admin; its eligible members are eligible cluster-admins.
describe("an eligible member holds its group's access, eligible", () => {
  const adminGroup = {
    entra: { mode: "managed" as const, azureRbac: false, adminGroupIds: ["admins"], tenantId: "tenant-1" },
    localAccountsDisabled: true,
  };
  const kinds = (grant: Grant | undefined) => grant?.path.map((step) => step.kind) ?? [];

  it("an eligible member of the AKS admin group is an eligible cluster-admin, until the eligibility ends", () => {
    const model = new AccessModelBuilder(adminGroup)
      .principal("howard")
      .principal("ann")
      .group("admins", ["ann"])
      .build();
    eligibleMember(model, "admins", "howard", "2030-01-01T00:00:00Z");
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(summary(access, "howard")).toEqual(["cluster-admin@* eligible"]);
    const admin = grantsOf(access, "howard")[0];
    expect(admin).toMatchObject({
      route: "entra-admin-group",
      eligible: true,
      expires: "2030-01-01T00:00:00Z",
    });
    expect(kinds(admin).slice(0, 3)).toEqual(["principal", "groupEligibility", "groupMembership"]);
    expect(admin.path[1].label).toBe("eligible member of admins (PIM for Groups: activates the membership)");
    // the standing member and the group as before
    expect(summary(access, "ann")).toEqual(["cluster-admin@*"]);
    expect(summary(access, "admins")).toEqual(["cluster-admin@*"]);
  });

  it("a standing member who is also eligible gets no eligible copy: standing access is never reported as eligible", () => {
    const model = new AccessModelBuilder(adminGroup).principal("ann").group("admins", ["ann"]).build();
    eligibleMember(model, "admins", "ann");
    expect(summary(evaluateClusterAccess(model, CLUSTER), "ann")).toEqual(["cluster-admin@*"]);
  });

  it("a group bound by a ClusterRoleBinding, and a group holding an Azure role: the same, by their routes", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("howard")
      .group("ops", [])
      .group("platform", [])
      .assign(ROLE.contributor, "platform", CLUSTER, { principalType: "Group" })
      .kubernetes(
        clusterRole("everything", [
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          { nonResourceURLs: ["*"], verbs: ["*"] },
        ]),
        clusterRoleBinding("ops-admin", "everything", [group("ops")]),
      )
      .build();
    eligibleMember(model, "ops", "howard");
    eligibleMember(model, "platform", "howard");
    const access = evaluateClusterAccess(model, CLUSTER);
    const routes = grantsOf(access, "howard").map(
      (grant) => `${grant.level}/${grant.route}/${grant.eligible}`,
    );
    expect(routes).toContain("cluster-admin/kubernetes-rbac/true");
    expect(grantsOf(access, "howard").every((grant) => grant.eligible === true)).toBe(true);
    // Contributor's escalations (managedClusters/write, run command) are the eligible member's too, marked eligible
    const escalations = access.principals.find((entry) => entry.principal.id === "howard")?.escalations ?? [];
    expect(escalations.map((escalation) => escalation.to)).toContain("cluster-write");
    expect(escalations.every((escalation) => escalation.eligible === true)).toBe(true);
  });

  it("a group that is an eligible member passes it to its standing members; a group's own eligible grant is not passed on", () => {
    const model = new AccessModelBuilder(adminGroup)
      .principal("yara")
      .principal("zoe")
      .group("oncall", ["yara"])
      .group("admins", [])
      .group("readers", [])
      .build();
    eligibleMember(model, "admins", "oncall");
    // readers is itself only eligible for AKS RBAC Cluster Admin: zoe would need two activations in a row
    eligibleFor(model, ROLE.aksRbacClusterAdmin, "readers", CLUSTER);
    eligibleMember(model, "readers", "zoe");
    const access = evaluateClusterAccess(model, CLUSTER);
    const yara = grantsOf(access, "yara");
    expect(summary(access, "yara")).toEqual(["cluster-admin@* eligible"]);
    expect(kinds(yara[0]).slice(0, 4)).toEqual([
      "principal",
      "groupMembership",
      "groupEligibility",
      "groupMembership",
    ]);
    expect(summary(access, "zoe")).toEqual([]);
  });
});
