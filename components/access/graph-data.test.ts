import { describe, expect, it } from "vitest";
import { decodePaths, encodeGraph } from "@/components/access/graph-data";
import type { PathStep } from "@/lib/access/types";

const step = (kind: string, id: string): PathStep => ({ kind, id, label: `${kind} ${id}` });

describe("graph data", () => {
  it("sends each step once and decodes every path as it was", () => {
    const shared = [step("roleDefinition", "contributor"), step("cluster", "aks-2")];
    const entries = [
      { grants: [{ level: "cluster-admin" as const, path: [step("principal", "penny"), ...shared] }] },
      {
        grants: [
          { level: "cluster-admin" as const, path: [step("principal", "ci"), ...shared] },
          {
            level: "read" as const,
            path: [step("principal", "ci"), step("k8s.roleBinding", "view"), shared[1]],
          },
        ],
      },
    ];
    const data = encodeGraph(entries);
    expect(data.steps).toHaveLength(5);
    entries.forEach((entry, index) => {
      expect(decodePaths(data, data.entries[index].grants)).toEqual(entry.grants.map((grant) => grant.path));
    });
    expect(data.entries[1].grants.map((grant) => grant.level)).toEqual(["cluster-admin", "read"]);
  });

  it("keeps the can-become mark of attack paths, and only on them", () => {
    const data = encodeGraph([
      {
        grants: [
          { level: "credentials-only", path: [step("principal", "leonard"), step("cluster", "aks-2")] },
          {
            level: "cluster-admin",
            potential: true,
            path: [
              step("principal", "leonard"),
              step("identity", "id-release-automation"),
              step("cluster", "aks-2"),
            ],
          },
        ],
      },
    ]);
    expect(data.entries[0].grants.map((grant) => grant.potential)).toEqual([undefined, true]);
  });
});
