import { BUCKET_KIND } from "@/components/access/graph-data";

// Colours of the access graph, shared by its nodes, edges and legend so that the legend cannot drift
// from the drawing.

export type NodeStyle = { background: string; border: string; double?: true };

export const NODE_STYLES: { kinds: string[]; name: string; style: NodeStyle }[] = [
  { kinds: ["principal"], name: "Principal", style: { background: "#eef2ff", border: "#6366f1" } },
  {
    kinds: [BUCKET_KIND],
    name: "Principals folded together (click to list them)",
    style: { background: "#eef2ff", border: "#4f46e5", double: true },
  },
  {
    kinds: ["groupMembership", "k8s.group"],
    name: "Group",
    style: { background: "#f5f3ff", border: "#8b5cf6" },
  },
  {
    kinds: ["roleAssignment"],
    name: "Azure role assignment",
    style: { background: "#fff7ed", border: "#f97316" },
  },
  {
    kinds: ["roleDefinition", "permission"],
    name: "Azure role or permission",
    style: { background: "#fffbeb", border: "#d97706" },
  },
  {
    kinds: ["k8s.clusterRoleBinding", "k8s.roleBinding"],
    name: "Kubernetes binding",
    style: { background: "#ecfeff", border: "#0891b2" },
  },
  {
    kinds: ["k8s.clusterRole", "k8s.role"],
    name: "Kubernetes role",
    style: { background: "#f0fdfa", border: "#0d9488" },
  },
  { kinds: ["clusterSetting"], name: "Cluster setting", style: { background: "#fef2f2", border: "#dc2626" } },
  { kinds: ["cluster"], name: "Cluster", style: { background: "#f1f5f9", border: "#334155" } },
];
const OTHER: NodeStyle = { background: "#ffffff", border: "#64748b" };
export const OTHER_NODE_NAME = "Other step (identity, service account, pod …)";

export function nodeStyleOf(kind: string): NodeStyle {
  return NODE_STYLES.find((entry) => entry.kinds.includes(kind))?.style ?? OTHER;
}

/** held access: solid slate; can become (attack path, not held): dashed red; focused: indigo, thick */
export const HELD_STROKE = "#64748b";
export const POTENTIAL_STROKE = "#b91c1c";
export const HIGHLIGHT_STROKE = "#4338ca";
export const POTENTIAL_DASH = "6 4";
