import { describe, expect, it } from "vitest";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import smallTenant from "@/lib/emulator/test-fixtures/small-tenant.json";
import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

// "The scope of /foo means the principal can manage that Microsoft Entra object itself" (learn.microsoft.com/
// entra/identity/role-based-access-control/assign-roles-different-scopes): an Application Administrator scoped
// to an application registration adds a secret to it, and signs in as its service principal — whether or not
// the application has owners. The model knew an application (object id → app id) only from its owners entry,
// so with no owner the scoped role found nothing: a missed path.

function tenantWithUnownedApplication(): TenantFile {
  const tenant = withEntraSection(parseTenantFile(JSON.parse(JSON.stringify(smallTenant))));
  const entra = tenant.entra as NonNullable<TenantFile["entra"]>;
  tenant.entra = {
    ...entra,
    roleAssignments: [
      {
        principalId: ids.faye,
        roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.applicationAdministrator,
        directoryScopeId: `/${ids.ciDeployerApplication}`,
      },
    ],
    roleEligibilities: [],
    groupEligibilities: [],
    // ci-deployer's application is listed (entra.applications), with no owners entry; nor is anything else
    // owned, so the scoped role is Faye's only way in
    owners: [],
  };
  return tenant;
}

describe("an application with no owner", () => {
  it("is still in the model, with an empty owner list", () => {
    const model = modelFromTenantFile(tenantWithUnownedApplication());
    expect(model.directoryOwners).toContainEqual({
      objectId: ids.ciDeployerApplication,
      objectKind: "Application",
      appId: ids.ciDeployerAppId,
      displayName: "ci-deployer",
      ownerIds: [],
    });
  });

  it("an Application Administrator scoped to it still signs in as its service principal", () => {
    const model = modelFromTenantFile(tenantWithUnownedApplication());
    const paths = [...iterateAttackPaths(model)].flatMap(({ paths }) => paths);
    const faye = paths.find((path) => path.principal.id === ids.faye && path.level === "cluster-admin");
    expect(faye?.path.map((step) => step.label)).toContain("signs in as service principal ci-deployer");
  });
});
