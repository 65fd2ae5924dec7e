import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import {
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// Graph role management, PIM for Groups and owners, read through the official Graph client as the
// scanner. Shapes: microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/api/
// rbacapplication-list-roleassignments.md, rbacapplication-list-roleeligibilityscheduleinstances.md,
// privilegedaccessgroup-list-eligibilityscheduleinstances.md, group-list-owners.md.

type Page = { value: Record<string, unknown>[]; "@odata.nextLink"?: string };

async function start(license: "P2" | "P1" = "P2", scannerGraphPermissions?: string[]) {
  const tenant = withEntraSection(await readTenantFile(smallTenantPath), license);
  const running = await startTestEmulator({
    tenant,
    ...(scannerGraphPermissions ? { scannerGraphPermissions } : {}),
  });
  const graph = emulatorGraphClient(
    running.emulator,
    emulatorCredential(running.emulator, running.emulator.scannerCredential),
  );
  return { running, graph };
}

describe("Graph governance endpoints (P2 tenant, scanner with docs/permissions)", () => {
  let running: TestEmulator;
  let graph: Awaited<ReturnType<typeof start>>["graph"];
  beforeAll(async () => {
    ({ running, graph } = await start());
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("lists role assignments by role with the principal expanded", async () => {
    const page = (await graph
      .api("/roleManagement/directory/roleAssignments")
      .filter(`roleDefinitionId eq '${DIRECTORY_ROLE_TEMPLATES.globalAdministrator}'`)
      .expand("principal")
      .get()) as Page;
    expect(page.value).toHaveLength(1);
    expect(page.value[0]).toMatchObject({
      principalId: ids.leonard,
      directoryScopeId: "/",
      roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
      principal: { "@odata.type": "#microsoft.graph.user", id: ids.leonard, displayName: "Leonard" },
    });
  });

  it("pages every list with @odata.nextLink (page size 2)", async () => {
    const first = (await graph.api("/roleManagement/directory/roleDefinitions").get()) as Page;
    expect(first.value).toHaveLength(2);
    const seen = [...first.value];
    let next = first["@odata.nextLink"];
    while (next) {
      const page = (await graph.api(next).get()) as Page;
      seen.push(...page.value);
      next = page["@odata.nextLink"];
    }
    expect(seen.map((role) => role.displayName)).toContain("Privileged Role Administrator");
    expect(seen).toHaveLength(Object.keys(DIRECTORY_ROLE_TEMPLATES).length);
  });

  it("lists eligible directory roles", async () => {
    const page = (await graph
      .api("/roleManagement/directory/roleEligibilityScheduleInstances")
      .get()) as Page;
    expect(page.value).toEqual([
      expect.objectContaining({
        principalId: ids.penny,
        roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.applicationAdministrator,
        endDateTime: null,
        memberType: "Direct",
      }),
    ]);
  });

  it("PIM for Groups needs a filter on groupId or principalId and answers member and owner eligibility", async () => {
    await expect(
      graph.api("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances").get(),
    ).rejects.toMatchObject({ statusCode: 400 });
    const page = (await graph
      .api("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances")
      .filter(`groupId eq '${ids.aksAdmins}'`)
      .get()) as Page;
    expect(page.value).toEqual([
      expect.objectContaining({
        groupId: ids.aksAdmins,
        principalId: ids.jet,
        accessId: "member",
        endDateTime: "2030-01-01T00:00:00Z",
      }),
    ]);
    expect(String(page.value[0].id)).toMatch(new RegExp(`^${ids.aksAdmins}_member_`));
  });

  it("lists the owners of groups, service principals and applications (by object id and by appId)", async () => {
    const group = (await graph.api(`/groups/${ids.aksAdmins}/owners`).get()) as Page;
    expect(group.value).toEqual([
      expect.objectContaining({ id: ids.faye, "@odata.type": "#microsoft.graph.user" }),
    ]);
    const servicePrincipal = (await graph.api(`/servicePrincipals/${ids.ciDeployer}/owners`).get()) as Page;
    expect(servicePrincipal.value.map((owner) => owner.id)).toEqual([ids.penny]);
    const byAppId = (await graph.api(`/applications(appId='${ids.ciDeployerAppId}')/owners`).get()) as Page;
    expect(byAppId.value.map((owner) => owner.id)).toEqual([ids.olga]);
    const byId = (await graph.api(`/applications/${ids.ciDeployerApplication}/owners`).get()) as Page;
    expect(byId.value.map((owner) => owner.id)).toEqual([ids.olga]);
    await expect(graph.api(`/applications(appId='${ids.faye}')/owners`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
    await expect(graph.api(`/groups/${ids.faye}/owners`).get()).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("a tenant without Entra ID P2", () => {
  let running: TestEmulator;
  let graph: Awaited<ReturnType<typeof start>>["graph"];
  beforeAll(async () => {
    ({ running, graph } = await start("P1"));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("refuses the PIM endpoints with AadPremiumLicenseRequired and still serves role assignments", async () => {
    await expect(
      graph.api("/roleManagement/directory/roleEligibilityScheduleInstances").get(),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "AadPremiumLicenseRequired",
    });
    await expect(
      graph
        .api("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances")
        .filter(`groupId eq '${ids.aksAdmins}'`)
        .get(),
    ).rejects.toMatchObject({ statusCode: 400, code: "AadPremiumLicenseRequired" });
    const page = (await graph.api("/roleManagement/directory/roleAssignments").get()) as Page;
    expect(page.value.length).toBeGreaterThan(0);
  });
});

describe("a scanner without the PIM permissions", () => {
  let running: TestEmulator;
  let graph: Awaited<ReturnType<typeof start>>["graph"];
  beforeAll(async () => {
    ({ running, graph } = await start("P2", ["Directory.Read.All"]));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("reads role assignments and owners with Directory.Read.All but is denied eligibility", async () => {
    await graph.api("/roleManagement/directory/roleAssignments").get();
    await graph.api(`/groups/${ids.aksAdmins}/owners`).get();
    for (const path of [
      "/roleManagement/directory/roleEligibilityScheduleInstances",
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '${ids.aksAdmins}'`,
    ]) {
      await expect(graph.api(path).get()).rejects.toMatchObject({
        statusCode: 403,
        code: "Authorization_RequestDenied",
      });
    }
  });
});

describe("the tenant file's entra section", () => {
  it("names the JSON path of each malformed or dangling entry", async () => {
    const tenant = withEntraSection(await readTenantFile(smallTenantPath));
    const broken = JSON.parse(JSON.stringify(tenant)) as Record<string, { [key: string]: unknown[] }>;
    (broken.entra.groupEligibilities[0] as Record<string, unknown>).accessId = "admin";
    expect(validateTenantFile(broken).errors).toEqual([
      expect.objectContaining({ path: "$.entra.groupEligibilities[0].accessId" }),
    ]);
    const dangling = JSON.parse(JSON.stringify(tenant)) as Record<string, { [key: string]: unknown[] }>;
    (dangling.entra.groupEligibilities[1] as Record<string, unknown>).groupId = ids.faye;
    (dangling.entra.owners[0] as Record<string, unknown>).ownerIds = [ids.sreOncall];
    (dangling.entra.roleAssignments[1] as Record<string, unknown>).principalId = ids.sreOncall;
    const result = validateTenantFile(dangling);
    expect(result.errors.map((error) => error.path).sort()).toEqual([
      "$.entra.groupEligibilities[1].groupId",
      "$.entra.owners[0].ownerIds[0]",
      "$.entra.roleAssignments[1].principalId",
    ]);
  });
});
