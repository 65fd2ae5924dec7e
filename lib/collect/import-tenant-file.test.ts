import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { modelFromImportedTenantFile } from "@/lib/collect/import-tenant-file";
import { DEMO_USERS } from "@/lib/emulator/demo/build-demo-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { ADMINISTRATIVE_UNITS_SOURCE, DIRECTORY_ROLE_TEMPLATES, PIM_SOURCE } from "@/lib/model/directory";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { emptyEntraSection } from "@/lib/model/wire/tenant-file-entra";

// A file's coverage.unread keys match without regard to case (docs/tenant-file.md); the model must hold
// them as the scanner spells them, since that is the key the engine reads: with administrative units
// lower-cased, the engine still saw `directory:administrativeUnits` complete and took unit-scoped
// directory roles as fully known.
describe("an imported file's unread sources", () => {
  it("are stored under the scanner's own spelling, whatever the case in the file", async () => {
    const tenant = await loadDemoTenant();
    const file = parseTenantFile({
      ...tenant,
      coverage: {
        unread: {
          "Directory:AdministrativeUnits": { status: "not-read", reason: "403 on /administrativeUnits" },
          "DIRECTORY:PIM": { status: "partial", reason: "no Entra ID P2" },
        },
      },
    });
    const { model, errors } = modelFromImportedTenantFile(file);
    expect(model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toEqual({
      status: "not-read",
      reason: "403 on /administrativeUnits",
    });
    expect(model.coverage[PIM_SOURCE]).toEqual({ status: "partial", reason: "no Entra ID P2" });
    expect(Object.keys(model.coverage).filter((key) => key.toLowerCase().startsWith("directory:"))).toEqual(
      expect.arrayContaining([ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE]),
    );
    expect(Object.keys(model.coverage)).not.toContain("directory:administrativeunits");
    expect(errors.map((error) => error.source).sort()).toEqual(
      [ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE].sort(),
    );
  });
});

// What the offline collectors write when one unit's members could not be read (docs/scanner.md, "Offline
// collection"): the list without that unit, and `directory:administrativeUnits` partial. The roles scoped to
// the unit left out must stay conditional paths through anyone who may be its member, never "manages no
// one" (a false "nobody"), while the units listed keep their exact members.
describe("a file whose unit list lacks a unit it could not read", () => {
  const READ_UNIT = "a0000000-0000-0000-0000-00000000a001";
  const UNREAD_UNIT = "a0000000-0000-0000-0000-00000000a002";

  /**
   * Bernadette's attack paths through the role, when she holds it over `units` and the file lists only
   * READ_UNIT (her own User Access Administrator on aks-3's resource group aside).
   */
  async function bernadettePaths(units: string[], unread: boolean) {
    const tenant = await loadDemoTenant();
    const entra = tenant.entra ?? emptyEntraSection();
    const file = parseTenantFile({
      ...tenant,
      entra: {
        ...entra,
        roleAssignments: [
          ...entra.roleAssignments,
          ...units.map((unit) => ({
            principalId: DEMO_USERS.bernadette,
            roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.privilegedAuthenticationAdministrator,
            directoryScopeId: `/administrativeUnits/${unit}`,
          })),
        ],
        administrativeUnits: [
          {
            id: READ_UNIT,
            displayName: "Platform",
            members: [DEMO_USERS.leonard],
            isMemberManagementRestricted: false,
          },
        ],
      },
      ...(unread
        ? {
            coverage: {
              unread: {
                [ADMINISTRATIVE_UNITS_SOURCE]: {
                  status: "partial",
                  reason: `GET /directory/administrativeUnits/${UNREAD_UNIT}/members: Authorization_RequestDenied`,
                },
              },
            },
          }
        : {}),
    });
    const { model } = modelFromImportedTenantFile(file);
    const index = buildAccessIndex(model);
    const search = new AttackPathSearch(index);
    return model.clusters.flatMap((cluster) =>
      search
        .forCluster(evaluateClusterAccess(model, cluster.id, index))
        .filter((path) => path.principal.id === DEMO_USERS.bernadette)
        .map((path) => ({
          cluster: cluster.name,
          path: path.path.map((step) => step.label).join(" > "),
          attack: path,
        }))
        .filter((entry) => entry.path.includes("Privileged Authentication Administrator")),
    );
  }

  it("reaches anyone who may be a member of the unit it could not read, conditionally", async () => {
    const paths = await bernadettePaths([UNREAD_UNIT], true);
    expect(paths.length).toBeGreaterThan(0);
    for (const entry of paths) {
      expect(entry.path).toContain(`${UNREAD_UNIT} (its members were not read)`);
      expect(entry.attack.conditional).toBe(true);
    }
  });

  it("still reaches exactly the members of the units it listed", async () => {
    const paths = await bernadettePaths([READ_UNIT], true);
    expect(paths.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([expect.stringContaining("resets the password of user Leonard Hofstadter")]),
    );
    expect(paths.some((entry) => entry.path.includes("its members were not read"))).toBe(false);
  });

  it("takes an unlisted unit as existing nowhere when the file says every unit was read", async () => {
    expect(await bernadettePaths([UNREAD_UNIT], false)).toEqual([]);
  });
});
