import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkTenantSemantics,
  findCluster,
  formatJsonPath,
  parseTenantFile,
  TenantFileError,
  validateTenantFile,
} from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

const TENANT = "00000000-0000-0000-0000-0000000000aa";
const SUB = "00000000-0000-0000-0000-000000000501";
const PENNY = "00000000-0000-0000-0000-0000000000f4";
const ADMINS = "00000000-0000-0000-0000-0000000000a1";
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks-1`;
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

function minimalTenant() {
  return {
    version: 1,
    tenantId: TENANT,
    principals: [
      { id: PENNY, type: "User", displayName: "Penny", userPrincipalName: "penny@contoso.example" },
      { id: ADMINS, type: "Group", displayName: "aks-admins", members: [PENNY] },
    ],
    managementGroups: [{ name: "root", parent: null, subscriptions: [SUB] }],
    roleAssignments: [
      {
        id: `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-00000000a001`,
        name: "00000000-0000-0000-0000-00000000a001",
        type: "Microsoft.Authorization/roleAssignments",
        properties: {
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
          principalId: PENNY,
          principalType: "User",
          scope: `/subscriptions/${SUB}/resourceGroups/rg1`,
        },
      },
    ],
    subscriptions: [
      {
        subscriptionId: SUB,
        displayName: "prod",
        resources: [
          {
            id: CLUSTER_ID,
            name: "aks-1",
            type: "Microsoft.ContainerService/managedClusters",
            location: "westeurope",
            properties: {
              disableLocalAccounts: false,
              aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [ADMINS] },
              someFutureProperty: { kept: true },
            },
          },
        ],
      },
    ],
    clusters: {
      [CLUSTER_ID.toLowerCase()]: {
        objects: [
          {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "defaultnsadmin", namespace: "default" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
            subjects: [{ kind: "User", name: PENNY, apiGroup: "rbac.authorization.k8s.io" }],
          },
        ],
      },
    },
  };
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseTenantFile(input);
  } catch (error) {
    if (error instanceof TenantFileError) return error.issues;
    throw error;
  }
  return [];
}

describe("parseTenantFile", () => {
  it("accepts a minimal tenant, applies defaults and keeps unknown ARM properties", () => {
    const tenant = parseTenantFile(minimalTenant());
    const data = Object.values(tenant.clusters)[0];
    expect(data.reachable).toBe(true);
    expect(data.includeDefaults).toBe(true);
    expect(tenant.roleDefinitions).toEqual([]);
    expect(tenant.subscriptions[0].resources[0].properties?.someFutureProperty).toEqual({ kept: true });
  });

  it("reports schema errors with JSON paths into wire resources", () => {
    const input = minimalTenant();
    (input.subscriptions[0].resources[0].properties.aadProfile as Record<string, unknown>).managed = "yes";
    const issues = issuesOf(input);
    expect(issues.map((issue) => issue.path)).toContain(
      "$.subscriptions[0].resources[0].properties.aadProfile.managed",
    );
  });

  it("reports cluster keys with bracket notation and kind-specific problems", () => {
    const input = minimalTenant();
    const data = Object.values(input.clusters)[0];
    (data.objects[0] as Record<string, unknown>).roleRef = {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Secret",
      name: "x",
    };
    const issues = issuesOf(input);
    expect(issues.map((issue) => issue.path)).toEqual([
      `$.clusters[${JSON.stringify(CLUSTER_ID.toLowerCase())}].objects[0].roleRef.kind`,
    ]);
  });

  it("requires a namespace on namespaced kinds", () => {
    const input = minimalTenant();
    const data = Object.values(input.clusters)[0];
    data.objects[0].metadata = { name: "defaultnsadmin" } as (typeof data.objects)[0]["metadata"];
    expect(issuesOf(input)[0].message).toMatch(/namespaced/);
  });

  it("rejects unknown top-level keys and other versions", () => {
    const issues = issuesOf({ ...minimalTenant(), version: 2, principal: [] });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toContain("$.version");
    expect(issues.find((issue) => issue.path === "$")?.message).toMatch(/principal/);
  });
});

describe("semantic checks", () => {
  it("flags a role definition that is neither built-in nor custom", () => {
    const input = minimalTenant();
    input.roleAssignments[0].properties.roleDefinitionId =
      "/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555";
    expect(issuesOf(input)).toEqual([
      {
        path: "$.roleAssignments[0].properties.roleDefinitionId",
        message: expect.stringMatching(/neither a built-in role nor/),
      },
    ]);
  });

  it("accepts a custom role referenced by GUID", () => {
    const input = minimalTenant();
    const guid = "11111111-2222-3333-4444-555555555555";
    input.roleAssignments[0].properties.roleDefinitionId = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const withCustom = {
      ...input,
      roleDefinitions: [
        {
          id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
          name: guid,
          type: "Microsoft.Authorization/roleDefinitions",
          properties: { roleName: "everything", type: "CustomRole", permissions: [{ actions: ["*"] }] },
        },
      ],
    };
    expect(issuesOf(withCustom)).toEqual([]);
  });

  it("treats a missing principal as a deleted one: a warning, not an error", () => {
    const input = minimalTenant();
    const ghost = "00000000-0000-0000-0000-0000000000dd";
    input.roleAssignments[0].properties.principalId = ghost;
    input.principals[1].members = [PENNY, ghost];
    const validation = validateTenantFile(input);
    expect(validation.errors).toEqual([]);
    expect(validation.warnings.map((warning) => warning.path).sort()).toEqual([
      "$.principals[1].members[1]",
      "$.roleAssignments[0].properties.principalId",
    ]);
  });

  it("flags duplicate ids case-insensitively", () => {
    const input = minimalTenant();
    input.principals.push({ ...input.principals[0], id: PENNY.toUpperCase() });
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe("$.principals[2].id");
  });

  it("flags a cluster key without a managedCluster resource", () => {
    const input = minimalTenant();
    const clusters: Record<string, unknown> = { ...input.clusters, [`${CLUSTER_ID}-missing`]: {} };
    const issues = issuesOf({ ...input, clusters });
    expect(issues.map((issue) => issue.path)).toEqual([
      `$.clusters[${JSON.stringify(`${CLUSTER_ID}-missing`)}]`,
    ]);
  });

  it("flags an assignment id that does not match its scope, and unknown scopes", () => {
    const input = minimalTenant();
    input.roleAssignments[0].properties.scope = "/providers/Microsoft.Management/managementGroups/nowhere";
    const paths = issuesOf(input).map((issue) => issue.path);
    expect(paths).toEqual(["$.roleAssignments[0].id", "$.roleAssignments[0].properties.scope"]);
  });

  it("flags management group cycles and several roots", () => {
    const tenant = parseTenantFile(minimalTenant());
    tenant.managementGroups = [
      { name: "a", parent: "b", subscriptions: [] },
      { name: "b", parent: "a", subscriptions: [] },
    ];
    const messages = checkTenantSemantics(tenant).errors.map((issue) => issue.message);
    expect(messages.filter((message) => message.includes("cycle"))).toHaveLength(2);
    expect(messages.some((message) => message.includes("exactly one root"))).toBe(true);
  });
});

describe("readTenantFile", () => {
  async function tempFile(content: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "tenant-file-"));
    const file = path.join(dir, "tenant.json");
    await writeFile(file, content);
    return file;
  }

  it("reads a valid file", async () => {
    const file = await tempFile(JSON.stringify(minimalTenant(), null, 2));
    const tenant = await readTenantFile(file);
    expect(tenant.tenantId).toBe(TENANT);
  });

  it("says when the file is missing", async () => {
    await expect(readTenantFile("/nonexistent/tenant.json")).rejects.toThrow(/file not found/);
  });

  it("locates invalid JSON by line and column", async () => {
    const file = await tempFile('{\n  "version": 1,\n  "tenantId": }\n');
    await expect(readTenantFile(file)).rejects.toThrow(/line 3, column 15/);
  });
});

describe("helpers", () => {
  it("finds clusters case-insensitively", () => {
    const tenant = parseTenantFile(minimalTenant());
    const found = findCluster(tenant, CLUSTER_ID.toUpperCase());
    expect(found?.resource.name).toBe("aks-1");
    expect(found?.data?.objects).toHaveLength(1);
    expect(findCluster(tenant, `${CLUSTER_ID}x`)).toBeUndefined();
  });

  it("formats JSON paths", () => {
    expect(formatJsonPath(["subscriptions", 0, "resources", 3, "properties", "aadProfile"])).toBe(
      "$.subscriptions[0].resources[3].properties.aadProfile",
    );
    expect(formatJsonPath(["clusters", "/a/b"])).toBe('$.clusters["/a/b"]');
  });
  // The syntax-error offsets are tested with the locator: lib/model/wire/json-syntax-error.test.ts.
});
