import Link from "next/link";
import { SeverityDot } from "@/components/ui/badges";
import type { Severity } from "@/lib/findings/types";

const ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

/** Failing findings per severity as plain bars (server-rendered; each row links to its filter). */
export function SeverityBars({ counts }: { counts: Record<Severity, number> }) {
  const max = Math.max(1, ...Object.values(counts));
  return (
    <ul className="space-y-2">
      {ORDER.map((severity) => (
        <li key={severity}>
          <Link
            href={`/findings?severity=${severity}`}
            className="grid grid-cols-[5.5rem_1fr_2.5rem] items-center gap-2 rounded px-1 py-0.5 text-sm hover:bg-slate-50"
          >
            <span className="flex items-center gap-2 capitalize">
              <SeverityDot severity={severity} />
              {severity}
            </span>
            <span aria-hidden="true" className="h-2.5 rounded-full bg-slate-100">
              <span
                className={`block h-full rounded-full bg-sev-${severity}`}
                style={{ width: `${(counts[severity] / max) * 100}%` }}
              />
            </span>
            <span className="text-right tabular-nums">{counts[severity]}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
