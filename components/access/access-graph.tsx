"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, type Edge, MarkerType, type Node, ReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { decodePaths, type GraphData } from "@/components/access/graph-data";
import { COLUMN_WIDTH, layoutAccessGraph, NODE_WIDTH, ROW_HEIGHT } from "@/components/access/graph-layout";
import type { AccessLevel } from "@/lib/access/types";

// The access graph of one cluster: principal → group → role or binding → permission or setting →
// cluster, laid out in columns by layoutAccessGraph. A picture for orientation; the access list
// beside it has the same paths as text for keyboards and screen readers.

const LEVEL_CHOICES: { value: AccessLevel | "all"; label: string }[] = [
  { value: "cluster-admin", label: "cluster-admin" },
  { value: "admin", label: "admin and above" },
  { value: "write", label: "write and above" },
  { value: "read", label: "read and above" },
  { value: "all", label: "everything, credentials-only included" },
];
const RANK: Record<AccessLevel, number> = {
  "cluster-admin": 4,
  admin: 3,
  write: 2,
  read: 1,
  "credentials-only": 0,
};

const KIND_STYLE: Record<string, { background: string; border: string }> = {
  principal: { background: "#eef2ff", border: "#6366f1" },
  groupMembership: { background: "#f5f3ff", border: "#8b5cf6" },
  "k8s.group": { background: "#f5f3ff", border: "#8b5cf6" },
  roleAssignment: { background: "#fff7ed", border: "#f97316" },
  roleDefinition: { background: "#fffbeb", border: "#d97706" },
  permission: { background: "#fffbeb", border: "#d97706" },
  "k8s.clusterRoleBinding": { background: "#ecfeff", border: "#0891b2" },
  "k8s.roleBinding": { background: "#ecfeff", border: "#0891b2" },
  "k8s.clusterRole": { background: "#f0fdfa", border: "#0d9488" },
  "k8s.role": { background: "#f0fdfa", border: "#0d9488" },
  clusterSetting: { background: "#fef2f2", border: "#dc2626" },
  cluster: { background: "#f1f5f9", border: "#334155" },
};

/** held access: solid slate; can become (attack path, not held): dashed red, as in the legend */
const HELD_STROKE = "#64748b";
const POTENTIAL_STROKE = "#b91c1c";

const MAX_PRINCIPALS = 40; // the page passes at most this many, the strongest first
/** the width the graph is drawn for: the main column at 1280 px */
const DRAWN_WIDTH = 1180;

/** Node text: permissions by their action, everything else as labelled, cut to fit two lines. */
function nodeText(kind: string, label: string, stepId: string): string {
  const text = kind === "permission" ? stepId.split("/").slice(-2).join("/") : label;
  return text.length > 64 ? `${text.slice(0, 61)}…` : text;
}

export function AccessGraph({ data, clusterName }: { data: GraphData; clusterName: string }) {
  const [minimum, setMinimum] = useState<AccessLevel | "all">("cluster-admin");
  const { nodes, edges, anyPotential, shown, total, height } = useMemo(() => {
    const wanted = data.entries
      .map((entry) => entry.grants.filter((grant) => minimum === "all" || RANK[grant.level] >= RANK[minimum]))
      .filter((grants) => grants.length > 0);
    const visible = wanted.slice(0, MAX_PRINCIPALS);
    const layout = layoutAccessGraph(
      visible.flatMap((grants) => decodePaths(data, grants)),
      visible.flatMap((grants) => grants.map((grant) => grant.potential === true)),
    );
    const flowNodes: Node[] = layout.nodes.map((node) => {
      const style = KIND_STYLE[node.kind] ?? { background: "#ffffff", border: "#64748b" };
      return {
        id: node.id,
        position: { x: node.x, y: node.y },
        data: { label: nodeText(node.kind, node.label, node.stepId) },
        draggable: false,
        connectable: false,
        ariaLabel: node.label,
        style: {
          width: NODE_WIDTH,
          fontSize: 11,
          lineHeight: 1.25,
          padding: 6,
          overflowWrap: "anywhere",
          color: "#0f172a",
          background: style.background,
          border: `1px solid ${style.border}`,
          borderRadius: 6,
        },
        sourcePosition: "right" as Node["sourcePosition"],
        targetPosition: "left" as Node["targetPosition"],
      };
    });
    const flowEdges: Edge[] = layout.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: "smoothstep",
      markerEnd: {
        type: MarkerType.ArrowClosed,
        width: 14,
        height: 14,
        color: edge.potential ? POTENTIAL_STROKE : HELD_STROKE,
      },
      style: edge.potential
        ? { stroke: POTENTIAL_STROKE, strokeDasharray: "6 4", strokeWidth: 1.5 }
        : { stroke: HELD_STROKE },
      focusable: false,
    }));
    return {
      nodes: flowNodes,
      edges: flowEdges,
      anyPotential: layout.edges.some((edge) => edge.potential),
      shown: visible.length,
      total: wanted.length,
      // fitView scales the drawing to the frame's width; size the frame to the scaled height
      height: Math.round(
        Math.min(
          720,
          Math.max(
            220,
            layout.rows * ROW_HEIGHT * Math.min(1, DRAWN_WIDTH / (layout.columns * COLUMN_WIDTH)) + 70,
          ),
        ),
      ),
    };
  }, [data, minimum]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
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
        <span className="text-slate-600" aria-live="polite">
          {total === 0
            ? "No principal has this access."
            : shown < total
              ? `${shown} of ${total} principals shown (the strongest first).`
              : `${total} ${total === 1 ? "principal" : "principals"}.`}
        </span>
      </div>
      {total > 0 ? (
        <figure
          aria-label={`Access graph of ${clusterName}: principals on the left, the cluster on the right`}
          className="overflow-hidden rounded border border-slate-200"
          style={{ height }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            fitView
            fitViewOptions={{ padding: 0.1 }}
            minZoom={0.2}
            maxZoom={1.5}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
          >
            <Background gap={24} color="#e2e8f0" />
            <Controls showInteractive={false} />
          </ReactFlow>
        </figure>
      ) : null}
      {total > 0 ? <GraphLegend potential={anyPotential} /> : null}
    </div>
  );
}

function LegendLine({ dashed }: { dashed: boolean }) {
  return (
    <svg aria-hidden="true" width="36" height="10" className="shrink-0">
      <line
        x1="1"
        y1="5"
        x2="35"
        y2="5"
        stroke={dashed ? POTENTIAL_STROKE : HELD_STROKE}
        strokeWidth={dashed ? 2 : 1.5}
        strokeDasharray={dashed ? "6 4" : undefined}
      />
    </svg>
  );
}

/** What the lines mean, in words (the dash is a second signal beside the colour). */
function GraphLegend({ potential }: { potential: boolean }) {
  return (
    <ul aria-label="Graph legend" className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-700">
      <li className="flex items-center gap-2">
        <LegendLine dashed={false} />
        holds this access today
      </li>
      <li className="flex items-center gap-2">
        <LegendLine dashed />
        can become: an attack path, not held today{potential ? "" : " (none in this view)"}
      </li>
    </ul>
  );
}
