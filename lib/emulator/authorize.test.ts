import { beforeAll, describe, expect, it } from "vitest";
import { AzureAuthorizer, operationMatches } from "@/lib/emulator/authorize";
import { TenantIndex } from "@/lib/emulator/tenant-index";
import { smallTenantPath } from "@/lib/emulator/test-support";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

const SUBSCRIPTION = "/subscriptions/1111aaaa-0000-4000-8000-000000000001";
const cluster = (n: number) =>
  `${SUBSCRIPTION}/resourceGroups/rsg-aksIdentityState${n}/providers/Microsoft.ContainerService/managedClusters/aks-${n}`;
const FAYE = "0000bbbb-0000-4000-8000-000000000001";
const JET = "0000bbbb-0000-4000-8000-000000000002";
const PENNY = "0000bbbb-0000-4000-8000-000000000004";
const CI = "0000bbbb-0000-4000-8000-000000000021";
const ADMIN_CREDENTIAL = "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action";
const USER_CREDENTIAL = "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action";
const PODS_READ = "Microsoft.ContainerService/managedClusters/pods/read";

let tenant: TenantFile;
let authorizer: AzureAuthorizer;

beforeAll(async () => {
  tenant = await readTenantFile(smallTenantPath);
  authorizer = new AzureAuthorizer(new TenantIndex(tenant));
});

describe("operationMatches", () => {
  it.each([
    ["*", "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action", true],
    ["*/read", "Microsoft.ContainerService/managedClusters/read", true],
    ["*/read", "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", false],
    ["Microsoft.Authorization/*/Write", "microsoft.authorization/roleAssignments/write", true],
    [
      "Microsoft.ContainerService/managedClusters/*",
      "Microsoft.ContainerService/managedClusters/pods/exec/action",
      true,
    ],
    ["Microsoft.ContainerService/managedClusters/*", "Microsoft.ContainerService/snapshots/read", false],
    [
      "Microsoft.ContainerService/managedClusters/pods/read",
      "Microsoft.ContainerService/managedClusters/pods/read/x",
      false,
    ],
  ])("%s vs %s → %s", (pattern, operation, expected) => {
    expect(operationMatches(pattern, operation)).toBe(expected);
  });
});

describe("AzureAuthorizer on the small fixture", () => {
  it("Penny's Contributor on the resource group includes the admin credential, but no data actions", () => {
    expect(authorizer.permits(PENNY, ADMIN_CREDENTIAL, cluster(1))).toBe(true);
    expect(authorizer.permits(PENNY, ADMIN_CREDENTIAL, cluster(3))).toBe(true);
    expect(authorizer.permits(PENNY, ADMIN_CREDENTIAL, cluster(4))).toBe(false);
    expect(authorizer.permits(PENNY, PODS_READ, cluster(1), "dataAction")).toBe(false);
  });

  it("Faye's Cluster User Role gives the user credential on aks-1 only", () => {
    expect(authorizer.permits(FAYE, USER_CREDENTIAL, cluster(1))).toBe(true);
    expect(authorizer.permits(FAYE, ADMIN_CREDENTIAL, cluster(1))).toBe(false);
    expect(authorizer.permits(FAYE, USER_CREDENTIAL, cluster(2))).toBe(false);
  });

  it("Jet reads through a nested group's Reader at the subscription, and pods through RBAC Reader", () => {
    expect(authorizer.permits(JET, "Microsoft.ContainerService/managedClusters/read", cluster(4))).toBe(true);
    expect(authorizer.permits(JET, USER_CREDENTIAL, cluster(4))).toBe(false);
    expect(authorizer.permits(JET, PODS_READ, `${cluster(1)}/namespaces/orders`, "dataAction")).toBe(true);
    expect(authorizer.permits(JET, PODS_READ, cluster(3), "dataAction")).toBe(false);
    expect(
      authorizer.permits(
        JET,
        "Microsoft.ContainerService/managedClusters/secrets/read",
        cluster(1),
        "dataAction",
      ),
    ).toBe(false);
  });

  it("inherits from management groups and honours notActions", () => {
    expect(authorizer.permits(CI, ADMIN_CREDENTIAL, cluster(3))).toBe(true);
    expect(authorizer.permits(CI, "Microsoft.Authorization/roleAssignments/write", SUBSCRIPTION)).toBe(false);
    expect(authorizer.permits(CI, "Microsoft.Authorization/roleAssignments/read", SUBSCRIPTION)).toBe(true);
  });

  it("does not count conditional assignments for data actions", () => {
    const conditional = {
      id: `${cluster(4)}/providers/Microsoft.Authorization/roleAssignments/0000ffff-0000-4000-8000-000000000999`,
      name: "0000ffff-0000-4000-8000-000000000999",
      type: "Microsoft.Authorization/roleAssignments",
      properties: {
        roleDefinitionId:
          "/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        principalId: FAYE,
        principalType: "User" as const,
        scope: cluster(4),
        condition:
          "@Resource[Microsoft.ContainerService/managedClusters/customResources:group] StringEquals 'x'",
      },
    };
    const withCondition = new AzureAuthorizer(new TenantIndex(tenant, { roleAssignments: [conditional] }));
    expect(withCondition.permits(FAYE, PODS_READ, cluster(4), "dataAction")).toBe(false);
    expect(withCondition.permits(FAYE, USER_CREDENTIAL, cluster(4))).toBe(true);
  });
});
