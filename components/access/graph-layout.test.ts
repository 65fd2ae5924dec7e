import { describe, expect, it } from "vitest";
import { layoutAccessGraph } from "@/components/access/graph-layout";
import type { PathStep } from "@/lib/access/types";

const step = (kind: string, id: string): PathStep => ({ kind, id, label: `${kind} ${id}` });

const penny = [
  step("principal", "penny"),
  step("roleAssignment", "contributor-rg2"),
  step("roleDefinition", "contributor"),
  step("permission", "listClusterAdminCredential"),
  step("clusterSetting", "aks-2#disableLocalAccounts"),
  step("k8s.group", "system:masters"),
  step("cluster", "aks-2"),
];
const spike = [
  step("principal", "spike"),
  step("groupMembership", "aks-admins"),
  step("clusterSetting", "aks-2#adminGroupObjectIDs"),
  step("k8s.clusterRoleBinding", "aks-cluster-admin-binding-aad"),
  step("k8s.clusterRole", "cluster-admin"),
  step("cluster", "aks-2"),
];
const sheldon = [step("principal", "sheldon"), ...spike.slice(1)];

describe("layoutAccessGraph", () => {
  it("shares nodes between paths and draws each edge once", () => {
    const layout = layoutAccessGraph([penny, spike, sheldon]);
    const ids = layout.nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id === "cluster:aks-2")).toHaveLength(1);
    expect(ids.filter((id) => id === "groupMembership:aks-admins")).toHaveLength(1);
    const edgeIds = layout.edges.map((edge) => edge.id);
    expect(new Set(edgeIds).size).toBe(edgeIds.length);
    // penny has 6 edges, spike 5, sheldon adds only principal → group
    expect(layout.edges).toHaveLength(6 + 5 + 1);
  });

  it("puts principals first and the cluster last, every edge pointing right", () => {
    const layout = layoutAccessGraph([penny, spike, sheldon]);
    const column = new Map(layout.nodes.map((node) => [node.id, node.column]));
    for (const node of layout.nodes) {
      if (node.kind === "principal") expect(node.column).toBe(0);
      if (node.kind === "cluster") expect(node.column).toBe(layout.columns - 1);
    }
    for (const edge of layout.edges) {
      expect(column.get(edge.target)).toBeGreaterThan(column.get(edge.source) ?? Number.POSITIVE_INFINITY);
    }
  });

  it("never stacks two nodes on the same spot", () => {
    const layout = layoutAccessGraph([penny, spike, sheldon]);
    const spots = layout.nodes.map((node) => `${node.x},${node.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });

  it("keeps a group next to its members (barycentre ordering)", () => {
    const layout = layoutAccessGraph([spike, penny, sheldon]);
    const node = (id: string) => layout.nodes.find((candidate) => candidate.id === id);
    const group = node("groupMembership:aks-admins");
    const roleAssignment = node("roleAssignment:contributor-rg2");
    expect(group?.column).toBe(1);
    // spike and sheldon (rows 0 and 2) feed the group; penny (row 1) feeds the assignment:
    // the group's mean is 1, the assignment's is 1 too, first appearance (spike's path) wins
    expect(group?.row).toBeLessThan(roleAssignment?.row ?? -1);
  });

  it("lays out nothing for no paths and survives a cycle", () => {
    expect(layoutAccessGraph([]).nodes).toEqual([]);
    const cycle = layoutAccessGraph([
      [step("principal", "a"), step("k8s.group", "g"), step("principal", "a")],
    ]);
    expect(cycle.nodes).toHaveLength(2);
  });

  it("marks edges only can-become paths use as potential, and keeps crossed clusters out of the last column", () => {
    // Leonard's story in the demo: admin in aks-1/default → a token of default/release-bot → a
    // federated identity with Contributor on aks-2's resource group → aks-2's admin credential.
    const leonard = [
      step("principal", "leonard"),
      step("k8s.roleBinding", "aks-1/default/defaultnsadmin"),
      step("permission", "create serviceaccounts/token"),
      step("cluster", "aks-1"),
      step("k8s.serviceAccount", "aks-1/default/release-bot"),
      step("identity", "id-release-automation"),
      step("roleAssignment", "contributor-rg2"),
      step("roleDefinition", "contributor"),
      step("permission", "listClusterAdminCredential"),
      step("clusterSetting", "aks-2#disableLocalAccounts"),
      step("k8s.group", "system:masters"),
      step("cluster", "aks-2"),
    ];
    const layout = layoutAccessGraph([penny, leonard], [false, true]);
    const edge = (source: string, target: string) =>
      layout.edges.find((candidate) => candidate.id === `${source}->${target}`);
    expect(edge("principal:leonard", "k8s.roleBinding:aks-1/default/defaultnsadmin")?.potential).toBe(true);
    // shared with Penny's held path: drawn as held
    expect(edge("roleAssignment:contributor-rg2", "roleDefinition:contributor")?.potential).toBe(false);
    expect(edge("principal:penny", "roleAssignment:contributor-rg2")?.potential).toBe(false);
    const column = (id: string) => layout.nodes.find((node) => node.id === id)?.column;
    expect(column("cluster:aks-2")).toBe(layout.columns - 1);
    expect(column("cluster:aks-1")).toBe(3);
    expect(column("cluster:aks-1")).toBeLessThan(column("k8s.serviceAccount:aks-1/default/release-bot") ?? 0);
  });
});
