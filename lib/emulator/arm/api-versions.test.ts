import { describe, expect, it } from "vitest";
import { checkApiVersion, resourceTypeOf, supportedApiVersions } from "@/lib/emulator/arm/api-versions";

const lower = (path: string) => path.toLowerCase().split("/").filter(Boolean);
const SUB = "/subscriptions/00000000-0000-0000-0000-0000000005b1";

describe("resourceTypeOf", () => {
  it.each([
    ["/subscriptions", "subscriptions"],
    [SUB, "subscriptions"],
    ["/tenants", "tenants"],
    [`${SUB}/resourceGroups/rg`, "resourcegroups"],
    [`${SUB}/resourceGroups/rg/resources`, "resources"],
    [
      `${SUB}/providers/Microsoft.ContainerService/managedClusters`,
      "microsoft.containerservice/managedclusters",
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1/listClusterUserCredential`,
      "microsoft.containerservice/managedclusters",
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials`,
      "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials",
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1/providers/Microsoft.Authorization/roleAssignments`,
      "microsoft.authorization/roleassignments",
    ],
    ["/providers/Microsoft.Management/managementGroups/root", "microsoft.management/managementgroups"],
  ])("%s → %s", (path, type) => {
    expect(resourceTypeOf(lower(path))).toBe(type);
  });
});

describe("checkApiVersion", () => {
  const check = (path: string, query: string) => checkApiVersion(new URLSearchParams(query), lower(path));

  it("accepts every version the scanner's SDKs send", () => {
    // @azure/arm-containerservice 25.5.0, arm-msi 2.2.0 (+ the scanner's 2025-01-31-preview read),
    // arm-authorization 9.0.0, arm-resources-subscriptions 3.0.0, management groups on the pipeline.
    expect(
      check(`${SUB}/providers/Microsoft.ContainerService/managedClusters`, "api-version=2026-06-01"),
    ).toBeUndefined();
    expect(
      check(`${SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`, "api-version=2024-11-30"),
    ).toBeUndefined();
    expect(
      supportedApiVersions("microsoft.managedidentity/userassignedidentities/federatedidentitycredentials"),
    ).toContain("2025-01-31-preview");
    expect(
      check(`${SUB}/providers/Microsoft.Authorization/roleDefinitions`, "api-version=2022-04-01"),
    ).toBeUndefined();
    expect(check(SUB, "api-version=2022-12-01")).toBeUndefined();
    expect(
      check("/providers/Microsoft.Management/managementGroups", "api-version=2021-04-01"),
    ).toBeUndefined();
    // ARM matches query parameter names case-insensitively.
    expect(check(SUB, "API-Version=2022-12-01")).toBeUndefined();
  });

  it("answers a missing api-version with MissingApiVersionParameter", () => {
    const response = check(SUB, "");
    expect(response?.status).toBe(400);
    expect(JSON.parse(response?.body ?? "{}")).toEqual({
      error: {
        code: "MissingApiVersionParameter",
        message: "The api-version query parameter (?api-version=) is required for all requests.",
      },
    });
  });

  it("answers an unsupported one with InvalidApiVersionParameter listing the type's versions", () => {
    const response = check(
      `${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1`,
      "api-version=2099-01-01",
    );
    expect(response?.status).toBe(400);
    const body = JSON.parse(response?.body ?? "{}") as { error: { code: string; message: string } };
    expect(body.error.code).toBe("InvalidApiVersionParameter");
    expect(body.error.message).toMatch(
      /^The api-version '2099-01-01' is invalid\. The supported versions are '2026-06-01,2025-10-01,.*,2017-08-31'\.$/,
    );
    // Federated credentials did not exist before 2022-01-31-preview.
    expect(
      check(
        `${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials`,
        "api-version=2018-11-30",
      )?.status,
    ).toBe(400);
  });
});
