import { describe, expect, it } from "vitest";
import {
  clusterNamespaceScope,
  kubernetesNaturalKey,
  normalizeArmId,
  parseArmId,
  roleDefinitionGuid,
} from "@/lib/model/ids";

describe("ids", () => {
  it.each([
    ["/Subscriptions/ABC/resourceGroups/RG/", "/subscriptions/abc/resourcegroups/rg"],
    ["subscriptions/abc", "/subscriptions/abc"],
    ["//subscriptions//abc", "/subscriptions/abc"],
    ["/", "/"],
  ])("normalizeArmId(%s) = %s", (input, expected) => {
    expect(normalizeArmId(input)).toBe(expected);
  });

  it.each([
    [
      "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/ACDD72A7-3385-48EF-BD42-F606FBA81AE7",
      "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    ],
    ["acdd72a7-3385-48ef-bd42-f606fba81ae7", "acdd72a7-3385-48ef-bd42-f606fba81ae7"],
  ])("roleDefinitionGuid(%s)", (input, expected) => {
    expect(roleDefinitionGuid(input)).toBe(expected);
  });

  it.each([
    ["/subscriptions/s", { subscriptionId: "s", resourceGroup: null, resourceType: null, name: null }],
    [
      "/subscriptions/s/resourceGroups/rg",
      { subscriptionId: "s", resourceGroup: "rg", resourceType: null, name: null },
    ],
    [
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
      {
        subscriptionId: "s",
        resourceGroup: "rg",
        resourceType: "microsoft.containerservice/managedclusters",
        name: "aks",
      },
    ],
    [
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials/f",
      {
        subscriptionId: "s",
        resourceGroup: "rg",
        resourceType: "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials",
        name: "f",
      },
    ],
    [
      "/providers/Microsoft.Management/managementGroups/mg",
      {
        subscriptionId: null,
        resourceGroup: null,
        resourceType: "microsoft.management/managementgroups",
        name: "mg",
      },
    ],
  ])("parseArmId(%s)", (input, expected) => {
    expect(parseArmId(input)).toEqual(expected);
  });

  it("builds namespace scopes and Kubernetes natural keys", () => {
    expect(clusterNamespaceScope("/Subscriptions/S/x/AKS", "Default")).toBe(
      "/subscriptions/s/x/aks/namespaces/default",
    );
    expect(kubernetesNaturalKey("/A/B", "RoleBinding", "default", "x")).toBe("/a/b|RoleBinding|default|x");
    expect(kubernetesNaturalKey("/a/b", "ClusterRole", null, "admin")).toBe("/a/b|ClusterRole||admin");
  });
});
