import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AzAgainstEmulator,
  azAgainstEmulator,
  hasCommand,
} from "@/cli/test-support/az-against-emulator";

// `az aks list` / `az aks show` through the real azure-cli against the emulator. The CLI's model reads
// properties.servicePrincipalProfile of every cluster (azure-cli acs/custom.py `_remove_nulls` dereferences
// it and crashed with "'NoneType' object has no attribute 'secret'" before the emulator served it). AKS
// always returns the profile (azure-rest-api-specs, specification/containerservice/resource-manager/
// Microsoft.ContainerService/aks/stable/2024-09-01/examples/ManagedClustersGet.json and
// ManagedClustersList.json); a cluster on a managed identity shows the placeholder client id "msi"
// (azure-cli acs/custom.py tests `service_principal_profile.client_id == "msi"`).

type AzCluster = {
  id: string;
  name: string;
  identity?: { type?: string };
  servicePrincipalProfile?: { clientId?: string; secret?: unknown };
  aadProfile?: { adminGroupObjectIDs?: string[] } | null;
};

describe.skipIf(!hasCommand("az"))("az aks against the emulator", () => {
  let az: AzAgainstEmulator;

  beforeAll(async () => {
    az = await azAgainstEmulator();
  }, 600_000);

  afterAll(async () => {
    await az?.close();
  });

  it("az aks list -o json lists the demo's clusters of a subscription, managed identities shown as msi", async () => {
    const subscriptions = await az.run("az", ["account", "list", "--query", "[].id", "-o", "json"]);
    expect(subscriptions.code, subscriptions.stderr).toBe(0);
    const names: string[] = [];
    for (const subscription of JSON.parse(subscriptions.stdout) as string[]) {
      const listed = await az.run("az", ["aks", "list", "--subscription", subscription, "-o", "json"]);
      expect(listed.code, listed.stderr).toBe(0);
      for (const cluster of JSON.parse(listed.stdout) as AzCluster[]) {
        names.push(cluster.name);
        expect(cluster.identity?.type, cluster.name).toMatch(/Assigned$/);
        expect(cluster.servicePrincipalProfile, cluster.name).toEqual({ clientId: "msi" });
      }
    }
    expect(names.sort()).toEqual([
      "aks-1",
      "aks-2",
      "aks-3",
      "aks-data",
      "aks-dev-1",
      "aks-dev-sandbox",
      "aks-payments",
    ]);
  }, 600_000);

  it("az aks show answers one cluster as the list does; a missing cluster is az's clear not-found error", async () => {
    const listed = await az.run("az", [
      "aks",
      "list",
      "--subscription",
      "00000000-0000-0000-0000-0000000005b1",
      "--query",
      "[?name=='aks-1'] | [0]",
      "-o",
      "json",
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const fromList = JSON.parse(listed.stdout) as AzCluster;
    const resourceGroup = fromList.id.split("/")[4];
    const shown = await az.run("az", [
      "aks",
      "show",
      "--subscription",
      "00000000-0000-0000-0000-0000000005b1",
      "-g",
      resourceGroup,
      "-n",
      "aks-1",
      "-o",
      "json",
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    const cluster = JSON.parse(shown.stdout) as AzCluster;
    expect(cluster.id).toBe(fromList.id);
    expect(cluster.servicePrincipalProfile).toEqual({ clientId: "msi" });
    expect(cluster.aadProfile?.adminGroupObjectIDs).toEqual(fromList.aadProfile?.adminGroupObjectIDs);

    const missing = await az.run("az", [
      "aks",
      "show",
      "--subscription",
      "00000000-0000-0000-0000-0000000005b1",
      "-g",
      resourceGroup,
      "-n",
      "no-such-cluster",
      "-o",
      "json",
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/ResourceNotFound|could not be found|was not found/);
    expect(missing.stderr).not.toMatch(/Traceback|unexpected error/);
  }, 600_000);
});
