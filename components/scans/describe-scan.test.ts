import { describe, expect, it } from "vitest";
import { countRows, describeSource, triggerLabel } from "./describe-scan";

// Issue 16 #6: the demo's private cluster showed as "partial — ECONNRESET: fetch failed", coverage listed
// raw ARM ids, "Objects seen" showed internal keys and a button-started scan read "api".

const AKS_DATA =
  "/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/rg-data-prod/providers/microsoft.containerservice/managedclusters/aks-data";

describe("a scan in words", () => {
  it("says a private cluster's API server is not reachable from the scanner, by name", () => {
    const described = describeSource({
      source: `cluster:${AKS_DATA}`,
      status: "not-read",
      reason: "the API server cannot be reached: ECONNRESET: fetch failed",
      name: "aks-data",
      privateCluster: true,
    });
    expect(described.label).toBe("Cluster aks-data (Kubernetes API)");
    expect(described.statusLabel).toBe("not read");
    expect(described.explanation).toMatch(
      /^Private cluster: the API server is not reachable from the scanner/,
    );
    expect(described.technical).toContain("ECONNRESET");
  });

  it("tells partly read from not read, and names a cluster without its facts by the id's last segment", () => {
    const partial = describeSource({
      source: `cluster:${AKS_DATA}`,
      status: "partial",
      reason: "not read: list pods: Forbidden",
      name: null,
      privateCluster: false,
    });
    expect(partial.statusLabel).toBe("partly read");
    expect(partial.label).toBe("Cluster aks-data (Kubernetes API)");
    expect(partial.explanation).toMatch(/not allowed/);
    const read = describeSource({
      source: "directory",
      status: "complete",
      reason: null,
      name: null,
      privateCluster: false,
    });
    expect(read).toMatchObject({ statusLabel: "read", explanation: null, technical: null });
    expect(
      describeSource({
        source: "sub:00000000-0000-0000-0000-0000000005b1",
        status: "complete",
        reason: null,
        name: "prod",
        privateCluster: false,
      }).label,
    ).toBe("Subscription prod");
  });

  it("shows friendly kinds and never internal keys", () => {
    const rows = countRows({
      clusters: 7,
      "access.grant": 120,
      pacedMs: 0,
      finding: 40,
      kubernetesObjects: 900,
    });
    expect(rows.map((row) => row.label)).toEqual([
      "Clusters",
      "Kubernetes objects",
      "Access grants (who can do what, where)",
      "Findings",
    ]);
    expect(countRows({ pacedMs: 2500 })).toEqual([
      { key: "pacedMs", label: "Waited for rate limits", value: "2.5 s" },
    ]);
  });

  it("names triggers as people say them", () => {
    expect(triggerLabel("manual")).toBe("manual");
    expect(triggerLabel("demo-history")).toBe("demo history");
    expect(triggerLabel("schedule")).toBe("scheduled");
  });
});
