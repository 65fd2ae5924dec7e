import { createWriteStream } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import {
  type MutationChange,
  mutateTenant,
  mutationManifestSchema,
} from "@/lib/emulator/generate/mutate-tenant";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";

type JsonObject = Record<string, unknown>;

/**
 * An independent diff of two tenant documents, in manifest terms. Anything that differs outside
 * the places the mutator is allowed to touch is reported as kind "unexpected".
 */
function diffTenants(before: JsonObject, after: JsonObject): MutationChange[] {
  const changes: MutationChange[] = [];
  const byKey = (items: unknown[], key: (item: JsonObject) => string) =>
    new Map(items.map((item) => [key(item as JsonObject), item as JsonObject]));
  const addRemove = (
    kind: MutationChange["kind"],
    old: Map<string, JsonObject>,
    now: Map<string, JsonObject>,
  ) => {
    for (const [key, value] of old)
      if (!now.has(key)) changes.push({ op: "remove", kind, key, before: value });
    for (const [key, value] of now) if (!old.has(key)) changes.push({ op: "add", kind, key, after: value });
    for (const [key, value] of old) {
      const other = now.get(key);
      if (
        other &&
        !isDeepStrictEqual(value, other) &&
        kind !== "k8s.roleBinding" &&
        kind !== "k8s.clusterRoleBinding"
      ) {
        changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
      }
    }
  };

  for (const section of [
    "principals",
    "managementGroups",
    "roleDefinitions",
    "roleAssignmentScheduleInstances",
    "denyAssignments",
  ]) {
    if (!isDeepStrictEqual(before[section], after[section])) {
      changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key: section });
    }
  }
  const idKey = (item: JsonObject) => String(item.id).toLowerCase();
  addRemove(
    "roleAssignment",
    byKey(before.roleAssignments as unknown[], idKey),
    byKey(after.roleAssignments as unknown[], idKey),
  );

  addRemove(
    "roleEligibility",
    byKey((before.roleEligibilityScheduleInstances as unknown[] | undefined) ?? [], idKey),
    byKey((after.roleEligibilityScheduleInstances as unknown[] | undefined) ?? [], idKey),
  );

  // Role management policies: only an approval rule's setting may change, one per policy.
  const oldPolicies = byKey((before.roleManagementPolicies as unknown[] | undefined) ?? [], idKey);
  const newPolicies = byKey((after.roleManagementPolicies as unknown[] | undefined) ?? [], idKey);
  if (!isDeepStrictEqual([...oldPolicies.keys()], [...newPolicies.keys()]))
    changes.push({
      op: "change",
      kind: "unexpected" as MutationChange["kind"],
      key: "roleManagementPolicies",
    });
  for (const [key, old] of oldPolicies) {
    const now = newPolicies.get(key);
    if (!now || isDeepStrictEqual(old, now)) continue;
    const rulesOf = (policy: JsonObject) => (policy.properties as JsonObject).rules as JsonObject[];
    const withoutSettings = (policy: JsonObject) => ({
      ...policy,
      properties: {
        ...(policy.properties as JsonObject),
        rules: rulesOf(policy).map(({ setting: _, ...rule }) => rule),
      },
    });
    if (!isDeepStrictEqual(withoutSettings(old), withoutSettings(now)))
      changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
    rulesOf(old).forEach((rule, position) => {
      const setting = rulesOf(now)[position]?.setting;
      if (isDeepStrictEqual(rule.setting, setting)) return;
      if (rule.id !== "Approval_EndUser_Assignment")
        changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
      changes.push({
        op: "change",
        kind: "roleManagementPolicy",
        key,
        field: `$.properties.rules[${position}].setting`,
        ...(rule.setting === undefined ? {} : { before: rule.setting }),
        after: setting,
      });
    });
  }
  if (!isDeepStrictEqual(before.roleManagementPolicyAssignments, after.roleManagementPolicyAssignments))
    changes.push({
      op: "change",
      kind: "unexpected" as MutationChange["kind"],
      key: "roleManagementPolicyAssignments",
    });

  const resources = (tenant: JsonObject) =>
    (tenant.subscriptions as JsonObject[]).flatMap((subscription) => subscription.resources as JsonObject[]);
  const oldResources = byKey(resources(before), idKey);
  const newResources = byKey(resources(after), idKey);
  const credentials = (map: Map<string, JsonObject>) =>
    [...map.values()].flatMap(
      (resource) => (resource.federatedIdentityCredentials as unknown[] | undefined) ?? [],
    );
  addRemove(
    "federatedCredential",
    byKey(credentials(oldResources), idKey),
    byKey(credentials(newResources), idKey),
  );

  const clusterFields: [string, (resource: JsonObject) => unknown][] = [
    ["$.properties.disableLocalAccounts", (r) => (r.properties as JsonObject).disableLocalAccounts],
    [
      "$.properties.aadProfile.enableAzureRBAC",
      (r) => ((r.properties as JsonObject).aadProfile as JsonObject | undefined)?.enableAzureRBAC,
    ],
    [
      "$.properties.aadProfile.adminGroupObjectIDs",
      (r) => ((r.properties as JsonObject).aadProfile as JsonObject | undefined)?.adminGroupObjectIDs,
    ],
  ];
  for (const [key, old] of oldResources) {
    const now = newResources.get(key);
    if (!now) {
      changes.push({ op: "remove", kind: "unexpected" as MutationChange["kind"], key });
      continue;
    }
    if (old.type === "Microsoft.ContainerService/managedClusters") {
      for (const [field, read] of clusterFields) {
        if (!isDeepStrictEqual(read(old), read(now))) {
          changes.push({
            op: "change",
            kind: "cluster",
            key,
            field,
            ...(read(old) === undefined ? {} : { before: read(old) }),
            after: read(now),
          });
        }
      }
      const strip = (resource: JsonObject) => {
        const copy = structuredClone(resource);
        const properties = copy.properties as JsonObject;
        delete properties.disableLocalAccounts;
        const aad = properties.aadProfile as JsonObject | undefined;
        if (aad) {
          delete aad.enableAzureRBAC;
          delete aad.adminGroupObjectIDs;
        }
        return copy;
      };
      if (!isDeepStrictEqual(strip(old), strip(now))) {
        changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
      }
    } else {
      const withoutCredentials = ({ federatedIdentityCredentials: _, ...rest }: JsonObject) => rest;
      if (!isDeepStrictEqual(withoutCredentials(old), withoutCredentials(now))) {
        changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
      }
    }
  }

  const objects = (tenant: JsonObject) =>
    Object.entries(tenant.clusters as Record<string, JsonObject>).flatMap(([clusterId, data]) =>
      (data.objects as JsonObject[]).map((object) => {
        const metadata = object.metadata as JsonObject;
        return [
          `${clusterId.toLowerCase()}|${object.kind}|${metadata.namespace ?? ""}|${metadata.name}`,
          object,
        ] as const;
      }),
    );
  const oldObjects = new Map(objects(before));
  const newObjects = new Map(objects(after));
  const kindOf = (object: JsonObject): MutationChange["kind"] =>
    object.kind === "RoleBinding"
      ? "k8s.roleBinding"
      : object.kind === "ClusterRoleBinding"
        ? "k8s.clusterRoleBinding"
        : ("unexpected" as MutationChange["kind"]);
  for (const [key, old] of oldObjects) {
    const now = newObjects.get(key);
    if (!now) changes.push({ op: "remove", kind: kindOf(old), key, before: old });
    else if (!isDeepStrictEqual(old, now)) {
      const { subjects: oldSubjects, ...oldRest } = old;
      const { subjects: newSubjects, ...newRest } = now;
      if (!isDeepStrictEqual(oldRest, newRest))
        changes.push({ op: "change", kind: "unexpected" as MutationChange["kind"], key });
      changes.push({
        op: "change",
        kind: kindOf(old),
        key,
        field: "$.subjects",
        ...(oldSubjects === undefined ? {} : { before: oldSubjects }),
        after: newSubjects,
      });
    }
  }
  for (const [key, now] of newObjects)
    if (!oldObjects.has(key)) changes.push({ op: "add", kind: kindOf(now), key, after: now });
  return changes;
}

