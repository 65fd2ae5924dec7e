import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch } from "@/lib/access/attack-paths";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { UNIT_IDS, withAdministrativeUnits } from "@/lib/emulator/test-fixtures/administrative-units";
import { ENTRA_IDS as ids } from "@/lib/emulator/test-fixtures/entra-section";
import {
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { ADMINISTRATIVE_UNITS_SOURCE } from "@/lib/model/directory";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// Graph v1.0 administrative units served by the emulator and read by the scanner through the official
// Graph client. Shapes and permissions: microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/api/
// directory-list-administrativeunits.md (GET /directory/administrativeUnits; AdministrativeUnit.Read.All,
// Directory.Read.All, …), administrativeunit-list-members.md (GET /directory/administrativeUnits/{id}/members:
// users, groups or devices; "To list the members of a hidden membership in an administrative unit, the
// Member.Read.Hidden permission is also required"), resources/administrativeunit.md.

type Page = { value: Record<string, unknown>[]; "@odata.nextLink"?: string };

async function tenant(): Promise<TenantFile> {
  return withAdministrativeUnits(await readTenantFile(smallTenantPath));
}

async function graphFor(running: TestEmulator) {
  return emulatorGraphClient(
    running.emulator,
    emulatorCredential(running.emulator, running.emulator.scannerCredential),
  );
}

async function collect(running: TestEmulator): Promise<CollectResult> {
  return collectTenant(scanTargetForEmulator(running.emulator), {
    pageSize: 2,
    http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
  });
}

describe("Graph administrative units (scanner with docs/permissions, page size 2)", () => {
  let running: TestEmulator;
  let graph: Awaited<ReturnType<typeof graphFor>>;
  let result: CollectResult;
  beforeAll(async () => {
    running = await startTestEmulator({ tenant: await tenant(), pageSize: 2, seed: 5 });
    graph = await graphFor(running);
    result = await collect(running);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("lists the units, paged with @odata.nextLink, in Graph's shape", async () => {
    const first = (await graph.api("/directory/administrativeUnits").get()) as Page;
    expect(first.value).toHaveLength(2);
    expect(first["@odata.nextLink"]).toMatch(
      /\/graph\/v1\.0\/directory\/administrativeUnits\?.*\$skiptoken=/,
    );
    const second = (await graph.api(first["@odata.nextLink"] as string).get()) as Page;
    const units = [...first.value, ...second.value];
    expect(units.map((unit) => unit.displayName)).toEqual([
      "Platform",
      "Executives",
      "Contractors",
      "Sandbox",
    ]);
    expect(units[1]).toMatchObject({ id: UNIT_IDS.executives, isMemberManagementRestricted: true });
    expect(units[2]).toMatchObject({
      membershipType: "Dynamic",
      membershipRule: '(user.department -eq "Contracting")',
      membershipRuleProcessingState: "On",
    });
  });

  it("lists a unit's members as directory objects, cast to users too, and 404s an unknown unit", async () => {
    const members = (await graph
      .api(`/directory/administrativeUnits/${UNIT_IDS.platform}/members`)
      .get()) as Page;
    expect(members.value.map((member) => [member["@odata.type"], member.id])).toEqual([
      ["#microsoft.graph.group", ids.aksAdmins],
      ["#microsoft.graph.user", ids.olga],
    ]);
    const users = (await graph
      .api(`/directory/administrativeUnits/${UNIT_IDS.platform}/members/microsoft.graph.user`)
      .get()) as Page;
    expect(users.value.map((member) => member.id)).toEqual([ids.olga]);
    await expect(
      graph.api("/directory/administrativeUnits/0000eeee-0000-4000-8000-0000000000ff/members").get(),
    ).rejects.toMatchObject({ statusCode: 404, code: "Request_ResourceNotFound" });
  });

  it("the scanner reads the units that matter with their members, and covers the source completely", () => {
    expect(result.model.administrativeUnits).toEqual([
      { id: UNIT_IDS.platform, displayName: "Platform", memberIds: [ids.aksAdmins, ids.olga].sort() },
      {
        id: UNIT_IDS.executives,
        displayName: "Executives",
        memberIds: [ids.jet],
        isMemberManagementRestricted: true,
      },
      {
        id: UNIT_IDS.contractors,
        displayName: "Contractors",
        memberIds: [ids.penny],
        membershipType: "Dynamic",
      },
    ]);
    expect(result.model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toEqual({ status: "complete" });
    expect(result.model.coverage.directory).toEqual({ status: "complete" });
    expect(
      (result.model.directoryRoleAssignments ?? []).find((role) => role.principalId === ids.faye),
    ).toMatchObject({ directoryScopeId: `/administrativeUnits/${UNIT_IDS.platform}` });
  });

  it("and the engine gives Faye, Groups Administrator at Platform's scope, the edge into aks-admins", () => {
    expect(labelsInto(result, ids.aksAdmins, ids.faye)).toContainEqual([
      "directory role Groups Administrator at administrative unit Platform",
      "adds itself to group aks-admins (a member of administrative unit Platform, not role-assignable)",
      "member of aks-admins",
    ]);
  });
});

function labelsInto(result: CollectResult, principalId: string, from: string): string[][] {
  return new AttackPathSearch(buildAccessIndex(result.model)).edges
    .predecessors(`p:${principalId}`)
    .filter((edge) => edge.from === `p:${from}`)
    .map((edge) => edge.steps.map((step) => step.label));
}

describe("a scanner refused administrative units (no AdministrativeUnit.Read.All nor Directory.Read.All)", () => {
  let running: TestEmulator;
  let result: CollectResult;
  const permissions = [
    "User.Read.All",
    "GroupMember.Read.All",
    "Application.Read.All",
    "RoleManagement.Read.Directory",
    "RoleEligibilitySchedule.Read.Directory",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
  ];
  beforeAll(async () => {
    running = await startTestEmulator({
      tenant: await tenant(),
      pageSize: 2,
      seed: 5,
      scannerGraphPermissions: permissions,
    });
    result = await collect(running);
  });
  afterAll(async () => {
    await running?.stop();
  });

  // (Without Directory.Read.All the directory itself is partial too: directoryObjects/getByIds needs it,
  // docs/scanner.md. What the engine makes of an unread unit: lib/access/directory-administrative-units.test.ts.)
  it("gets 403 from Graph, and the unit source is not read (not: no units)", async () => {
    const graph = await graphFor(running);
    await expect(graph.api("/directory/administrativeUnits").get()).rejects.toMatchObject({
      statusCode: 403,
      code: "Authorization_RequestDenied",
    });
    expect(result.model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toMatchObject({
      status: "not-read",
      reason: expect.stringContaining("Authorization_RequestDenied"),
    });
    expect(result.model.administrativeUnits).toEqual([]);
    expect(result.errors).toContainEqual(
      expect.objectContaining({ source: ADMINISTRATIVE_UNITS_SOURCE, code: "Authorization_RequestDenied" }),
    );
  });
});

describe("a unit with hidden membership", () => {
  const hiddenTenant = async () => {
    const hidden = await tenant();
    const units = hidden.entra?.administrativeUnits ?? [];
    units[0] = { ...units[0], visibility: "HiddenMembership" };
    return hidden;
  };

  it("is read whole with the documented permissions (docs/permissions lists Member.Read.Hidden)", async () => {
    const running = await startTestEmulator({ tenant: await hiddenTenant(), pageSize: 2, seed: 5 });
    try {
      const result = await collect(running);
      expect(result.model.administrativeUnits?.map((unit) => unit.displayName).sort()).toEqual([
        "Contractors",
        "Executives",
        "Platform",
      ]);
      expect(result.model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toMatchObject({ status: "complete" });
    } finally {
      await running.stop();
    }
  });

  it("needs Member.Read.Hidden for its members: without it that unit alone is missing and the source partial", async () => {
    const documented = JSON.parse(
      await readFile(
        new URL("../../docs/permissions/microsoft-graph-permissions.json", import.meta.url),
        "utf8",
      ),
    ) as { applicationPermissions: string[] };
    const running = await startTestEmulator({
      tenant: await hiddenTenant(),
      pageSize: 2,
      seed: 5,
      scannerGraphPermissions: documented.applicationPermissions.filter(
        (name) => name !== "Member.Read.Hidden",
      ),
    });
    try {
      const result = await collect(running);
      expect(result.model.administrativeUnits?.map((unit) => unit.displayName)).toEqual([
        "Executives",
        "Contractors",
      ]);
      expect(result.model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toMatchObject({
        status: "partial",
        reason: expect.stringContaining("Authorization_RequestDenied"),
      });
      expect(result.errors).toContainEqual(
        expect.objectContaining({
          source: ADMINISTRATIVE_UNITS_SOURCE,
          message: expect.stringContaining(`reading the members of administrative unit ${UNIT_IDS.platform}`),
        }),
      );
    } finally {
      await running.stop();
    }
  });
});
