"use client";

import "@xyflow/react/dist/style.css";
import { Background, MarkerType, type NodeMouseHandler, ReactFlow } from "@xyflow/react";
import { useEffect, useMemo, useRef, useState } from "react";
import {
  BUCKET_KIND,
  type FocusChoice,
  focusChoices,
  focusPaths,
  foldPrincipals,
  type GraphData,
  pathsAtLevel,
  principalsOf,
  stepKey,
  type ViewPath,
} from "@/components/access/graph-data";
import { type AccessEdge, AccessGraphEdge } from "@/components/access/graph-edge";
import {
  COLUMN_WIDTH,
  layoutAccessGraph,
  NODE_HEIGHT,
  NODE_WIDTH,
  ROW_HEIGHT,
  wrapLabel,
} from "@/components/access/graph-layout";
import { GraphLegend } from "@/components/access/graph-legend";
import { AccessGraphNode, type AccessNode } from "@/components/access/graph-node";
import { HELD_STROKE, HIGHLIGHT_STROKE, POTENTIAL_STROKE } from "@/components/access/graph-style";
import type { AccessLevel } from "@/lib/access/types";

// The access graph of one cluster: principal → group → role or binding → permission or setting →
// cluster, laid out in columns by layoutAccessGraph. Drawn at its real size (labels at 12 px, never
// zoomed out below that): a wide graph pans instead of shrinking. Focus narrows it to the paths
// through one principal, group, role or binding; many principals are folded by group or kind. The
// access list beside it has the same paths as text for keyboards and screen readers.

const LEVEL_CHOICES: { value: AccessLevel | "all"; label: string }[] = [
  { value: "cluster-admin", label: "cluster-admin" },
  { value: "admin", label: "admin and above" },
  { value: "write", label: "write and above" },
  { value: "read", label: "read and above" },
  { value: "all", label: "everything, credentials-only included" },
];

/** labels are drawn at LABEL_FONT_PX: zooming out below 1 would make them smaller than that */
export const MIN_ZOOM = 1;
const MAX_ZOOM = 2;
const PAD = 24;
const MAX_FRAME_HEIGHT = 640;

const nodeTypes = { access: AccessGraphNode };
const edgeTypes = { access: AccessGraphEdge };

/** Node text: permissions by their action, everything else as labelled. */
function nodeText(kind: string, label: string, stepId: string): string {
  return kind === "permission" ? stepId.split("/").slice(-2).join("/") : label;
}

