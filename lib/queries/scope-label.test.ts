import { describe, expect, it } from "vitest";
import { describeScope } from "@/lib/queries/scope-label";

const sub = "/subscriptions/00000000-0000-0000-0000-0000000005b1";

describe("describeScope", () => {
  it.each([
    ["/", "the tenant root"],
    ["/providers/microsoft.management/managementgroups/platform", "management group platform"],
    [sub, "subscription 00000000-0000-0000-0000-0000000005b1"],
    [`${sub}/resourcegroups/rsg-aksidentitystate1`, "resource group rsg-aksidentitystate1"],
    [`${sub}/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1`, "cluster aks-1"],
    [
      `${sub}/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1/namespaces/web`,
      "cluster aks-1, namespace web",
    ],
    [`${sub}/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv-orders`, "key vault kv-orders"],
    [`${sub}/resourcegroups/rg/providers/microsoft.web/sites/app-1`, "sites app-1"],
  ])("%s → %s", (scope, expected) => {
    expect(describeScope(scope)).toBe(expected);
  });
});
