import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AKS3,
  FAYE,
  JET,
  PENNY,
  PENNY_RG1_ASSIGNMENT,
  RG2,
  SUB,
  TIME_BOUND_END,
  withPimAndDeny,
} from "@/lib/emulator/test-fixtures/pim-deny";
import {
  ARM_SCOPE,
  armClientOptions,
  emulatorCredential,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// PIM for Azure resources and deny assignments as ARM serves them. Wire shapes and filters from
// azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/
// stable/2020-10-01/RoleEligibilityScheduleInstance.json, RoleAssignmentScheduleInstance.json (and
// their examples GetRoleEligibilityScheduleInstancesByScope.json, GetRoleAssignmentScheduleInstancesByScope.json),
// stable/2022-04-01/authorization-DenyAssignmentCalls.json (example GetDenyAssignmentByScope.json).
// The licensing error as Azure answers it for a tenant without Entra ID P2:
// JulianHayward/Azure-MG-Sub-Governance-Reporting#114 (400 AadPremiumLicenseRequired,
// "The tenant needs an AAD Premium 2 license.").

let licensed: TestEmulator;
let unlicensed: TestEmulator;
const dispatchers = new Map<TestEmulator, Agent>();

beforeAll(async () => {
  const tenant = await readTenantFile(smallTenantPath);
  [licensed, unlicensed] = await Promise.all([
    startTestEmulator({ tenant: withPimAndDeny(tenant), pageSize: 1 }),
    startTestEmulator({ tenant: withPimAndDeny(tenant, false), pageSize: 2 }),
  ]);
  for (const running of [licensed, unlicensed])
    dispatchers.set(running, new Agent({ connect: { ca: running.emulator.caPem } }));
});

afterAll(async () => {
  await Promise.all([licensed?.stop(), unlicensed?.stop()]);
  await Promise.all([...dispatchers.values()].map((agent) => agent.close()));
});

async function armGet(running: TestEmulator, pathAndQuery: string, principal?: string) {
  const token = await running.emulator.issueToken(principal ?? running.emulator.scanner.objectId, ARM_SCOPE);
  const url = pathAndQuery.startsWith("https:")
    ? pathAndQuery
    : `${running.emulator.armEndpoint}${pathAndQuery}`;
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: dispatchers.get(running),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function client(running: TestEmulator) {
  const credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
  return new AuthorizationManagementClient(
    credential,
    SUB.split("/")[2],
    armClientOptions(running.emulator, 0),
  );
}

describe("roleEligibilityScheduleInstances", () => {
  it("serves the wire shape at the subscription (at, above and below the scope), paged by nextLink", async () => {
    const first = await armGet(
      licensed,
      `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01`,
    );
    expect(first.status).toBe(200);
    expect(typeof first.body.nextLink).toBe("string");
    const second = await armGet(licensed, first.body.nextLink as string);
    expect(second.body.nextLink).toBeUndefined();
    const value = [...(first.body.value as unknown[]), ...(second.body.value as unknown[])] as {
      id: string;
      type: string;
      properties: Record<string, unknown>;
    }[];
    // the cluster-scoped one below the subscription included
    expect(value.map((item) => item.properties.scope).sort()).toEqual([SUB, AKS3].sort());
    const jet = value.find((item) => item.properties.principalId === JET);
    expect(jet).toMatchObject({
      type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
      properties: { principalType: "User", memberType: "Direct", status: "Provisioned", endDateTime: null },
    });
  });

  it("atScope() keeps only what is at or above the scope; asTarget() the caller's own", async () => {
    const atScope = await armGet(
      licensed,
      `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$filter=atScope()`,
    );
    expect(
      (atScope.body.value as { properties: { scope: string } }[]).map((item) => item.properties.scope),
    ).toEqual([SUB]);
    // Jet reads his own eligibility at the root without a role there (PIM's "My roles").
    const mine = await armGet(
      licensed,
      "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$filter=asTarget()",
      JET,
    );
    expect(mine.status).toBe(200);
    expect(
      (mine.body.value as { properties: { scope: string } }[]).map((item) => item.properties.scope),
    ).toEqual([AKS3]);
    // Faye reads no Microsoft.Authorization data anywhere: the list is refused as ARM refuses it.
    const notMine = await armGet(
      licensed,
      "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01",
      FAYE,
    );
    expect(notMine.status).toBe(403);
    expect(notMine.body).toMatchObject({ error: { code: "AuthorizationFailed" } });
  });

  it("pages through the SDK (nextLink) and refuses unknown filters and api-versions", async () => {
    const pages = await collect(
      client(licensed).roleEligibilityScheduleInstances.listForScope(SUB.slice(1)).byPage(),
    );
    expect(pages.map((page) => page.length)).toEqual([1, 1]);
    const badFilter = await armGet(
      licensed,
      `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$filter=status eq 'Provisioned'`,
    );
    expect(badFilter).toMatchObject({ status: 400, body: { error: { code: "InvalidFilterInQueryString" } } });
    const badVersion = await armGet(
      licensed,
      `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2015-07-01`,
    );
    expect(badVersion).toMatchObject({
      status: 400,
      body: { error: { code: "InvalidApiVersionParameter" } },
    });
  });
});

describe("roleAssignmentScheduleInstances", () => {
  it("serves time-bound instances from the file and a permanent Assigned instance for every other assignment", async () => {
    const instances = await collect(
      client(licensed).roleAssignmentScheduleInstances.listForScope(SUB.slice(1)),
    );
    const tenant = licensed.tenant;
    // the file's assignments and the scanner's own, provisioned by the emulator
    expect(instances).toHaveLength(tenant.roleAssignments.length + 1);
    const timeBound = instances.filter((instance) => instance.endDateTime);
    expect(timeBound).toHaveLength(1);
    expect(timeBound[0]).toMatchObject({
      assignmentType: "Assigned",
      principalId: PENNY,
      originRoleAssignmentId: PENNY_RG1_ASSIGNMENT,
    });
    expect(timeBound[0].endDateTime?.toISOString()).toBe(new Date(TIME_BOUND_END).toISOString());
    const permanent = instances.find((instance) => instance.originRoleAssignmentId?.endsWith("000000000012"));
    expect(permanent).toMatchObject({
      assignmentType: "Assigned",
      memberType: "Direct",
      status: "Provisioned",
    });
    expect(permanent?.endDateTime ?? null).toBeNull();
  });
});

describe("denyAssignments", () => {
  it("serves principals, excludePrincipals, doNotApplyToChildScopes and isSystemProtected", async () => {
    const { status, body } = await armGet(
      licensed,
      `${SUB}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`,
    );
    expect(status).toBe(200);
    expect(body.value).toEqual([
      expect.objectContaining({
        type: "Microsoft.Authorization/denyAssignments",
        properties: expect.objectContaining({
          scope: RG2,
          doNotApplyToChildScopes: false,
          isSystemProtected: true,
          principals: [{ id: "00000000-0000-0000-0000-000000000000", type: "SystemDefined" }],
          // The fixture denies the admin credential by both of its routes (test-fixtures/pim-deny.ts).
          permissions: [
            expect.objectContaining({
              actions: [
                "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
                "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
              ],
            }),
          ],
        }),
      }),
    ]);
    // The SDK reads it (and atScope() at the subscription sees nothing below it).
    const sdk = await collect(client(licensed).denyAssignments.listForScope(`${RG2.slice(1)}`));
    expect(sdk.map((deny) => deny.denyAssignmentName)).toEqual([
      "No static admin credentials on rsg-aksIdentityState2",
    ]);
    const above = await collect(
      client(licensed).denyAssignments.listForScope(SUB.slice(1), { filter: "atScope()" }),
    );
    expect(above).toEqual([]);
  });

  it("does not depend on the PIM licence", async () => {
    const { status } = await armGet(
      unlicensed,
      `${SUB}/providers/Microsoft.Authorization/denyAssignments?api-version=2022-04-01`,
    );
    expect(status).toBe(200);
  });
});

describe("a tenant without Microsoft Entra ID P2", () => {
  it("answers the PIM lists with 400 AadPremiumLicenseRequired, as Azure does", async () => {
    for (const collection of ["roleEligibilityScheduleInstances", "roleAssignmentScheduleInstances"]) {
      const { status, body } = await armGet(
        unlicensed,
        `${SUB}/providers/Microsoft.Authorization/${collection}?api-version=2020-10-01`,
      );
      expect(status).toBe(400);
      expect(body).toEqual({
        error: { code: "AadPremiumLicenseRequired", message: "The tenant needs an AAD Premium 2 license." },
      });
    }
    const failure = await collect(
      client(unlicensed).roleEligibilityScheduleInstances.listForScope(SUB.slice(1)),
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ statusCode: 400, code: "AadPremiumLicenseRequired" });
  });
});
