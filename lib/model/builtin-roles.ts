/**
 * Azure built-in role definitions the product knows without asking ARM, in ARM wire form.
 * The data (lib/model/data/builtin-roles.json) is the complete catalogue of built-in roles in a
 * compact form (GUID, name, description, permissions with their conditions; empty lists and the
 * default assignable scope `/` left out). `scripts/update-builtin-roles.mjs` regenerates it from
 * `az role definition list --custom-role-only false`; its `sources` field says where it came from.
 */
import { z } from "zod";
import builtInRoleData from "@/lib/model/data/builtin-roles.json";
import { type WireRoleDefinition, wireRoleDefinitionSchema } from "@/lib/model/wire/azure";

const catalogueRoleSchema = z.strictObject({
  name: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  roleName: z.string().min(1),
  description: z.string().optional(),
  assignableScopes: z.array(z.string()).optional(),
  permissions: z.array(
    z.strictObject({
      actions: z.array(z.string()).default([]),
      notActions: z.array(z.string()).default([]),
      dataActions: z.array(z.string()).default([]),
      notDataActions: z.array(z.string()).default([]),
      condition: z.string().optional(),
      conditionVersion: z.string().optional(),
    }),
  ),
});

/** The catalogue entry as ARM returns it from GET /providers/Microsoft.Authorization/roleDefinitions/<guid>. */
function wireFromCatalogue(entry: unknown): WireRoleDefinition {
  const role = catalogueRoleSchema.parse(entry);
  return wireRoleDefinitionSchema.parse({
    id: `/providers/Microsoft.Authorization/roleDefinitions/${role.name}`,
    name: role.name,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description ?? null,
      assignableScopes: role.assignableScopes ?? ["/"],
      permissions: role.permissions.map(({ condition, conditionVersion, ...lists }) => ({
        ...lists,
        // ARM always sends both fields; null when the block has no condition.
        condition: condition ?? null,
        conditionVersion: conditionVersion ?? null,
      })),
    },
  });
}

/** GUIDs of the built-in roles that matter for AKS access, by a readable key. */
export const BUILT_IN_ROLE_IDS = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
  virtualMachineContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
  aksClusterAdmin: "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
  aksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
  aksClusterMonitoringUser: "1afdec4b-e479-420e-99e7-f82237c7c5e6",
  aksContributor: "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  aksRbacAdmin: "3498e952-d568-435e-9b2c-8d77e338d7f7",
  aksRbacWriter: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
  aksRbacReader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  privateDnsZoneContributor: "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
  managedIdentityContributor: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
} as const;

export type BuiltInRoleKey = keyof typeof BUILT_IN_ROLE_IDS;

interface BuiltInRoleIndex {
  definitions: readonly WireRoleDefinition[];
  byGuid: ReadonlyMap<string, WireRoleDefinition>;
  byName: ReadonlyMap<string, WireRoleDefinition>;
}

let index: BuiltInRoleIndex | undefined;

// Parsed lazily: tenant-file.ts imports the same data, and a lazy parse keeps module loading free
// of ordering concerns between the two files.
function builtInIndex(): BuiltInRoleIndex {
  if (index) return index;
  const definitions = (builtInRoleData.roleDefinitions as unknown[]).map((definition) =>
    Object.freeze(wireFromCatalogue(definition)),
  );
  index = {
    definitions,
    byGuid: new Map(definitions.map((definition) => [definition.name.toLowerCase(), definition])),
    byName: new Map(
      definitions.map((definition) => [definition.properties.roleName.toLowerCase(), definition]),
    ),
  };
  return index;
}

/** Every known built-in role, ids in the tenant-level form /providers/Microsoft.Authorization/roleDefinitions/<guid>. */
export function builtInRoleDefinitions(): WireRoleDefinition[] {
  return [...builtInIndex().definitions];
}

/**
 * A built-in role by GUID, by any role definition id ending in its GUID (tenant-level or
 * /subscriptions/<sub>/providers/...), or by role name — all case-insensitive.
 */
export function findBuiltInRole(idOrGuidOrName: string): WireRoleDefinition | undefined {
  const { byGuid, byName } = builtInIndex();
  const wanted = idOrGuidOrName.trim().toLowerCase();
  const lastSegment =
    wanted
      .split("/")
      .filter((segment) => segment.length > 0)
      .at(-1) ?? "";
  return byGuid.get(lastSegment) ?? byName.get(wanted);
}

export function isBuiltInRoleGuid(guid: string): boolean {
  return builtInIndex().byGuid.has(guid.toLowerCase());
}
