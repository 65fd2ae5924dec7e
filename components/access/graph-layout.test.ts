import { describe, expect, it } from "vitest";
import {
  CENTRED_ROWS,
  LINE_CHARS,
  layoutAccessGraph,
  MAX_LINES,
  NODE_HEIGHT,
  NODE_WIDTH,
  wrapLabel,
} from "@/components/access/graph-layout";
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

  it("leaves a gap between any two node boxes", () => {
    const layout = layoutAccessGraph([penny, spike, sheldon]);
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          a.x + NODE_WIDTH + 40 <= b.x ||
          b.x + NODE_WIDTH + 40 <= a.x ||
          a.y + NODE_HEIGHT + 12 <= b.y ||
          b.y + NODE_HEIGHT + 12 <= a.y;
        expect(apart, `${a.id} and ${b.id}`).toBe(true);
      }
    }
  });

  it("gives every edge its own end on each side of a node, inside the node, in the order of the other ends", () => {
    // ten principals through one group: ten edges into the group, the group's edge out
    const many = Array.from({ length: 10 }, (_, index) => [
      step("principal", `p${index}`),
      ...spike.slice(1),
    ]);
    const layout = layoutAccessGraph([...many, penny]);
    const y = new Map(layout.nodes.map((node) => [node.id, node.y]));
    const into = layout.edges.filter((edge) => edge.target === "groupMembership:aks-admins");
    expect(into).toHaveLength(10);
    const ends = into.map((edge) => edge.targetOffset);
    expect(new Set(ends).size).toBe(10);
    for (const end of ends) expect(Math.abs(end)).toBeLessThan(NODE_HEIGHT / 2);
    // sorted by the source's height: the edges do not cross where they enter
    const bySource = [...into].sort((a, b) => (y.get(a.source) ?? 0) - (y.get(b.source) ?? 0));
    const offsets = bySource.map((edge) => edge.targetOffset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    // two edges into the cluster (from the ClusterRole and from system:masters) end apart
    const cluster = layout.edges
      .filter((edge) => edge.target === "cluster:aks-2")
      .map((edge) => edge.targetOffset);
    expect(cluster).toHaveLength(2);
    expect(Math.abs(cluster[0] - cluster[1])).toBeGreaterThanOrEqual(8);
    // a single edge leaves from the middle
    expect(layout.edges.find((edge) => edge.source === "principal:p0")?.sourceOffset).toBe(0);
  });
});

describe("layoutAccessGraph, tall", () => {
  it("starts every column at the top once the graph is taller than its frame, and centres short graphs", () => {
    const tall = Array.from({ length: CENTRED_ROWS + 3 }, (_, index) => [
      step("principal", `p${index}`),
      ...spike.slice(1),
    ]);
    const top = (layout: ReturnType<typeof layoutAccessGraph>, id: string) =>
      layout.nodes.find((node) => node.id === id)?.y;
    expect(top(layoutAccessGraph(tall), "cluster:aks-2")).toBe(0);
    const short = layoutAccessGraph(tall.slice(0, 3));
    expect(top(short, "cluster:aks-2")).toBeGreaterThan(0);
  });
});

describe("wrapLabel", () => {
  it("breaks an Azure action after its slash, never inside a word", () => {
    expect(wrapLabel("listClusterAdminCredential/action", 28)).toEqual([
      "listClusterAdminCredential/",
      "action",
    ]);
    // too long for one line even on its own: split between the words of the camelCase name
    expect(wrapLabel("listClusterAdminCredential/action", 20)).toEqual([
      "listClusterAdmin",
      "Credential/action",
    ]);
  });

  it("fills lines word by word and keeps short labels on one line", () => {
    expect(wrapLabel("ClusterRole cluster-admin")).toEqual(["ClusterRole cluster-admin"]);
    const lines = wrapLabel("RoleBinding shipping-1/view-shipping-1-14160", 24);
    expect(lines.join("")).toBe("RoleBinding shipping-1/view-shipping-1-14160");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(24);
    expect(lines[0]).toBe("RoleBinding shipping-1/");
  });

  it("ends in an ellipsis at a boundary after the last line", () => {
    const lines = wrapLabel(
      "Contributor on resource group rsg-aksidentitystate2 in subscription Contoso Production East",
      LINE_CHARS,
    );
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines.at(-1)?.endsWith("…")).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(LINE_CHARS);
    // every word kept is whole
    const words = new Set(
      "Contributor on resource group rsg-aksidentitystate2 in subscription Contoso Production East".split(
        " ",
      ),
    );
    for (const word of lines.join(" ").replace("…", "").split(" ")) expect(words.has(word), word).toBe(true);
  });
});
