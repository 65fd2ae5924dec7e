import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UNIT_IDS, withAdministrativeUnits } from "@/lib/emulator/test-fixtures/administrative-units";
import { ENTRA_IDS as ids } from "@/lib/emulator/test-fixtures/entra-section";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { ADMINISTRATIVE_UNITS_SOURCE, DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile, validateTenantFile } from "@/lib/model/wire/tenant-file";

// The tenant file's entra.administrativeUnits: Graph's administrativeUnit
// (learn.microsoft.com/graph/api/resources/administrativeunit) with members by object id; checked with
// JSON paths. Members are users and groups ("Use this API to get the members list (users, groups, or
// devices) in an administrative unit": graph/api/administrativeunit-list-members).

type Unit = { id: string; displayName: string; members: string[]; [key: string]: unknown };
type Json = { entra: { administrativeUnits: Unit[]; roleAssignments: Record<string, unknown>[] } };

function tenantJson(): Json {
  const tenant = parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8")));
  return JSON.parse(JSON.stringify(withAdministrativeUnits(tenant)));
}

const errorsOf = (input: unknown) =>
  validateTenantFile(input).errors.map((error) => `${error.path}: ${error.message}`);
const warningsOf = (input: unknown) =>
  validateTenantFile(input).warnings.map((warning) => `${warning.path}: ${warning.message}`);

describe("tenant file: entra.administrativeUnits", () => {
  it("accepts units with members, restricted and dynamic ones, and a role scoped to one", () => {
    const input = tenantJson();
    expect(errorsOf(input)).toEqual([]);
    expect(warningsOf(input).filter((warning) => warning.includes("administrative"))).toEqual([]);
  });

  it("names the JSON path of malformed units", () => {
    const input = tenantJson();
    input.entra.administrativeUnits[0].id = "platform";
    input.entra.administrativeUnits[1].members = ["jet"];
    input.entra.administrativeUnits[2].membershipType = "Rule";
    delete (input.entra.administrativeUnits[2] as Partial<Unit>).displayName;
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.entra\.administrativeUnits\[0\]\.id: must be a GUID/),
        expect.stringMatching(/^\$\.entra\.administrativeUnits\[1\]\.members\[0\]: must be a GUID/),
        expect.stringMatching(/^\$\.entra\.administrativeUnits\[2\]\.membershipType: /),
        expect.stringMatching(/^\$\.entra\.administrativeUnits\[2\]\.displayName: /),
      ]),
    );
  });

  it("reports unknown and duplicate members, service principals, and duplicate units", () => {
    const input = tenantJson();
    const [platform, executives] = input.entra.administrativeUnits;
    platform.members = [ids.aksAdmins, "0000bbbb-0000-4000-8000-0000000000ff", ids.aksAdmins.toUpperCase()];
    executives.members = [ids.ciDeployer];
    input.entra.administrativeUnits.push({ ...platform, members: [] });
    expect(errorsOf(input)).toEqual([
      "$.entra.administrativeUnits[0].members[1]: no user or group in principals has this id",
      `$.entra.administrativeUnits[0].members[2]: duplicate member "${ids.aksAdmins.toUpperCase()}" (first at $.entra.administrativeUnits[0].members[0])`,
      "$.entra.administrativeUnits[1].members[0]: ci-deployer is a ServicePrincipal: administrative units hold users, groups and devices",
      `$.entra.administrativeUnits[4].id: duplicate administrative unit id "${UNIT_IDS.platform}" (first at $.entra.administrativeUnits[0].id)`,
    ]);
  });

  it("warns about a role scoped to a unit that is not listed, or a role that cannot be scoped to one", () => {
    const input = tenantJson();
    input.entra.roleAssignments.push(
      {
        principalId: ids.penny,
        roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.groupsAdministrator,
        directoryScopeId: "/administrativeUnits/0000eeee-0000-4000-8000-0000000000ff",
      },
      {
        principalId: ids.penny,
        roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.directoryWriters,
        directoryScopeId: `/administrativeUnits/${UNIT_IDS.platform}`,
      },
    );
    const count = input.entra.roleAssignments.length;
    expect(warningsOf(input)).toEqual(
      expect.arrayContaining([
        `$.entra.roleAssignments[${count - 2}].directoryScopeId: no entra.administrativeUnits entry has this id: the assignment manages no one`,
        expect.stringMatching(
          new RegExp(
            `^\\$\\.entra\\.roleAssignments\\[${count - 1}\\]\\.roleDefinitionId: this role cannot be assigned at an administrative unit's scope`,
          ),
        ),
      ]),
    );
  });

  it("becomes the model's administrative units that matter (restricted, or a role's scope), read completely", () => {
    const model = modelFromTenantFile(
      withAdministrativeUnits(parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8")))),
    );
    expect(model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toEqual({ status: "complete" });
    expect(model.administrativeUnits).toEqual([
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
  });

  it("a file with unit-scoped roles but no administrativeUnits (an offline collector's) leaves the units not read", () => {
    const tenant = withAdministrativeUnits(
      parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8"))),
    );
    delete (tenant.entra as { administrativeUnits?: unknown }).administrativeUnits;
    const model = modelFromTenantFile(tenant);
    expect(model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toMatchObject({ status: "not-read" });
    expect(model.administrativeUnits).toEqual([]);
  });
});
