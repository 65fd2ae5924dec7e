import type { PathStep } from "@/lib/access/types";

// A layered layout for the access graph, computed here rather than by a layout library: every path
// runs principal → (group) → role or binding → permission or setting → cluster, so nodes are placed
// in columns by their longest distance from a principal (the cluster always last), and ordered
// within a column by the mean row of their predecessors, which keeps most edges short and uncrossed.

export type GraphNode = {
  id: string;
  kind: string;
  label: string;
  /** link target id of the step (principal id, cluster id ...) */
  stepId: string;
  column: number;
  row: number;
  x: number;
  y: number;
};

/** `potential`: every path through the edge is one the principal can become, none it holds */
export type GraphEdge = { id: string; source: string; target: string; potential: boolean };

export type GraphLayout = { nodes: GraphNode[]; edges: GraphEdge[]; columns: number; rows: number };

export const COLUMN_WIDTH = 225;
export const ROW_HEIGHT = 66;
export const NODE_WIDTH = 195;

const nodeId = (step: PathStep) => `${step.kind}:${step.id}`;

/**
 * `potential[i]` marks path i as an attack path (can become, not held). Only a path's last step is
 * placed in the cluster column: an attack path crosses other clusters on its way (a pod on aks-1
 * reaching aks-2), and those are ordinary steps.
 */
export function layoutAccessGraph(
  paths: readonly (readonly PathStep[])[],
  potential: readonly boolean[] = [],
): GraphLayout {
  const steps = new Map<string, PathStep>();
  const targets = new Set<string>();
  const order = new Map<string, number>();
  const predecessors = new Map<string, Set<string>>();
  const edges = new Map<string, GraphEdge>();
  paths.forEach((path, pathIndex) => {
    const isPotential = potential[pathIndex] === true;
    const last = path.at(-1);
    if (last) targets.add(nodeId(last));
    path.forEach((step, index) => {
      const id = nodeId(step);
      if (!steps.has(id)) {
        steps.set(id, step);
        order.set(id, order.size);
        predecessors.set(id, new Set());
      }
      if (index > 0) {
        const source = nodeId(path[index - 1]);
        if (source === id) return;
        predecessors.get(id)?.add(source);
        const edgeId = `${source}->${id}`;
        const edge = edges.get(edgeId);
        if (!edge) edges.set(edgeId, { id: edgeId, source, target: id, potential: isPotential });
        else if (!isPotential) edge.potential = false;
      }
    });
  });

  // Longest-path layering; a cycle (never produced by the engine) stops after |V| rounds.
  const layer = new Map<string, number>([...steps.keys()].map((id) => [id, 0]));
  for (let round = 0; round < steps.size; round++) {
    let changed = false;
    for (const [id, sources] of predecessors) {
      for (const source of sources) {
        const wanted = (layer.get(source) ?? 0) + 1;
        if (wanted > (layer.get(id) ?? 0) && wanted < steps.size) {
          layer.set(id, wanted);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const maxLayer = Math.max(0, ...layer.values());
  for (const id of targets) layer.set(id, maxLayer);

  // Order each column by the mean row of its predecessors (first appearance breaks ties).
  const columns: string[][] = Array.from({ length: maxLayer + 1 }, () => []);
  for (const id of steps.keys()) columns[layer.get(id) ?? 0].push(id);
  const rowOf = new Map<string, number>();
  columns.forEach((column, columnIndex) => {
    const key = (id: string) => {
      const sources = [...(predecessors.get(id) ?? [])].filter((source) => rowOf.has(source));
      if (columnIndex === 0 || sources.length === 0) return order.get(id) ?? 0;
      return sources.reduce((sum, source) => sum + (rowOf.get(source) ?? 0), 0) / sources.length;
    };
    column.sort((a, b) => key(a) - key(b) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
    column.forEach((id, row) => {
      rowOf.set(id, row);
    });
  });

  const rows = Math.max(1, ...columns.map((column) => column.length));
  const nodes: GraphNode[] = [];
  columns.forEach((column, columnIndex) => {
    // centre short columns against the tallest one
    const offset = ((rows - column.length) * ROW_HEIGHT) / 2;
    column.forEach((id, row) => {
      const step = steps.get(id) as PathStep;
      nodes.push({
        id,
        kind: step.kind,
        label: step.label,
        stepId: step.id,
        column: columnIndex,
        row,
        x: columnIndex * COLUMN_WIDTH,
        y: offset + row * ROW_HEIGHT,
      });
    });
  });
  return { nodes, edges: [...edges.values()], columns: columns.length, rows };
}
