import type { ReactNode } from "react";

// "can become cluster-admin (3 hops)": what a principal could reach but does not hold. Dashed border
// (like the graph's can-become edges) and the words themselves carry the meaning, not the colour.

export function ReachChip({ text, conditional = false }: { text: string; conditional?: boolean }) {
  return (
    <span className="reach-chip">
      {text}
      {conditional ? <span className="ml-1 font-normal">(conditional)</span> : null}
    </span>
  );
}

/** One chip per reach (`reachChipsBeyond`, can-become.ts); `empty` when there is none (a table cell's dash). */
export function ReachChips({
  chips,
  empty = null,
}: {
  chips: readonly { text: string; conditional: boolean }[];
  empty?: ReactNode;
}) {
  if (chips.length === 0) return empty;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {chips.map((chip) => (
        <ReachChip key={`${chip.text}|${chip.conditional}`} text={chip.text} conditional={chip.conditional} />
      ))}
    </span>
  );
}
