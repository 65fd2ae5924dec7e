import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import { SUB, withPimAndDeny } from "@/lib/emulator/test-fixtures/pim-deny";
import {
  armClientOptions,
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// PIM's schedule *instances* are what is in effect now: a window that has not opened is only a schedule, one
// that has closed is gone (learn.microsoft.com/rest/api/authorization/role-eligibility-schedule-instances;
// graph/api/resources/privilegedidentitymanagementv3-overview, "instances … the current state"). The
// emulator served every window of the tenant file, so a scan reported an eligibility that had ended, or not
// begun, as access someone holds (lib/emulator/schedule-window.ts).

const DAY = 86_400_000;
const past = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const future = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** The fixture's PIM, plus one eligibility of each kind that has ended and one that has not begun. */
function withClosedWindows(tenant: TenantFile): TenantFile {
  const copy = withPimAndDeny(withEntraSection(tenant, "P2"));
  const [open] = copy.roleEligibilityScheduleInstances;
  const arm = (name: string, startDateTime: string, endDateTime: string) => ({
    ...open,
    id: open.id.replace(open.name, name),
    name,
    properties: { ...open.properties, startDateTime, endDateTime },
  });
  copy.roleEligibilityScheduleInstances.push(
    arm("7a1f0c3e-0000-4000-8000-0000000000e1", past(30), past(1)),
    arm("7a1f0c3e-0000-4000-8000-0000000000f1", future(1), future(30)),
  );
  const entra = copy.entra;
  if (!entra) throw new Error("the Entra section is missing");
  entra.roleEligibilities?.push(
    {
      principalId: ids.jet,
      roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
      directoryScopeId: "/",
      startDateTime: past(30),
      endDateTime: past(1),
    },
    {
      principalId: ids.faye,
      roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
      directoryScopeId: "/",
      startDateTime: future(1),
      endDateTime: null,
    },
  );
  entra.groupEligibilities?.push(
    {
      groupId: ids.aksAdmins,
      principalId: ids.faye,
      accessId: "member",
      startDateTime: past(9),
      endDateTime: past(1),
    },
    {
      groupId: ids.aksAdmins,
      principalId: ids.penny,
      accessId: "owner",
      startDateTime: future(2),
      endDateTime: null,
    },
  );
  return copy;
}

let running: TestEmulator;
beforeAll(async () => {
  running = await startTestEmulator({ tenant: withClosedWindows(await readTenantFile(smallTenantPath)) });
});
afterAll(async () => {
  await running?.stop();
});

type Page = { value: Record<string, unknown>[] };

describe("schedule instances are only the windows open now", () => {
  it("ARM roleEligibilityScheduleInstances leaves out the ended and the future eligibility", async () => {
    const client = new AuthorizationManagementClient(
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
      SUB.split("/")[2],
      armClientOptions(running.emulator, 0),
    );
    const names: string[] = [];
    for await (const instance of client.roleEligibilityScheduleInstances.listForScope(SUB.slice(1)))
      names.push(String(instance.name));
    expect(names).toContain("7a1f0c3e-0000-4000-8000-000000000001");
    expect(names).not.toContain("7a1f0c3e-0000-4000-8000-0000000000e1");
    expect(names).not.toContain("7a1f0c3e-0000-4000-8000-0000000000f1");
  });

  it("Graph directory role and PIM for Groups eligibility instances leave them out too", async () => {
    const graph = emulatorGraphClient(
      running.emulator,
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
    );
    const roles = (await graph
      .api("/roleManagement/directory/roleEligibilityScheduleInstances")
      .get()) as Page;
    expect(roles.value.map((entry) => entry.principalId)).toEqual([ids.penny]);
    const groups = (await graph
      .api("/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances")
      .filter(`groupId eq '${ids.aksAdmins}'`)
      .get()) as Page;
    expect(groups.value.map((entry) => [entry.principalId, entry.accessId])).toEqual([[ids.jet, "member"]]);
  });
});
