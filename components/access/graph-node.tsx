"use client";

import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import {
  LABEL_FONT_PX,
  LINE_HEIGHT_PX,
  NODE_HEIGHT,
  NODE_PADDING_PX,
  NODE_WIDTH,
} from "@/components/access/graph-layout";
import { nodeStyleOf } from "@/components/access/graph-style";

// One step of the access graph: its label in whole-word lines (wrapLabel), coloured by kind. A fold
// of principals ("14 users via team-web") is drawn with a double border and opens on click.

export type AccessNodeData = {
  kind: string;
  lines: string[];
  /** the whole label, for the title and the accessible name */
  label: string;
  /** drawn as part of the focused paths */
  highlighted: boolean;
  /** the node the view is focused on */
  focused: boolean;
  /** dimmed while another node's paths are highlighted */
  dimmed: boolean;
};
export type AccessNode = Node<AccessNodeData, "access">;

const hidden = { opacity: 0, width: 1, height: 1, minWidth: 0, minHeight: 0, border: 0 };

export function AccessGraphNode({ data }: NodeProps<AccessNode>) {
  const style = nodeStyleOf(data.kind);
  return (
    <div
      data-graph-node={data.kind}
      title={data.label}
      style={{
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        padding: NODE_PADDING_PX,
        boxSizing: "border-box",
        background: style.background,
        border: `${style.double ? "3px double" : "1px solid"} ${data.focused ? "#312e81" : style.border}`,
        borderRadius: 6,
        boxShadow: data.focused ? "0 0 0 3px #818cf8" : data.highlighted ? "0 0 0 2px #a5b4fc" : undefined,
        opacity: data.dimmed ? 0.45 : 1,
        color: "#0f172a",
        cursor: "pointer",
        display: "flex",
        flexDirection: "column",
        justifyContent: "center",
      }}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} style={hidden} />
      {data.lines.map((line, index) => (
        <span
          // lines of one label never change order
          // biome-ignore lint/suspicious/noArrayIndexKey: a label's lines are positional
          key={index}
          data-graph-label=""
          style={{
            display: "block",
            fontSize: LABEL_FONT_PX,
            lineHeight: `${LINE_HEIGHT_PX}px`,
            whiteSpace: "nowrap",
            overflow: "hidden",
            textOverflow: "ellipsis",
            fontWeight: data.focused ? 600 : 400,
          }}
        >
          {line}
        </span>
      ))}
      <Handle type="source" position={Position.Right} isConnectable={false} style={hidden} />
    </div>
  );
}
