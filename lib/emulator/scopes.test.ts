import { describe, expect, it } from "vitest";
import { managementGroupNameOf, normalizeScope, subscriptionScopeChain } from "@/lib/emulator/scopes";

describe("scopes", () => {
  it("normalizes case, duplicate and trailing slashes", () => {
    expect(normalizeScope("//Subscriptions/ABC/ResourceGroups/RG/")).toBe(
      "/subscriptions/abc/resourcegroups/rg",
    );
    expect(normalizeScope("/")).toBe("/");
    expect(normalizeScope("subscriptions/x")).toBe("/subscriptions/x");
  });

  it("walks a namespace scope up to its subscription", () => {
    expect(
      subscriptionScopeChain(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1/namespaces/web",
      ),
    ).toEqual([
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1/namespaces/web",
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1",
      "/subscriptions/s/resourcegroups/rg",
      "/subscriptions/s",
    ]);
    expect(subscriptionScopeChain("/providers/Microsoft.Management/managementGroups/x")).toEqual([]);
  });

  it("recognises management group scopes", () => {
    expect(managementGroupNameOf("/providers/Microsoft.Management/managementGroups/Platform")).toBe(
      "platform",
    );
    expect(managementGroupNameOf("/subscriptions/s")).toBeUndefined();
  });
});
