import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emulatorCredential,
  emulatorGraphClient,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";

// Graph checks application permissions the way Graph does, so the documented alternative to
// Directory.Read.All (docs/permissions/README.md) is tested for what it can and cannot do.
const PENNY = "0000bbbb-0000-4000-8000-000000000004";
const ADMINS = "0000bbbb-0000-4000-8000-000000000011";

describe.each([
  [
    "the least-privilege alternative",
    ["User.Read.All", "GroupMember.Read.All", "Application.Read.All"],
    false,
  ],
  ["no Graph permission at all", [] as string[], true],
])("a scanner granted %s", (_name, permissions, deniedEverything) => {
  let running: TestEmulator;
  beforeAll(async () => {
    running = await startTestEmulator({ scannerGraphPermissions: permissions });
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("cannot use getByIds, which needs Directory.Read.All", async () => {
    const graph = emulatorGraphClient(
      running.emulator,
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
    );
    await expect(graph.api("/directoryObjects/getByIds").post({ ids: [PENNY] })).rejects.toMatchObject({
      statusCode: 403,
      code: "Authorization_RequestDenied",
    });
  });

  it(
    deniedEverything
      ? "cannot read users or memberships either"
      : "reads users, groups and transitive members one by one",
    async () => {
      const graph = emulatorGraphClient(
        running.emulator,
        emulatorCredential(running.emulator, running.emulator.scannerCredential),
      );
      const user = graph.api(`/users/${PENNY}`).get();
      const members = graph.api(`/groups/${ADMINS}/transitiveMembers`).get();
      if (deniedEverything) {
        await expect(user).rejects.toMatchObject({ statusCode: 403 });
        await expect(members).rejects.toMatchObject({ statusCode: 403 });
      } else {
        expect((await user).userPrincipalName).toBe("penny@contoso.example");
        expect(((await members) as { value: unknown[] }).value.length).toBeGreaterThan(0);
      }
    },
  );
});
