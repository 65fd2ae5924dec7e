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

/**
 * `potential`: every path through the edge is one the principal can become, none it holds.
 * `sourceOffset`/`targetOffset`: where the edge leaves and enters its nodes, in px from the middle of
 * the node's side, so that no two edges of a node share an end and each can be followed by eye.
 */
export type GraphEdge = {
  id: string;
  source: string;
  target: string;
  potential: boolean;
  sourceOffset: number;
  targetOffset: number;
};

export type GraphLayout = { nodes: GraphNode[]; edges: GraphEdge[]; columns: number; rows: number };

/** Node labels are drawn at this size and never zoomed below it (minZoom 1): readable, not fitted. */
export const LABEL_FONT_PX = 12;
export const LINE_HEIGHT_PX = 16;
/** three lines of label; the rest is in the node's title */
export const MAX_LINES = 3;
export const NODE_PADDING_PX = 7;
export const NODE_WIDTH = 224;
export const NODE_HEIGHT = MAX_LINES * LINE_HEIGHT_PX + 2 * NODE_PADDING_PX + 2;
/** characters of a line at LABEL_FONT_PX within the node (an average character is ~0.6 em) */
export const LINE_CHARS = 28;
/** the gap between columns leaves room for edges to fan out; rows leave a gap to pass between */
export const COLUMN_WIDTH = NODE_WIDTH + 88;
export const ROW_HEIGHT = NODE_HEIGHT + 20;
/** up to this many rows the graph fits the cluster page's frame and short columns are centred */
export const CENTRED_ROWS = 7;
/** how far apart the ends of two edges on one side of a node are, at most */
const END_SPACING = 9;

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
        if (!edge)
          edges.set(edgeId, {
            id: edgeId,
            source,
            target: id,
            potential: isPotential,
            sourceOffset: 0,
            targetOffset: 0,
          });
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
    // centre short columns against the tallest one while the whole graph fits its frame; a taller
    // graph is read from its top-left corner, so every column starts at the top
    const offset = rows <= CENTRED_ROWS ? ((rows - column.length) * ROW_HEIGHT) / 2 : 0;
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
  const edgeList = [...edges.values()];
  spreadEdgeEnds(nodes, edgeList);
  return { nodes, edges: edgeList, columns: columns.length, rows };
}

/**
 * Gives each edge its own end on both of its nodes: the edges leaving a node are spread over its
 * right side in the order of their targets' height (and entering edges over the left side in the
 * order of their sources'), so edges neither share a line nor cross at the node.
 */
function spreadEdgeEnds(nodes: readonly GraphNode[], edges: GraphEdge[]): void {
  const y = new Map(nodes.map((node) => [node.id, node.y]));
  const spread = (
    list: GraphEdge[],
    other: (edge: GraphEdge) => string,
    set: (edge: GraphEdge, offset: number) => void,
  ) => {
    list.sort((a, b) => (y.get(other(a)) ?? 0) - (y.get(other(b)) ?? 0) || a.id.localeCompare(b.id));
    const room = NODE_HEIGHT - 2 * NODE_PADDING_PX;
    const step = list.length > 1 ? Math.min(END_SPACING, room / (list.length - 1)) : 0;
    list.forEach((edge, index) => {
      set(edge, (index - (list.length - 1) / 2) * step);
    });
  };
  const outgoing = new Map<string, GraphEdge[]>();
  const incoming = new Map<string, GraphEdge[]>();
  for (const edge of edges) {
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
  }
  for (const list of outgoing.values())
    spread(
      list,
      (edge) => edge.target,
      (edge, offset) => {
        edge.sourceOffset = offset;
      },
    );
  for (const list of incoming.values())
    spread(
      list,
      (edge) => edge.source,
      (edge, offset) => {
        edge.targetOffset = offset;
      },
    );
}

/**
 * A node label in lines of at most `maxChars`, broken only between words or after a segment
 * separator (`/`, `:`, `.`, `-` ...), or between the words of a camelCase name when one segment is
 * longer than a line: never inside a word. More than `maxLines` and the last line ends in "…".
 */
export function wrapLabel(text: string, maxChars = LINE_CHARS, maxLines = MAX_LINES): string[] {
  const pieces = (word: string): string[] =>
    word
      .split(/(?<=[/:,._#=-])/)
      .flatMap((segment) =>
        segment.length <= maxChars ? [segment] : segment.split(/(?<=[a-z0-9])(?=[A-Z])/),
      )
      .flatMap((segment) => {
        // a single run of letters longer than a line (never seen in practice): cut it, it cannot fit
        const parts: string[] = [];
        for (let start = 0; start < segment.length; start += maxChars)
          parts.push(segment.slice(start, start + maxChars));
        return parts;
      });
  const lines: string[] = [];
  let line = "";
  for (const word of text.trim().split(/\s+/)) {
    pieces(word).forEach((piece, index) => {
      const joined = index === 0 && line !== "" ? `${line} ${piece}` : `${line}${piece}`;
      if (joined.length <= maxChars || line === "") line = joined;
      else {
        lines.push(line);
        line = piece;
      }
    });
  }
  if (line !== "") lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1];
  // make room for the ellipsis at a boundary, not inside a word
  while (last.length + 1 > maxChars) {
    const cut = Math.max(
      last.lastIndexOf(" "),
      ...["/", ":", ".", "-", ","].map((c) => last.lastIndexOf(c) + 1),
    );
    last = cut > 0 && cut < last.length ? last.slice(0, cut).trimEnd() : last.slice(0, maxChars - 1);
  }
  kept[maxLines - 1] = `${last}…`;
  return kept;
}
