import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import { smallTenantPath, startTestEmulator, type TestEmulator } from "@/lib/emulator/test-support";
import { DIRECTORY_ROLE_TEMPLATES, PIM_SOURCE } from "@/lib/model/directory";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// The scanner reads directory roles, PIM for Groups and owners through the Graph client, paged
// (page size 2), for the groups and service principals the scan saw; a tenant without Entra ID P2
// leaves the PIM source unread with Graph's reason and everything else complete.

async function collect(license: "P2" | "P1"): Promise<{ running: TestEmulator; result: CollectResult }> {
  const tenant = withEntraSection(await readTenantFile(smallTenantPath), license);
  const running = await startTestEmulator({ tenant, pageSize: 2, seed: 11 });
  const result = await collectTenant(scanTargetForEmulator(running.emulator), {
    pageSize: 2,
    http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
  });
  return { running, result };
}

describe("a P2 tenant", () => {
  let running: TestEmulator;
  let result: CollectResult;
  beforeAll(async () => {
    ({ running, result } = await collect("P2"));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("reads active and eligible directory roles", () => {
    expect(
      (result.model.directoryRoleAssignments ?? []).map((role) => [
        role.principalId,
        role.roleName,
        role.eligible,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [ids.leonard, "Global Administrator", false],
        [ids.olga, "Groups Administrator", false],
        [ids.penny, "Application Administrator", true],
      ]),
    );
    expect(result.model.directoryRoleAssignments).toHaveLength(3);
  });

  it("reads PIM for Groups eligibility of the admin group and of the group nested in it", () => {
    expect(result.model.groupEligibilities).toEqual([
      expect.objectContaining({ groupId: ids.aksAdmins, principalId: ids.jet, accessId: "member" }),
      expect.objectContaining({ groupId: ids.sreOncall, principalId: ids.leonard, accessId: "owner" }),
    ]);
  });

  it("reads the owners of the admin group, of the service principal holding Azure roles and of its application", () => {
    expect(result.model.directoryOwners).toEqual(
      expect.arrayContaining([
        { objectId: ids.aksAdmins, objectKind: "Group", displayName: "aks-admins", ownerIds: [ids.faye] },
        expect.objectContaining({
          objectId: ids.ciDeployer,
          objectKind: "ServicePrincipal",
          ownerIds: [ids.penny],
        }),
        expect.objectContaining({
          objectId: ids.ciDeployerApplication,
          objectKind: "Application",
          appId: ids.ciDeployerAppId,
          ownerIds: [ids.olga],
        }),
      ]),
    );
    expect(result.model.directoryOwners).toHaveLength(3);
  });

  it("resolves the principals governance names and covers the PIM source completely", () => {
    const principals = new Set(result.model.principals.map((principal) => principal.id));
    for (const id of [ids.faye, ids.leonard, ids.olga, ids.penny, ids.jet]) expect(principals).toContain(id);
    expect(result.model.coverage[PIM_SOURCE]).toEqual({ status: "complete" });
    expect(result.model.coverage.directory).toEqual({ status: "complete" });
    // (aks-3's API server is unreachable in the small tenant: a cluster error, not a directory one)
    expect(result.errors.filter((error) => error.source.startsWith("directory"))).toEqual([]);
  });
});

describe("a tenant without Entra ID P2", () => {
  let running: TestEmulator;
  let result: CollectResult;
  beforeAll(async () => {
    ({ running, result } = await collect("P1"));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("leaves only the PIM source unread, with the licensing reason, after one refused call", () => {
    expect(result.model.coverage[PIM_SOURCE]).toMatchObject({
      status: "not-read",
      reason: expect.stringContaining("AadPremiumLicenseRequired"),
    });
    expect(result.model.coverage.directory).toEqual({ status: "complete" });
    expect(result.errors.filter((error) => error.source.startsWith("directory"))).toEqual([
      expect.objectContaining({ source: PIM_SOURCE, code: "AadPremiumLicenseRequired" }),
    ]);
    expect(result.model.groupEligibilities).toEqual([]);
    expect((result.model.directoryRoleAssignments ?? []).every((role) => !role.eligible)).toBe(true);
    expect(
      (result.model.directoryRoleAssignments ?? []).some(
        (role) => role.roleDefinitionId === DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
      ),
    ).toBe(true);
  });
});

describe("an application with no owner", () => {
  // A directory role scoped to the application object (`/<object id>`) is found through the application's
  // record (lib/access/directory-edges.ts; assign-roles-different-scopes: "/foo … that object itself"), so the
  // scanner keeps it with an empty owner list instead of leaving it out.
  it("is kept, with no owner", async () => {
    const tenant = withEntraSection(await readTenantFile(smallTenantPath), "P2");
    if (tenant.entra)
      tenant.entra.owners = tenant.entra.owners.filter(
        (entry) => entry.objectId !== ids.ciDeployerApplication,
      );
    const running = await startTestEmulator({ tenant, pageSize: 2, seed: 11 });
    try {
      const result = await collectTenant(scanTargetForEmulator(running.emulator), {
        pageSize: 2,
        http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
      });
      expect(result.model.directoryOwners).toContainEqual(
        expect.objectContaining({
          objectId: ids.ciDeployerApplication,
          objectKind: "Application",
          appId: ids.ciDeployerAppId,
          ownerIds: [],
        }),
      );
    } finally {
      await running.stop();
    }
  });
});
