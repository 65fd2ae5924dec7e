import { describe, expect, it } from "vitest";
import {
  clusterInScope,
  normalizeScope,
  resolveScope,
  ScopeResolutionError,
  scopeKey,
} from "@/lib/reports/scope";

const sub = "00000000-0000-0000-0000-0000000005B1";
const clusters = [
  {
    id: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/a",
    name: "a",
    subscriptionId: "s1",
  },
  {
    id: "/subscriptions/s2/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/a",
    name: "a",
    subscriptionId: "s2",
  },
  {
    id: "/subscriptions/s2/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/b",
    name: "b",
    subscriptionId: "s2",
  },
];

describe("report scope", () => {
  it("normalizes case, order and duplicates, so equal scopes have equal keys", () => {
    const a = normalizeScope({
      subscriptionIds: [sub, sub.toLowerCase()],
      clusterIds: ["/X/Y", "/x/y/", "/a"],
    });
    expect(a).toEqual({ subscriptionIds: [sub.toLowerCase()], clusterIds: ["/a", "/x/y"] });
    expect(scopeKey("T", a)).toBe(
      scopeKey("t", normalizeScope({ subscriptionIds: [sub], clusterIds: ["/a", "/X/y"] })),
    );
    expect(scopeKey("t", a)).not.toBe(scopeKey("t", normalizeScope({ subscriptionIds: [], clusterIds: [] })));
    expect(scopeKey("t", a)).not.toBe(scopeKey("other", a));
  });

  it("puts a cluster in scope when it matches every non-empty list", () => {
    const all = normalizeScope({ subscriptionIds: [], clusterIds: [] });
    expect(clusters.every((c) => clusterInScope(all, c))).toBe(true);
    const s2 = normalizeScope({ subscriptionIds: ["S2"], clusterIds: [] });
    expect(clusters.filter((c) => clusterInScope(s2, c)).map((c) => c.id)).toEqual([
      clusters[1].id,
      clusters[2].id,
    ]);
    const both = normalizeScope({ subscriptionIds: ["s1"], clusterIds: [clusters[2].id] });
    expect(clusters.filter((c) => clusterInScope(both, c))).toEqual([]);
  });

  it("resolves cluster names and ids, and refuses unknown or ambiguous ones", () => {
    expect(resolveScope({ subscriptionIds: [], clusters: ["B"] }, clusters, []).clusterIds).toEqual([
      clusters[2].id,
    ]);
    expect(
      resolveScope({ subscriptionIds: [], clusters: [clusters[0].id.toUpperCase()] }, clusters, [])
        .clusterIds,
    ).toEqual([clusters[0].id]);
    expect(() => resolveScope({ subscriptionIds: [], clusters: ["a"] }, clusters, [])).toThrow(
      /Several clusters/,
    );
    expect(() => resolveScope({ subscriptionIds: [], clusters: ["zzz"] }, clusters, [])).toThrow(
      ScopeResolutionError,
    );
    expect(() => resolveScope({ subscriptionIds: ["s9"], clusters: [] }, clusters, [])).toThrow(
      /Unknown subscription/,
    );
  });
});
