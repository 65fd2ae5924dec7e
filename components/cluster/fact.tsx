import type { ReactNode } from "react";

/** A labelled fact in a plane card (a <dl> row). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 py-1.5">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-right text-sm">{children}</dd>
    </div>
  );
}

export function SubHeading({ children }: { children: ReactNode }) {
  return <h3 className="mb-2 mt-4 text-sm font-semibold text-slate-800 first:mt-0">{children}</h3>;
}
