import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import {
  applicationPrincipal,
  ENTRA_IDS as ids,
  withEntraSection,
} from "@/lib/emulator/test-fixtures/entra-section";
import {
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { MICROSOFT_GRAPH_APP_ID } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// Microsoft Graph application permissions, read as the scanner reads them: Microsoft Graph's service
// principal by its app id, then every app role granted on it (GET /servicePrincipals/{id}/appRoleAssignedTo,
// learn.microsoft.com/graph/api/serviceprincipal-list-approleassignedto; Application.Read.All), paged. Only
// the permissions that lead somewhere are kept; their holders are read like any principal governance
// names (with their owners and application). Permission ids: learn.microsoft.com/graph/permissions-reference.

const GRAPH_SP = "0000bbbb-0000-4000-8000-0000000000a0";
const AUTOMATION = "0000bbbb-0000-4000-8000-000000000041";
/** owns tenant-automation and holds nothing else */
const BERNARD = "0000bbbb-0000-4000-8000-000000000051";
const ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8";
const GROUP_MEMBER_WRITE = "dbaae8cf-10b5-4b86-a4a1-f871c94c6695";
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
/** UserAuthMethod-TAP.ReadWrite.All: creates any user's Temporary Access Pass */
const TAP_WRITE = "627169a8-8c15-451c-861a-5b80e383de5c";

async function tenantWithPermissions(): Promise<TenantFile> {
  const tenant = withEntraSection(await readTenantFile(smallTenantPath), "P2");
  const entra = tenant.entra;
  if (!entra) throw new Error("no entra section");
  tenant.principals.push(
    applicationPrincipal(GRAPH_SP, "Microsoft Graph", MICROSOFT_GRAPH_APP_ID),
    {
      id: BERNARD,
      type: "User",
      displayName: "Bernard",
      userPrincipalName: "bernard@contoso.example",
    } as TenantFile["principals"][number],
    applicationPrincipal(AUTOMATION, "tenant-automation", "0000cccc-0000-4000-8000-000000000041"),
  );
  entra.owners.push({ objectId: AUTOMATION, ownerIds: [BERNARD] });
  entra.appRoleAssignments = [
    { principalId: AUTOMATION, resourceId: GRAPH_SP, appRoleId: ROLE_MANAGEMENT },
    { principalId: ids.ciDeployer, resourceId: GRAPH_SP, appRoleId: GROUP_MEMBER_WRITE },
    { principalId: ids.ciDeployer, resourceId: GRAPH_SP, appRoleId: USER_READ_ALL },
    { principalId: ids.ciDeployer, resourceId: GRAPH_SP, appRoleId: TAP_WRITE },
  ];
  return tenant;
}

describe("Microsoft Graph application permissions", () => {
  let tenant: TenantFile;
  let running: TestEmulator;
  let result: CollectResult;
  beforeAll(async () => {
    tenant = await tenantWithPermissions();
    running = await startTestEmulator({ tenant, pageSize: 2, seed: 11 });
    result = await collectTenant(scanTargetForEmulator(running.emulator), {
      pageSize: 2,
      http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
    });
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("are read from Microsoft Graph's service principal, the ones that lead somewhere", () => {
    expect(
      (result.model.graphAppRoleAssignments ?? [])
        .map((assignment) => [assignment.principalId, assignment.permission])
        .sort(),
    ).toEqual(
      [
        [AUTOMATION, "RoleManagement.ReadWrite.Directory"],
        [ids.ciDeployer, "GroupMember.ReadWrite.All"],
        [ids.ciDeployer, "UserAuthMethod-TAP.ReadWrite.All"],
      ].sort(),
    );
    expect(result.model.coverage.directory).toEqual({ status: "complete" });
  });

  it("read their holders with their owners, as the tenant file's model has them", () => {
    expect(result.model.principals.map((principal) => principal.id)).toContain(AUTOMATION);
    expect(result.model.directoryOwners).toContainEqual(
      expect.objectContaining({ objectId: AUTOMATION, objectKind: "ServicePrincipal", ownerIds: [BERNARD] }),
    );
    expect(modelFromTenantFile(tenant).graphAppRoleAssignments).toEqual(result.model.graphAppRoleAssignments);
  });

  it("lead the holder's owner, who holds nothing else, to Global Administrator and every cluster", () => {
    const into = [...iterateAttackPaths(result.model, { maxHops: 5 })].find(
      ({ access }) => access.cluster.name === "aks-3",
    );
    const [bernard, ...rest] = into?.paths.filter((path) => path.principal.id === BERNARD) ?? [];
    expect(rest).toEqual([]);
    expect(bernard).toMatchObject({ level: "cluster-admin", hops: 3 });
    expect(bernard?.path.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        "Microsoft Graph application permission RoleManagement.ReadWrite.Directory",
        "signs in as service principal tenant-automation",
        "assigns itself the directory role Global Administrator",
      ]),
    );
  });

  it("are served in Graph's wire format, paged, by object id and by appId", async () => {
    const graph = emulatorGraphClient(
      running.emulator,
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
    );
    type Page = { value: Record<string, unknown>[]; "@odata.nextLink"?: string };
    const first = (await graph.api(`/servicePrincipals/${GRAPH_SP}/appRoleAssignedTo`).get()) as Page;
    expect(first.value).toHaveLength(2);
    const second = (await graph.api(first["@odata.nextLink"] as string).get()) as Page;
    expect([...first.value, ...second.value].map((item) => item.appRoleId).sort()).toEqual(
      [ROLE_MANAGEMENT, GROUP_MEMBER_WRITE, USER_READ_ALL, TAP_WRITE].sort(),
    );
    expect(first.value[0]).toMatchObject({
      principalType: "ServicePrincipal",
      resourceId: GRAPH_SP,
      resourceDisplayName: "Microsoft Graph",
      deletedDateTime: null,
    });
    const byAppId = (await graph
      .api(`/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')/appRoleAssignedTo`)
      .get()) as Page;
    expect(byAppId.value).toHaveLength(2);
    const held = (await graph.api(`/servicePrincipals/${AUTOMATION}/appRoleAssignments`).get()) as Page;
    expect(held.value.map((item) => item.appRoleId)).toEqual([ROLE_MANAGEMENT]);
    await expect(graph.api(`/servicePrincipals/${ids.faye}/appRoleAssignedTo`).get()).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe("the tenant file", () => {
  it("names a resource that is no service principal", async () => {
    const { validateTenantFile } = await import("@/lib/model/wire/tenant-file");
    const tenant = JSON.parse(JSON.stringify(await tenantWithPermissions()));
    tenant.entra.appRoleAssignments[0].resourceId = ids.faye;
    expect(validateTenantFile(tenant).errors).toContainEqual({
      path: "$.entra.appRoleAssignments[0].resourceId",
      message: "Faye is a User: the resource of an application permission is a service principal",
    });
  });
});
