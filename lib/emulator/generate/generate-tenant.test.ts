import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type GenerateTenantOptions, generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { hash32, partition, partOf, Rng, rngFor } from "@/lib/emulator/generate/prng";
import {
  asManagedCluster,
  listClusters,
  type TenantFile,
  validateTenantFile,
} from "@/lib/model/wire/tenant-file";

/** A Writable that keeps what it receives; optionally slow, to exercise backpressure. */
function memorySink(options: { slow?: boolean } = {}) {
  const chunks: Buffer[] = [];
  let writes = 0;
  const sink = new Writable({
    highWaterMark: options.slow ? 1024 : 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      writes++;
      if (options.slow) setImmediate(callback);
      else callback();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString("utf8"), writes: () => writes };
}

async function generateText(options: GenerateTenantOptions, slow = false): Promise<string> {
  const { sink, text } = memorySink({ slow });
  await generateTenant(options, sink);
  return text();
}

const SMALL: GenerateTenantOptions = {
  seed: 42,
  subscriptions: 3,
  clusters: 8,
  roleAssignments: 400,
  bindings: 250,
  identities: 24,
  federatedCredentials: 30,
  principals: 150,
};

describe("prng", () => {
  it("is deterministic per (seed, stream, index) and spreads values", () => {
    expect(rngFor(1, 2, 3).uuid()).toBe(rngFor(1, 2, 3).uuid());
    expect(rngFor(1, 2, 3).uuid()).not.toBe(rngFor(1, 2, 4).uuid());
    expect(hash32(1, 2)).not.toBe(hash32(2, 1));
    const rng = new Rng(7);
    const buckets = [0, 0, 0, 0];
    for (let n = 0; n < 4000; n++) buckets[rng.int(4)]++;
    for (const bucket of buckets) expect(bucket).toBeGreaterThan(850);
    expect(new Rng(9).uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("partitions ranges and finds the owner of an index", () => {
    const starts = partition(10, 4);
    expect(starts).toEqual([0, 2, 5, 7, 10]);
    expect([0, 1, 2, 4, 5, 9].map((index) => partOf(starts, index))).toEqual([0, 0, 1, 1, 2, 3]);
    const sparse = partition(2, 5); // more parts than items: some parts are empty
    for (let index = 0; index < 2; index++) {
      const part = partOf(sparse, index);
      expect(sparse[part] <= index && index < sparse[part + 1]).toBe(true);
    }
  });
});

describe("generateTenant", () => {
  it("writes a valid tenant with the requested counts", async () => {
    const text = await generateText(SMALL);
    const validation = validateTenantFile(JSON.parse(text));
    expect(validation.errors).toEqual([]);
    const tenant = validation.tenant as TenantFile;
    expect(tenant.roleAssignments).toHaveLength(400);
    expect(tenant.subscriptions).toHaveLength(3);
    expect(listClusters(tenant)).toHaveLength(8);
    const bindings = Object.values(tenant.clusters)
      .flatMap((data) => data.objects)
      .filter((object) => object.kind === "RoleBinding" || object.kind === "ClusterRoleBinding");
    expect(bindings).toHaveLength(250);
    const credentials = tenant.subscriptions
      .flatMap((subscription) => subscription.resources)
      .flatMap((resource) => (resource.federatedIdentityCredentials as unknown[] | undefined) ?? []);
    expect(credentials).toHaveLength(30);
    // warnings are only the deliberately deleted principals
    for (const warning of validation.warnings)
      expect(warning.message).toMatch(/deleted principal|principalType/);
  });

  it("is byte-identical for the same seed, even through a slow consumer", async () => {
    const first = await generateText(SMALL);
    const second = await generateText(SMALL, true);
    expect(second).toBe(first);
    const other = await generateText({ ...SMALL, seed: 43 });
    expect(other).not.toBe(first);
  });

  it("writes one object per line, so files diff line by line", async () => {
    const lines = (await generateText(SMALL)).split("\n");
    const assignmentLines = lines.filter((line) =>
      line.includes('"type":"Microsoft.Authorization/roleAssignments"'),
    );
    expect(assignmentLines).toHaveLength(400);
    for (const line of assignmentLines) expect(() => JSON.parse(line.replace(/,$/, ""))).not.toThrow();
  });

  it("mixes the demo's patterns across clusters", async () => {
    const text = await generateText({
      ...SMALL,
      clusters: 60,
      subscriptions: 4,
      bindings: 3000,
      identities: 120,
    });
    const tenant = validateTenantFile(JSON.parse(text)).tenant as TenantFile;
    const clusters = listClusters(tenant).map((cluster) => asManagedCluster(cluster.resource));
    const entra = new Set(
      clusters.map((cluster) =>
        cluster.properties.aadProfile === undefined
          ? "none"
          : cluster.properties.aadProfile?.managed
            ? "managed"
            : "legacy",
      ),
    );
    expect(entra).toEqual(new Set(["managed", "legacy", "none"]));
    expect(new Set(clusters.map((cluster) => cluster.properties.disableLocalAccounts))).toEqual(
      new Set([true, false]),
    );
    expect(
      new Set(clusters.map((cluster) => cluster.properties.aadProfile?.enableAzureRBAC ?? "n/a")),
    ).toEqual(new Set([true, false, "n/a"]));
    expect(clusters.some((cluster) => cluster.properties.securityProfile?.workloadIdentity?.enabled)).toBe(
      true,
    );
    expect(clusters.some((cluster) => cluster.properties.podIdentityProfile?.enabled)).toBe(true);
    const objects = Object.values(tenant.clusters).flatMap((data) => data.objects);
    const json = JSON.stringify(objects);
    expect(json).toContain('"name":"ops-superuser"');
    expect(json).toContain('"name":"system:authenticated"');
    expect(objects.some((object) => object.kind === "AzureIdentityBinding")).toBe(true);
    const scopes = tenant.roleAssignments.map((assignment) => assignment.properties.scope);
    expect(
      scopes.some((scope) => scope.startsWith("/providers/Microsoft.Management/managementGroups/")),
    ).toBe(true);
    expect(scopes.some((scope) => /^\/subscriptions\/[^/]+$/.test(scope))).toBe(true);
    expect(scopes.some((scope) => scope.includes("/namespaces/"))).toBe(true);
    expect(scopes.some((scope) => scope.includes("/registries/"))).toBe(true);
    expect(tenant.roleDefinitions.length).toBeGreaterThan(0);
    expect(
      tenant.principals.some(
        (principal) =>
          principal.type === "Group" &&
          principal.members.some((member) =>
            tenant.principals.some((other) => other.id === member && other.type === "Group"),
          ),
      ),
    ).toBe(true);
  });

  it("binds member users by UPN, and a few by object id (a mistake that grants nothing)", async () => {
    // AKS names a member user by the token's `upn` claim (kubeguard/guard azure.go getUserInfo;
    // learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id), so that is how bindings name them.
    const tenant = validateTenantFile(JSON.parse(await generateText({ ...SMALL, bindings: 3000 })))
      .tenant as TenantFile;
    const users = tenant.principals.filter((principal) => principal.type === "User");
    const upns = new Set(users.map((user) => ("userPrincipalName" in user ? user.userPrincipalName : "")));
    const ids = new Set(users.map((user) => user.id));
    const named = Object.values(tenant.clusters)
      .flatMap((data) => data.objects)
      .flatMap((object) => (object as { subjects?: { kind: string; name: string }[] }).subjects ?? [])
      .filter((subject) => subject.kind === "User")
      .map((subject) => subject.name);
    const byUpn = named.filter((name) => upns.has(name)).length;
    const byId = named.filter((name) => ids.has(name)).length;
    expect(byUpn + byId).toBe(named.length);
    expect(byId).toBeGreaterThan(0);
    expect(byId / named.length).toBeLessThan(0.12);
  });

  it("rejects bad options with a clear error", async () => {
    const { sink } = memorySink();
    await expect(generateTenant({ ...SMALL, clusters: 0 }, sink)).rejects.toThrow(/clusters/);
  });
});
