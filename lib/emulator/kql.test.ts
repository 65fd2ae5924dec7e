import { describe, expect, it } from "vitest";
import { evaluatePredicate, KqlError, parseKql, projectRow } from "@/lib/emulator/kql";

const cluster = {
  id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1",
  name: "aks-1",
  type: "microsoft.containerservice/managedclusters",
  subscriptionId: "s1",
  properties: { aadProfile: { managed: true }, kubernetesVersion: "1.31" },
};
const identity = {
  ...cluster,
  name: "id-1",
  type: "microsoft.managedidentity/userassignedidentities",
  subscriptionId: "s2",
};

function matches(query: string, row: Record<string, unknown>): boolean {
  return parseKql(query).where.every((predicate) => evaluatePredicate(predicate, row));
}

describe("parseKql", () => {
  it("matches =~ case-insensitively and == exactly", () => {
    expect(matches("resources | where type =~ 'Microsoft.ContainerService/managedClusters'", cluster)).toBe(
      true,
    );
    expect(matches("resources | where type == 'Microsoft.ContainerService/managedClusters'", cluster)).toBe(
      false,
    );
    expect(matches("resources | where type !~ 'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS'", cluster)).toBe(
      false,
    );
  });

  it("combines and/or with parentheses and in / in~ / !in lists", () => {
    const query =
      "resources | where (type =~ 'microsoft.containerservice/managedclusters' or type in~ ('Microsoft.ManagedIdentity/userAssignedIdentities')) and subscriptionId in ('s1', 's2')";
    expect(matches(query, cluster)).toBe(true);
    expect(matches(query, identity)).toBe(true);
    expect(matches("resources | where subscriptionId !in ('s1')", cluster)).toBe(false);
    expect(matches("resources | where subscriptionId in ('S1')", cluster)).toBe(false);
  });

  it("reads dotted property paths and boolean literals", () => {
    expect(matches("resources | where properties.aadProfile.managed == true", cluster)).toBe(true);
    expect(matches("resources | where properties.aadProfile.enableAzureRBAC == true", cluster)).toBe(false);
  });

  it("projects columns, renames, and names dotted paths with underscores", () => {
    const query = parseKql("resources | project id, clusterName = name, properties.kubernetesVersion");
    expect(projectRow(query, cluster)).toEqual({
      id: cluster.id,
      clusterName: "aks-1",
      properties_kubernetesVersion: "1.31",
    });
  });

  it("parses take/limit and the authorizationresources table", () => {
    expect(parseKql("AuthorizationResources | take 5")).toMatchObject({
      table: "authorizationresources",
      take: 5,
    });
  });

  it.each([
    ["resources | extend x = 1", "unsupported operator 'extend'"],
    ["resources | summarize count() by type", "unsupported operator 'summarize'"],
    ["securityresources | where type == 'x'", "unsupported table 'securityresources'"],
    ["resources | where tolower(type) == 'x'", "unsupported function 'tolower()'"],
    ["resources | where name contains 'aks'", "unsupported operator 'contains'"],
    ["resources | where type == 'x", "unterminated string"],
  ])("rejects %s naming what is unsupported", (query, message) => {
    expect(() => parseKql(query)).toThrow(KqlError);
    expect(() => parseKql(query)).toThrow(message);
  });
});
