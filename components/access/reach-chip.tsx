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
