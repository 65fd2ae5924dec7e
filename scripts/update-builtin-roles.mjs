#!/usr/bin/env node
// Regenerates lib/model/data/builtin-roles.json — the Azure built-in role catalogue the product
// knows without asking ARM — from a listing of role definitions:
//
//   az role definition list --custom-role-only false --output json > roles.json
//   node scripts/update-builtin-roles.mjs roles.json [--source "where the listing came from"]
//
// Accepted input: the Azure CLI's array (flat: `roleName`, `roleType`, `permissions`), or ARM's
// `GET /providers/Microsoft.Authorization/roleDefinitions` answer (`{ "value": [...] }`, fields
// under `properties`). Custom roles are dropped. Only what the product uses is kept (GUID, name,
// description, permissions with their conditions, non-default assignable scopes); empty lists are
// left out to keep the file small. One role per line, sorted by name, so a refresh diffs cleanly.
// Docs: docs/access-model.md ("The built-in role catalogue").

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const OUTPUT = resolve(dirname(fileURLToPath(import.meta.url)), "../lib/model/data/builtin-roles.json");
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LISTS = ["actions", "notActions", "dataActions", "notDataActions"];

function fail(message) {
  process.stderr.write(`update-builtin-roles: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { input: null, sources: [], output: OUTPUT };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--source") {
      if (!argv[i + 1]) fail("--source needs a value");
      args.sources.push(argv[++i]);
    } else if (arg === "--output") {
      if (!argv[i + 1]) fail("--output needs a path");
      args.output = resolve(argv[++i]);
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        "usage: node scripts/update-builtin-roles.mjs <az role definition list output.json> [--source <text>] [--output <path>]\n",
      );
      process.exit(0);
    } else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
    else if (args.input) fail(`one input file expected, got also ${arg}`);
    else args.input = arg;
  }
  if (!args.input)
    fail("missing the input file (the output of `az role definition list --custom-role-only false`)");
  return args;
}

/** A field from the CLI's flat shape or ARM's `properties`, with the name casing either uses. */
function pick(entry, ...names) {
  for (const holder of [entry, entry?.properties]) {
    if (!holder || typeof holder !== "object") continue;
    for (const name of names) if (holder[name] !== undefined && holder[name] !== null) return holder[name];
  }
  return undefined;
}

function stringList(value, where) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string"))
    fail(`${where}: expected a list of strings`);
  return value;
}

function roleFrom(entry, index) {
  const where = `entry ${index}`;
  const id = pick(entry, "id");
  const guid = String(pick(entry, "name") ?? "")
    .toLowerCase()
    .trim();
  const fromId = typeof id === "string" ? id.split("/").filter(Boolean).at(-1)?.toLowerCase() : undefined;
  const roleGuid = GUID.test(guid) ? guid : fromId;
  if (!roleGuid || !GUID.test(roleGuid)) fail(`${where}: no role definition GUID in "name" or "id"`);
  // The CLI says roleType; ARM says properties.type (the top-level `type` is the resource type).
  const roleType = entry.roleType ?? entry.properties?.type;
  const roleName = pick(entry, "roleName");
  if (typeof roleName !== "string" || roleName.length === 0) fail(`${where} (${roleGuid}): no roleName`);
  const permissionBlocks = pick(entry, "permissions") ?? [];
  if (!Array.isArray(permissionBlocks)) fail(`${where} (${roleName}): permissions is not a list`);
  const permissions = permissionBlocks.map((block, n) => {
    const permission = {};
    for (const list of LISTS) {
      const values = stringList(block?.[list], `${where} (${roleName}) permissions[${n}].${list}`);
      if (values.length > 0) permission[list] = values;
    }
    if (typeof block?.condition === "string" && block.condition.length > 0) {
      permission.condition = block.condition;
      if (typeof block.conditionVersion === "string") permission.conditionVersion = block.conditionVersion;
    }
    return permission;
  });
  const role = { name: roleGuid, roleName };
  const description = pick(entry, "description");
  if (typeof description === "string" && description.length > 0) role.description = description;
  const scopes = stringList(pick(entry, "assignableScopes"), `${where} (${roleName}) assignableScopes`);
  if (!(scopes.length === 1 && scopes[0] === "/")) role.assignableScopes = scopes;
  role.permissions = permissions;
  return { role, builtIn: typeof roleType === "string" && roleType.toLowerCase() === "builtinrole" };
}

const args = parseArgs(process.argv.slice(2));
let parsed;
try {
  parsed = JSON.parse(readFileSync(args.input, "utf8"));
} catch (error) {
  fail(`cannot read ${args.input}: ${error instanceof Error ? error.message : String(error)}`);
}
const entries = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.value) ? parsed.value : null;
if (!entries) fail("expected a JSON array (az role definition list) or an object with a `value` array (ARM)");

const roles = new Map();
for (const [index, entry] of entries.entries()) {
  const { role, builtIn } = roleFrom(entry, index);
  if (!builtIn) continue;
  const clash = [...roles.values()].find(
    (other) => other.roleName.toLowerCase() === role.roleName.toLowerCase(),
  );
  if (clash && clash.name !== role.name) fail(`two built-in roles are named "${role.roleName}"`);
  roles.set(role.name, role);
}
if (roles.size === 0) fail("the input holds no built-in role (is it `--custom-role-only true` output?)");

const sorted = [...roles.values()].sort(
  (a, b) => a.roleName.toLowerCase().localeCompare(b.roleName.toLowerCase()) || a.name.localeCompare(b.name),
);
const sources = args.sources.length > 0 ? args.sources : [`az role definition list output (${args.input})`];
const text = `{\n"sources": ${JSON.stringify(sources)},\n"roleDefinitions": [\n${sorted
  .map((role) => JSON.stringify(role))
  .join(",\n")}\n]\n}\n`;
writeFileSync(args.output, text);
process.stdout.write(`wrote ${sorted.length} built-in roles to ${args.output}\n`);
