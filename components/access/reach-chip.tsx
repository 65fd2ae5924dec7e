// "can become cluster-admin (3 hops)": what a principal could reach but does not hold. Dashed border
// (like the graph's can-become edges) and the words themselves carry the meaning, not the colour.

export function ReachChip({ text, conditional = false }: { text: string; conditional?: boolean }) {
  return (
    <span className="inline-flex items-center whitespace-nowrap rounded border border-dashed border-red-400 bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-900">
      {text}
      {conditional ? <span className="ml-1 font-normal">(conditional)</span> : null}
    </span>
  );
}
