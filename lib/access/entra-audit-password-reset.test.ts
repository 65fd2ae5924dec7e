import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, iterateAttackPaths } from "@/lib/access/attack-paths";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import smallTenant from "@/lib/emulator/test-fixtures/small-tenant.json";
import { DIRECTORY_ROLE_TEMPLATES as ROLES } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

// "Who can reset passwords" (learn.microsoft.com/entra/identity/role-based-access-control/
// privileged-roles-permissions): Helpdesk, Password and Authentication Administrators and User Administrators
// reset the passwords of users who hold no administrator role — and then sign in as them. Members of
// role-assignable groups are protected like administrators (groups-concept). Olga is in aks-admins, aks-1's
// Entra admin group, and holds no role: whoever resets her password is cluster-admin on aks-1 (Faye holds only a kubeconfig there). The scan reads
// only some directory roles, so a reset is conditional (a role it did not read would protect her).

function tenant(options: { role: string; roleAssignableAdmins?: boolean; olgaRole?: string }): TenantFile {
  const file = withEntraSection(parseTenantFile(JSON.parse(JSON.stringify(smallTenant))));
  const entra = file.entra as NonNullable<TenantFile["entra"]>;
  file.entra = {
    ...entra,
    roleAssignments: [
      { principalId: ids.faye, roleDefinitionId: options.role, directoryScopeId: "/" },
      ...(options.olgaRole
        ? [{ principalId: ids.olga, roleDefinitionId: options.olgaRole, directoryScopeId: "/" }]
        : []),
    ],
    roleEligibilities: [],
    groupEligibilities: [],
    owners: [],
  };
  if (options.roleAssignableAdmins) {
    const admins = file.principals.find((principal) => principal.id === ids.aksAdmins) as Record<
      string,
      unknown
    > & {
      members: string[];
    };
    admins.isAssignableToRole = true;
    // role-assignable groups cannot have groups as members: sre-oncall leaves
    admins.members = admins.members.filter((member) => member !== ids.sreOncall);
  }
  return file;
}

function fayeOnAks1(file: TenantFile) {
  for (const { access, paths } of iterateAttackPaths(modelFromTenantFile(file))) {
    if (access.cluster.name !== "aks-1") continue;
    return paths.find((path) => path.principal.id === ids.faye && path.level === "cluster-admin");
  }
  return undefined;
}

/** The labels of the edges into a user's node of the attack graph that reset its password. */
function resetsInto(file: TenantFile, userId: string): string[] {
  return new AttackPathSearch(buildAccessIndex(modelFromTenantFile(file))).edges
    .predecessors(`p:${userId}`)
    .flatMap((edge) => edge.steps.map((step) => step.label))
    .filter((label) => label.startsWith("resets the password"));
}

describe("resetting a non-administrator's password", () => {
  it.each([
    ["Helpdesk Administrator", ROLES.helpdeskAdministrator],
    ["Password Administrator", ROLES.passwordAdministrator],
    ["Authentication Administrator", ROLES.authenticationAdministrator],
  ])("a %s reaches aks-1 by signing in as a user the reset can touch: conditional", (_name, role) => {
    const path = fayeOnAks1(tenant({ role }));
    expect(path?.conditional).toBe(true);
    expect(path?.path.map((step) => step.label).join(" → ")).toMatch(
      /resets the password of user \w[\w ]*, who holds no administrator role the scan read/,
    );
  });

  it("User Administrators reset them too (their shorter way in is adding themselves to the group)", () => {
    expect(resetsInto(tenant({ role: ROLES.userAdministrator }), ids.olga)).toEqual([
      "resets the password of user Olga Ops, who holds no administrator role the scan read",
    ]);
  });

  it("not the password of a user holding an administrator role, or in a role-assignable group", () => {
    expect(resetsInto(tenant({ role: ROLES.helpdeskAdministrator }), ids.olga)).toHaveLength(1);
    expect(
      resetsInto(
        tenant({ role: ROLES.helpdeskAdministrator, olgaRole: ROLES.groupsAdministrator }),
        ids.olga,
      ),
    ).toEqual([]);
    expect(
      resetsInto(tenant({ role: ROLES.helpdeskAdministrator, roleAssignableAdmins: true }), ids.olga),
    ).toEqual([]);
  });
});
