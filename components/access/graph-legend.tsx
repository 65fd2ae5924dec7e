import {
  HELD_STROKE,
  HIGHLIGHT_STROKE,
  NODE_STYLES,
  nodeStyleOf,
  OTHER_NODE_NAME,
  POTENTIAL_DASH,
  POTENTIAL_STROKE,
} from "@/components/access/graph-style";

// What the colours and lines of the access graph mean, in words (the dash is a second signal beside
// the colour). Node kinds are listed when the view shows them.

function LegendLine({ stroke, dashed, width }: { stroke: string; dashed?: boolean; width: number }) {
  return (
    <svg aria-hidden="true" width="36" height="10" className="shrink-0">
      <line
        x1="1"
        y1="5"
        x2="35"
        y2="5"
        stroke={stroke}
        strokeWidth={width}
        strokeDasharray={dashed ? POTENTIAL_DASH : undefined}
      />
    </svg>
  );
}

function Swatch({ kind }: { kind: string }) {
  const style = nodeStyleOf(kind);
  return (
    <span
      aria-hidden="true"
      className="inline-block h-3 w-5 shrink-0 rounded-sm"
      style={{
        background: style.background,
        border: `${style.double ? "3px double" : "1px solid"} ${style.border}`,
      }}
    />
  );
}

export function GraphLegend({
  kinds,
  potential,
  focused,
}: {
  kinds: readonly string[];
  potential: boolean;
  focused: boolean;
}) {
  const shown = NODE_STYLES.filter((entry) => entry.kinds.some((kind) => kinds.includes(kind)));
  const other = kinds.some((kind) => !NODE_STYLES.some((entry) => entry.kinds.includes(kind)));
  return (
    <ul aria-label="Graph legend" className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-700">
      <li className="flex items-center gap-2">
        <LegendLine stroke={HELD_STROKE} width={1.5} />
        holds this access today
      </li>
      <li className="flex items-center gap-2">
        <LegendLine stroke={POTENTIAL_STROKE} dashed width={2} />
        can become: an attack path, not held today{potential ? "" : " (none in this view)"}
      </li>
      <li className="flex items-center gap-2">
        <LegendLine stroke={HIGHLIGHT_STROKE} width={3} />
        {focused ? "the focused paths" : "paths through the node under the pointer"}
      </li>
      {shown.map((entry) => (
        <li key={entry.name} className="flex items-center gap-2">
          <Swatch kind={entry.kinds[0]} />
          {entry.name}
        </li>
      ))}
      {other ? (
        <li className="flex items-center gap-2">
          <Swatch kind="other" />
          {OTHER_NODE_NAME}
        </li>
      ) : null}
    </ul>
  );
}
