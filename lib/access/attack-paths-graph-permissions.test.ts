import { describe, expect, it } from "vitest";
import type { AccessModelBuilder } from "@/lib/access/fixtures/access-model-builder";
import { ROLE } from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import { CLUSTER2, RG2, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { GRAPH_ESCALATION_PERMISSIONS } from "@/lib/model/directory";
import type { TenantModel } from "@/lib/model/tenant-model";

// Microsoft Graph application permissions held by a service principal (BloodHound's AZMG* edges; ids from
// learn.microsoft.com/graph/permissions-reference):
// - RoleManagement.ReadWrite.Directory assigns any directory role (graph/api/rbacapplication-post-roleassignments),
//   Global Administrator included, who elevates access to User Access Administrator at "/" (elevate-access-global-admin);
// - AppRoleAssignment.ReadWrite.All grants any app role, that one included (serviceprincipal-post-approleassignments);
// - Application.ReadWrite.All adds a password to any application or service principal (serviceprincipal-addpassword);
//   so does Directory.ReadWrite.All, which application-addpassword and serviceprincipal-addpassword list as the
//   higher privileged application permissions ("Application.ReadWrite.All, Directory.ReadWrite.All");
// - GroupMember.ReadWrite.All, Group.ReadWrite.All and Directory.ReadWrite.All add members to groups that are not
//   role-assignable (group-post-members: a role-assignable group also needs RoleManagement.ReadWrite.Directory);
// - UserAuthMethod-TAP.ReadWrite.All and UserAuthenticationMethod.ReadWrite.All create a Temporary Access Pass for
//   any user (authentication-post-temporaryaccesspassmethods, "Permissions acting on other users": Application),
//   which signs the user in if the tenant's Temporary Access Pass policy allows it (not read: conditional).
// - RoleAssignmentSchedule.ReadWrite.Directory and PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup make active
//   PIM assignments (a directory role; a group's membership) for any principal, under the role's or group's PIM
//   settings (not read: conditional).
// Olga owns the service principal `automation` (adds a client secret and signs in as it); what it holds decides
// whether she reaches aks-2 (local accounts on: Contributor on rg-2 is cluster-admin there).

const AUTOMATION = "sp-automation";
const permissionId = (name: string) => {
  const id = Object.entries(GRAPH_ESCALATION_PERMISSIONS).find(([, value]) => value === name)?.[0];
  if (!id) throw new Error(`no permission ${name}`);
  return id;
};

function tenant(permissions: string[], setup?: (builder: AccessModelBuilder) => void): TenantModel {
  const model = twoClusterTenant({
    identityRole: null,
    setup: (builder) => {
      builder.principal("olga").principal(AUTOMATION, "ServicePrincipal", { appId: "app-automation" });
      setup?.(builder);
    },
  });
  model.directoryOwners = [
    {
      objectId: AUTOMATION,
      objectKind: "ServicePrincipal",
      appId: "app-automation",
      displayName: AUTOMATION,
      ownerIds: ["olga"],
    },
  ];
  model.graphAppRoleAssignments = permissions.map((permission) => ({
    id: `grant-${permission}`,
    principalId: AUTOMATION,
    appRoleId: permissionId(permission),
    permission,
  }));
  return model;
}

/** `permissions` held by `automation`, and `sp-deployer`, a service principal holding Contributor on rg-2 */
const withDeployer = (permissions: string[]) =>
  tenant(permissions, (builder) =>
    builder
      .principal("sp-deployer", "ServicePrincipal", { appId: "app-deployer" })
      .assign(ROLE.contributor, "sp-deployer", RG2, { principalType: "ServicePrincipal" }),
  );
/** `permissions` held by `automation`, and `dev`, a user holding Contributor on rg-2 */
const withUser = (permissions: string[], userPrincipalName = "dev@contoso.example") =>
  tenant(permissions, (builder) =>
    builder
      .principal("dev", "User", { userPrincipalName })
      .assign(ROLE.contributor, "dev", RG2, { principalType: "User" }),
  );

/** `permissions` held by `automation`, and `ops`, a group (role-assignable or not) holding Contributor on rg-2 */
const withGroup = (permissions: string[], assignable: boolean) =>
  tenant(permissions, (builder) => {
    builder.group("ops", []).assign(ROLE.contributor, "ops", RG2, { principalType: "Group" });
    const ops = builder.model.principals.find((principal) => principal.id === "ops");
    if (ops && assignable) ops.isAssignableToRole = true;
  });

const labels = (model: TenantModel) => {
  const [path, ...rest] = checkedPathsInto(model, CLUSTER2, "olga");
  expect(rest).toEqual([]);
  return path ? path.path.map((step) => step.label) : [];
};

describe("Microsoft Graph application permissions", () => {
  it("RoleManagement.ReadWrite.Directory: assigns itself Global Administrator, who elevates access", () => {
    const model = tenant(["RoleManagement.ReadWrite.Directory"]);
    expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga"))).toEqual(["cluster-admin in 3"]);
    expect(labels(model)).toEqual(
      expect.arrayContaining([
        `signs in as service principal ${AUTOMATION}`,
        "Microsoft Graph application permission RoleManagement.ReadWrite.Directory",
        "assigns itself the directory role Global Administrator",
      ]),
    );
  });

  it("RoleAssignmentSchedule.ReadWrite.Directory: assigns itself Global Administrator through PIM, if the role's settings let it", () => {
    // rbacapplication-post-roleassignmentschedulerequests: Application | RoleAssignmentSchedule.ReadWrite.Directory;
    // action adminAssign, "For administrators to assign roles to users or groups" (directoryScopeId "/").
    const model = tenant(["RoleAssignmentSchedule.ReadWrite.Directory"]);
    expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga"))).toEqual([
      "cluster-admin in 3 (conditional)",
    ]);
    expect(labels(model)).toEqual(
      expect.arrayContaining([
        "Microsoft Graph application permission RoleAssignmentSchedule.ReadWrite.Directory",
        "assigns itself the directory role Global Administrator through a PIM assignment request, if the role's PIM settings let it",
      ]),
    );
  });

  it("AppRoleAssignment.ReadWrite.All: grants itself RoleManagement.ReadWrite.Directory first", () => {
    const model = tenant(["AppRoleAssignment.ReadWrite.All"]);
    expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga"))).toEqual(["cluster-admin in 3"]);
    expect(labels(model)).toEqual(
      expect.arrayContaining([
        "Microsoft Graph application permission AppRoleAssignment.ReadWrite.All",
        "grants itself Microsoft Graph's RoleManagement.ReadWrite.Directory",
      ]),
    );
  });

  it("Application.ReadWrite.All: adds a secret to the service principal that holds Contributor", () => {
    const model = withDeployer(["Application.ReadWrite.All"]);
    expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga"))).toEqual(["cluster-admin in 3"]);
    expect(labels(model)).toEqual(expect.arrayContaining(["adds a client secret to sp-deployer"]));
  });

  it("Directory.ReadWrite.All: adds a secret to the service principal that holds Contributor, as Application.ReadWrite.All does", () => {
    // learn.microsoft.com/graph/api/serviceprincipal-addpassword, Permissions: Application | least privileged
    // Application.ReadWrite.OwnedBy | higher privileged Application.ReadWrite.All, Directory.ReadWrite.All
    const model = withDeployer(["Directory.ReadWrite.All"]);
    expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga"))).toEqual(["cluster-admin in 3"]);
    expect(labels(model)).toEqual(
      expect.arrayContaining([
        "Microsoft Graph application permission Directory.ReadWrite.All",
        "adds a client secret to sp-deployer",
      ]),
    );
    // a permission that adds members to groups, not credentials, does not
    expect(checkedPathsInto(withDeployer(["GroupMember.ReadWrite.All"]), CLUSTER2, "olga")).toEqual([]);
  });

  it("UserAuthMethod-TAP.ReadWrite.All, UserAuthenticationMethod.ReadWrite.All: a Temporary Access Pass for the user holding Contributor, if the policy allows", () => {
    // authentication-post-temporaryaccesspassmethods: Application | UserAuthenticationMethod.ReadWrite.All (v1.0);
    // permissions table: UserAuthMethod-TAP.ReadWrite.All least privileged. The Entra roles it lists are for
    // delegated calls. Guests from another tenant (#EXT#) sign in at home: a pass here takes nothing over.
    for (const permission of ["UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"]) {
      const model = withUser([permission]);
      expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga")), permission).toEqual([
        "cluster-admin in 3 (conditional)",
      ]);
      expect(labels(model)).toEqual(
        expect.arrayContaining([
          `Microsoft Graph application permission ${permission}`,
          "creates a Temporary Access Pass for user dev, if the tenant's policy lets the user sign in with one",
          "signs in as user dev",
        ]),
      );
    }
    const guest = withUser(["UserAuthMethod-TAP.ReadWrite.All"], "dev_fabrikam.example#EXT#@contoso.example");
    expect(checkedPathsInto(guest, CLUSTER2, "olga")).toEqual([]);
    // the permission that adds secrets to service principals creates no pass
    expect(checkedPathsInto(withUser(["Application.ReadWrite.All"]), CLUSTER2, "olga")).toEqual([]);
  });

  it("GroupMember.ReadWrite.All: adds itself to a group holding Contributor, unless the group is role-assignable", () => {
    const groupMemberWrite = (assignable: boolean) => withGroup(["GroupMember.ReadWrite.All"], assignable);
    expect(pathSummary(checkedPathsInto(groupMemberWrite(false), CLUSTER2, "olga"))).toEqual([
      "cluster-admin in 3",
    ]);
    expect(labels(groupMemberWrite(false))).toEqual(
      expect.arrayContaining(["adds itself to group ops (not role-assignable)"]),
    );
    expect(checkedPathsInto(groupMemberWrite(true), CLUSTER2, "olga")).toEqual([]);
  });

  it("PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup: an active PIM for Groups membership of the group holding Contributor, if the group's settings let it", () => {
    // privilegedaccessgroup-post-assignmentschedulerequests: Application | PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup
    // (the Entra roles it lists, Privileged Role Administrator for role-assignable groups, are for delegated calls)
    for (const assignable of [false, true]) {
      const model = withGroup(["PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup"], assignable);
      expect(pathSummary(checkedPathsInto(model, CLUSTER2, "olga")), `role-assignable ${assignable}`).toEqual(
        ["cluster-admin in 3 (conditional)"],
      );
      expect(labels(model)).toEqual(
        expect.arrayContaining([
          "Microsoft Graph application permission PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
          "makes itself an active member of group ops through a PIM for Groups assignment request, if the group's PIM settings let it",
        ]),
      );
    }
  });

  it("without a permission that leads somewhere, owning the service principal gives Olga nothing", () => {
    expect(checkedPathsInto(tenant([]), CLUSTER2, "olga")).toEqual([]);
  });
});

