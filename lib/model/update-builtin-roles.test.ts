import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// scripts/update-builtin-roles.mjs turns `az role definition list --custom-role-only false` output
// (the Azure CLI's flat shape: roleName, roleType, permissions) into lib/model/data/builtin-roles.json.

const SCRIPT = join(process.cwd(), "scripts/update-builtin-roles.mjs");

const cliListing = [
  {
    assignableScopes: ["/"],
    description: "Create, Read, Update, and Delete User Assigned Identity",
    id: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
    name: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
    permissions: [
      {
        actions: ["Microsoft.ManagedIdentity/userAssignedIdentities/*"],
        condition: null,
        conditionVersion: null,
        dataActions: [],
        notActions: [],
        notDataActions: [],
      },
    ],
    roleName: "Managed Identity Contributor",
    roleType: "BuiltInRole",
    type: "Microsoft.Authorization/roleDefinitions",
  },
  {
    assignableScopes: ["/subscriptions/00000000-0000-0000-0000-000000000001"],
    description: "ours",
    id: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111",
    name: "11111111-1111-1111-1111-111111111111",
    permissions: [{ actions: ["*"], dataActions: [], notActions: [], notDataActions: [] }],
    roleName: "Custom Everything",
    roleType: "CustomRole",
    type: "Microsoft.Authorization/roleDefinitions",
  },
];

function run(input: unknown) {
  const dir = mkdtempSync(join(tmpdir(), "builtin-roles-"));
  const inputPath = join(dir, "roles.json");
  const outputPath = join(dir, "out.json");
  writeFileSync(inputPath, JSON.stringify(input));
  const result = spawnSync(process.execPath, [SCRIPT, inputPath, "--output", outputPath], {
    encoding: "utf8",
  });
  return { result, outputPath };
}

describe("scripts/update-builtin-roles.mjs", () => {
  it("keeps the built-in roles of a CLI listing, compactly, and drops custom roles", () => {
    const { result, outputPath } = run(cliListing);
    expect(result.status).toBe(0);
    const written = JSON.parse(readFileSync(outputPath, "utf8"));
    expect(written.roleDefinitions).toEqual([
      {
        name: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
        roleName: "Managed Identity Contributor",
        description: "Create, Read, Update, and Delete User Assigned Identity",
        permissions: [{ actions: ["Microsoft.ManagedIdentity/userAssignedIdentities/*"] }],
      },
    ]);
  });

  it("reads ARM's list answer too", () => {
    const arm = {
      value: cliListing.map(({ id, name, type, roleType, ...properties }) => ({
        id,
        name,
        type,
        properties: { ...properties, type: roleType },
      })),
    };
    const { result, outputPath } = run(arm);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(outputPath, "utf8")).roleDefinitions).toHaveLength(1);
  });

  it.each([
    ["a listing without built-in roles", [cliListing[1]], /no built-in role/],
    ["something that is no listing", { roles: [] }, /expected a JSON array/],
    ["a role without a GUID", [{ ...cliListing[0], id: "x", name: "x" }], /no role definition GUID/],
  ])("refuses %s with a clear message and exit 1", (_name, input, message) => {
    const { result } = run(input);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it("prints usage", () => {
    expect(execFileSync(process.execPath, [SCRIPT, "--help"], { encoding: "utf8" })).toMatch(/usage/);
  });
});