export function AccessGraph({ data, clusterName }: { data: GraphData; clusterName: string }) {
  const [minimum, setMinimum] = useState<AccessLevel | "all">("cluster-admin");
  const [focus, setFocus] = useState<string | undefined>(undefined);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  // The wheel scrolls the page until the graph is clicked into; then it pans the graph.
  const [engaged, setEngaged] = useState(false);
  const frame = useRef<HTMLElement>(null);
  // React Flow needs the browser (it measures, pans, zooms): drawn after hydration only, so the server
  // neither renders its nodes nor sends them (120 KB of HTML on a busy cluster). The frame keeps its height.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  useEffect(() => {
    if (!engaged) return;
    const release = (event: PointerEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !frame.current?.contains(event.target as Node)
      )
        setEngaged(false);
    };
    document.addEventListener("pointerdown", release);
    document.addEventListener("keydown", release);
    return () => {
      document.removeEventListener("pointerdown", release);
      document.removeEventListener("keydown", release);
    };
  }, [engaged]);

  const atLevel = useMemo(() => pathsAtLevel(data, minimum), [data, minimum]);
  const choices = useMemo(() => focusChoices(atLevel), [atLevel]);
  // a focus that this level does not show is dropped, not shown as an empty graph
  const activeFocus = focus && focusPaths(atLevel, focus).length > 0 ? focus : undefined;
  const focusLabel = useMemo(() => labelOfFocus(activeFocus, atLevel), [activeFocus, atLevel]);
  const offered = [...choices.principals, ...choices.groups, ...choices.grants].some(
    (choice) => choice.key === activeFocus,
  );

  // the layout changes with level, focus and folds; hovering only changes what is highlighted
  const drawn = useMemo(() => {
    const focused = focusPaths(atLevel, activeFocus);
    const folded = foldPrincipals(focused, expanded);
    const layout = layoutAccessGraph(
      folded.paths.map((path) => path.steps),
      folded.paths.map((path) => path.potential),
    );
    return {
      folded,
      layout,
      principals: principalsOf(focused).length,
      width: layout.columns * COLUMN_WIDTH - (COLUMN_WIDTH - NODE_WIDTH),
      height: layout.rows * ROW_HEIGHT - (ROW_HEIGHT - NODE_HEIGHT),
    };
  }, [atLevel, activeFocus, expanded]);

  const view = useMemo(() => {
    const { folded, layout } = drawn;
    // what to highlight: the focused paths, or the paths through the node under the pointer
    const through = activeFocus ?? hovered;
    const lit = new Set<string>();
    if (through) {
      for (const path of folded.paths) {
        const keys = path.steps.map(stepKey);
        if (activeFocus || keys.includes(through)) {
          for (const key of keys) lit.add(key);
          keys.slice(1).forEach((key, index) => {
            lit.add(`${keys[index]}->${key}`);
          });
        }
      }
    }
    const dimOthers = !activeFocus && hovered !== undefined;
    const nodes: AccessNode[] = layout.nodes.map((node) => {
      const label = nodeText(node.kind, node.label, node.stepId);
      return {
        id: node.id,
        type: "access",
        position: { x: node.x, y: node.y },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        data: {
          kind: node.kind,
          label: node.kind === BUCKET_KIND ? `${label} (click to list them)` : label,
          lines: wrapLabel(label),
          highlighted: lit.has(node.id),
          focused: node.id === activeFocus,
          dimmed: dimOthers && !lit.has(node.id),
        },
        draggable: false,
        connectable: false,
        selectable: false,
        ariaLabel: label,
      };
    });
    const edges: AccessEdge[] = layout.edges.map((edge) => {
      const highlighted = lit.has(edge.id);
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: "access",
        data: {
          sourceOffset: edge.sourceOffset,
          targetOffset: edge.targetOffset,
          potential: edge.potential,
          highlighted,
          dimmed: dimOthers && !highlighted,
        },
        markerEnd: {
          type: MarkerType.ArrowClosed,
          width: 14,
          height: 14,
          color: edge.potential ? POTENTIAL_STROKE : highlighted ? HIGHLIGHT_STROKE : HELD_STROKE,
        },
        focusable: false,
        zIndex: highlighted ? 1 : 0,
      };
    });
    return {
      nodes,
      edges,
      buckets: folded.buckets,
      principals: drawn.principals,
      kinds: [...new Set(layout.nodes.map((node) => node.kind))],
      anyPotential: layout.edges.some((edge) => edge.potential),
      width: drawn.width,
      height: drawn.height,
    };
  }, [drawn, activeFocus, hovered]);

  const onNodeClick: NodeMouseHandler<AccessNode> = (_event, node) => {
    if (node.data.kind === BUCKET_KIND) {
      setExpanded((current) => new Set([...current, node.id]));
      return;
    }
    setHovered(undefined);
    setFocus((current) => (current === node.id ? undefined : node.id));
  };

  const total = principalsOf(atLevel).length;
  const frameHeight = Math.min(MAX_FRAME_HEIGHT, Math.max(200, view.height + 2 * PAD));
  // a new view starts at its top left corner, at full size
  const viewKey = `${minimum}|${activeFocus ?? ""}|${[...expanded].join(",")}`;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <span>Show access</span>
          <select
            value={minimum}
            onChange={(event) => setMinimum(event.target.value as AccessLevel | "all")}
            className="rounded border border-slate-300 bg-white px-2 py-1"
          >
            {LEVEL_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          <span>Focus on</span>
          <select
            value={activeFocus ?? ""}
            onChange={(event) => setFocus(event.target.value === "" ? undefined : event.target.value)}
            className="max-w-[16rem] rounded border border-slate-300 bg-white px-2 py-1"
            disabled={total === 0}
          >
            <option value="">everyone (no focus)</option>
            {activeFocus && !offered ? <option value={activeFocus}>{focusLabel}</option> : null}
            <FocusGroup label="Principals" choices={choices.principals} />
            <FocusGroup label="Groups" choices={choices.groups} />
            <FocusGroup label="Role assignments and bindings" choices={choices.grants} />
          </select>
        </label>
        {activeFocus ? (
          <button
            type="button"
            onClick={() => setFocus(undefined)}
            className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50"
          >
            Show everyone
          </button>
        ) : null}
        {view.buckets.some((bucket) => bucket.expanded) ? (
          <button
            type="button"
            onClick={() => setExpanded(new Set())}
            className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50"
          >
            Fold principals again
          </button>
        ) : null}
      </div>
      <p className="text-sm text-slate-600" aria-live="polite">
        {total === 0
          ? "No principal has this access."
          : activeFocus
            ? `Only the paths through ${focusLabel ?? "the chosen node"}: ${view.principals} ${view.principals === 1 ? "principal" : "principals"}. Click it again or "Show everyone" to see all.`
            : `${total} ${total === 1 ? "principal" : "principals"}${view.buckets.some((bucket) => !bucket.expanded) ? `, folded by group or kind (click a double-bordered node to list them)` : ""}. Click a node to see only the paths through it.`}
      </p>
      {total > 0 ? (
        <figure
          ref={frame}
          aria-label={`Access graph of ${clusterName}: principals on the left, the cluster on the right`}
          className={`relative overflow-hidden rounded border ${engaged ? "border-indigo-400" : "border-slate-200"}`}
          style={{ height: frameHeight, maxHeight: "75vh" }}
          onPointerDown={() => setEngaged(true)}
          onMouseLeave={() => setHovered(undefined)}
        >
          {mounted ? (
            <ReactFlow<AccessNode, AccessEdge>
              key={viewKey}
              nodes={view.nodes}
              edges={view.edges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              defaultViewport={{ x: PAD, y: PAD, zoom: 1 }}
              minZoom={MIN_ZOOM}
              maxZoom={MAX_ZOOM}
              translateExtent={[
                [-PAD, -PAD],
                [Math.max(view.width + PAD, 0), Math.max(view.height + PAD, 0)],
              ]}
              zoomOnScroll={false}
              panOnScroll={engaged}
              preventScrolling={engaged}
              zoomOnDoubleClick={false}
              panOnDrag
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              onNodeClick={onNodeClick}
              onNodeMouseEnter={(_event, node) => setHovered(node.id)}
              onNodeMouseLeave={() => setHovered(undefined)}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={24} color="#e2e8f0" />
            </ReactFlow>
          ) : null}
          <figcaption className="pointer-events-none absolute bottom-2 right-2 rounded bg-white/90 px-2 py-1 text-xs text-slate-600">
            {engaged
              ? "The wheel moves the graph; Esc or click outside to scroll the page"
              : "Drag to move; click into the graph to move it with the wheel"}
          </figcaption>
        </figure>
      ) : null}
      {total > 0 ? (
        <GraphLegend kinds={view.kinds} potential={view.anyPotential} focused={activeFocus !== undefined} />
      ) : null}
    </div>
  );
}

function FocusGroup({ label, choices }: { label: string; choices: FocusChoice[] }) {
  if (choices.length === 0) return null;
  return (
    <optgroup label={label}>
      {choices.map((choice) => (
        <option key={choice.key} value={choice.key}>
          {choice.label}
        </option>
      ))}
    </optgroup>
  );
}

function labelOfFocus(focus: string | undefined, paths: readonly ViewPath[]): string | undefined {
  if (!focus) return undefined;
  for (const path of paths) {
    const step = path.steps.find((candidate) => stepKey(candidate) === focus);
    if (step) return nodeText(step.kind, step.label, step.id);
  }
  return undefined;
}