const sortChanges = (changes: MutationChange[]) =>
  [...changes].sort((a, b) =>
    `${a.kind}|${a.key}|${a.field ?? ""}|${a.op}`.localeCompare(
      `${b.kind}|${b.key}|${b.field ?? ""}|${b.op}`,
    ),
  );

describe("mutateTenant", () => {
  let dir: string;
  let inputPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mutate-tenant-"));
    inputPath = path.join(dir, "tenant.json");
    const out = createWriteStream(inputPath);
    await generateTenant(
      {
        seed: 7,
        subscriptions: 3,
        clusters: 20,
        roleAssignments: 1500,
        bindings: 1200,
        identities: 60,
        federatedCredentials: 80,
        principals: 300,
      },
      out,
    );
    out.end();
    await finished(out);
  });

  it("writes a manifest that matches a diff of the two files exactly", async () => {
    const outPath = path.join(dir, "mutated.json");
    const manifestPath = path.join(dir, "manifest.json");
    const manifest = await mutateTenant(inputPath, { seed: 3, share: 0.05 }, outPath, manifestPath);

    const written = mutationManifestSchema.parse(JSON.parse(await readFile(manifestPath, "utf8")));
    expect(written).toEqual(JSON.parse(JSON.stringify(manifest)));

    const before = JSON.parse(await readFile(inputPath, "utf8")) as JsonObject;
    const after = JSON.parse(await readFile(outPath, "utf8")) as JsonObject;
    expect(validateTenantFile(after).errors).toEqual([]);
    const diff = diffTenants(before, after);
    expect(diff.filter((change) => (change.kind as string) === "unexpected")).toEqual([]);
    expect(sortChanges(diff)).toEqual(sortChanges(written.changes));

    // about `share` of each kind changed
    const count = (kind: string) => written.changes.filter((change) => change.kind === kind).length;
    expect(count("roleAssignment")).toBe(75);
    // PIM eligibility drifts too (generated tenants hold 10% of their assignments as eligibility)
    expect(count("roleEligibility")).toBeGreaterThan(0);
    // PIM role settings drift: approval switched on or off, never another rule
    const policyChanges = written.changes.filter((change) => change.kind === "roleManagementPolicy");
    expect(policyChanges.length).toBeGreaterThan(0);
    for (const change of policyChanges)
      expect((change.after as { isApprovalRequired: boolean }).isApprovalRequired).toBe(
        !(change.before as { isApprovalRequired: boolean }).isApprovalRequired,
      );
    expect(count("cluster")).toBe(1);
    expect(count("k8s.roleBinding") + count("k8s.clusterRoleBinding")).toBeGreaterThanOrEqual(55);
    expect(count("federatedCredential")).toBe(4);
    expect(new Set(written.changes.map((change) => change.op))).toEqual(new Set(["add", "remove", "change"]));
  });

  it("leaves unchanged objects byte-identical (line diff = changes)", async () => {
    const outPath = path.join(dir, "mutated-lines.json");
    const manifest = await mutateTenant(
      inputPath,
      { seed: 11, share: 0.01 },
      outPath,
      path.join(dir, "m2.json"),
    );
    const oldLines = new Set(
      (await readFile(inputPath, "utf8")).split("\n").map((line) => line.replace(/,$/, "")),
    );
    const newLines = (await readFile(outPath, "utf8")).split("\n").map((line) => line.replace(/,$/, ""));
    const changedLines = newLines.filter((line) => !oldLines.has(line));
    // every new or changed line is an added object, a changed binding, a changed cluster or an identity with changed credentials
    const explained = changedLines.filter((line) =>
      manifest.changes.some((change) => {
        const needle =
          change.op === "add" ? JSON.stringify(change.after) : (change.key.split("|").at(-1) ?? change.key);
        return (
          line.toLowerCase().includes(needle.toLowerCase()) ||
          (change.kind === "federatedCredential" && line.includes("userAssignedIdentities"))
        );
      }),
    );
    expect(changedLines.length).toBeGreaterThan(0);
    expect(explained).toEqual(changedLines);
  });

  it("is deterministic by seed", async () => {
    const a = await mutateTenant(
      inputPath,
      { seed: 5, share: 0.02 },
      path.join(dir, "a.json"),
      path.join(dir, "ma.json"),
    );
    const b = await mutateTenant(
      inputPath,
      { seed: 5, share: 0.02 },
      path.join(dir, "b.json"),
      path.join(dir, "mb.json"),
    );
    expect(b).toEqual(a);
    expect(await readFile(path.join(dir, "b.json"), "utf8")).toBe(
      await readFile(path.join(dir, "a.json"), "utf8"),
    );
  });

  it("refuses an invalid input with the tenant file's errors", async () => {
    await expect(
      mutateTenant(
        path.join(dir, "missing.json"),
        { seed: 1, share: 0.01 },
        path.join(dir, "x.json"),
        path.join(dir, "mx.json"),
      ),
    ).rejects.toThrow(/file not found/);
  });
});