// The finding that names the directory privileges leading to a cluster reports Graph permissions as it does
// roles: the permission named, the path shown, one step lower when the route holds only under a condition.
describe("directory-role-reaches-clusters on Microsoft Graph application permissions", () => {
  const findingsOf = (model: TenantModel) => {
    const rule = FINDING_RULES.find((candidate) => candidate.id === "directory-role-reaches-clusters");
    if (!rule) throw new Error("rule missing");
    return evaluateFindings(model, undefined, { rules: [rule] }).filter(
      (finding) => finding.cluster.id === CLUSTER2 && finding.status === "fail",
    );
  };
  const subject = (finding: { evidence: { objects: { id: string }[] } }) => finding.evidence.objects[0]?.id;

  it("names the permission for the service principal that holds it and for its owner", () => {
    const findings = findingsOf(tenant(["RoleManagement.ReadWrite.Directory"]));
    expect(findings.map(subject).sort()).toEqual(["olga", AUTOMATION].sort());
    const olga = findings.find((finding) => subject(finding) === "olga");
    expect(olga?.severity).toBe("high");
    expect(olga?.evidence.summary).toMatch(
      /^olga can become cluster-admin on .+ in 3 steps through Microsoft Graph application permission RoleManagement\.ReadWrite\.Directory: /,
    );
    expect(olga?.evidence.objects.map((object) => object.kind)).toEqual([
      "principal",
      "graphAppRoleAssignment",
      "cluster",
    ]);
  });

  it("one step lower when the route holds under a condition the scan could not check (a Temporary Access Pass)", () => {
    const model = withUser(["UserAuthMethod-TAP.ReadWrite.All"]);
    const olga = findingsOf(model).find((finding) => subject(finding) === "olga");
    expect(olga?.severity).toBe("medium");
    expect(olga?.evidence.summary).toContain("under a condition the scan could not check");
  });
});
