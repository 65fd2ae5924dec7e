"use client";

import { BaseEdge, type Edge, type EdgeProps, getBezierPath, Position } from "@xyflow/react";
import {
  HELD_STROKE,
  HIGHLIGHT_STROKE,
  POTENTIAL_DASH,
  POTENTIAL_STROKE,
} from "@/components/access/graph-style";

// An edge of the access graph: a curve from its own point on the source's right side to its own
// point on the target's left side (offsets from graph-layout's spreadEdgeEnds), so that edges of
// one node never merge into one line.

export type AccessEdgeData = {
  sourceOffset: number;
  targetOffset: number;
  potential: boolean;
  highlighted: boolean;
  dimmed: boolean;
};
export type AccessEdge = Edge<AccessEdgeData, "access">;

export function AccessGraphEdge({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  markerEnd,
}: EdgeProps<AccessEdge>) {
  const [path] = getBezierPath({
    sourceX,
    sourceY: sourceY + (data?.sourceOffset ?? 0),
    sourcePosition: Position.Right,
    targetX,
    targetY: targetY + (data?.targetOffset ?? 0),
    targetPosition: Position.Left,
  });
  const potential = data?.potential === true;
  const highlighted = data?.highlighted === true;
  return (
    <BaseEdge
      id={id}
      path={path}
      markerEnd={markerEnd}
      style={{
        stroke: potential ? POTENTIAL_STROKE : highlighted ? HIGHLIGHT_STROKE : HELD_STROKE,
        strokeWidth: highlighted ? 2.5 : potential ? 1.5 : 1.2,
        strokeDasharray: potential ? POTENTIAL_DASH : undefined,
        opacity: data?.dimmed ? 0.2 : 1,
      }}
    />
  );
}
