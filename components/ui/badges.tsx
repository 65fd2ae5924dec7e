import type { AccessLevel } from "@/lib/access/types";
import type { FindingStatus, Severity } from "@/lib/findings/types";

// Small status marks. Colour is never the only signal (the text says it too), and text stays dark
// on a light tint so every badge passes WCAG AA contrast.

const SEVERITY_DOT: Record<Severity, string> = {
  critical: "bg-sev-critical",
  high: "bg-sev-high",
  medium: "bg-sev-medium",
  low: "bg-sev-low",
  info: "bg-sev-info",
};

/** The same colours on the badge's dot (its ::before); spelled out whole, as Tailwind finds classes in the source. */
const SEVERITY_DOT_BEFORE: Record<Severity, string> = {
  critical: "before:bg-sev-critical",
  high: "before:bg-sev-high",
  medium: "before:bg-sev-medium",
  low: "before:bg-sev-low",
  info: "before:bg-sev-info",
};

const SEVERITY_TINT: Record<Severity, string> = {
  critical: "bg-red-50 border-red-200",
  high: "bg-orange-50 border-orange-200",
  medium: "bg-amber-50 border-amber-200",
  low: "bg-sky-50 border-sky-200",
  info: "bg-slate-50 border-slate-200",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    // the dot is the badge's ::before (severity-badge, app/globals.css): no element of its own
    <span className={`severity-badge ${SEVERITY_TINT[severity]} ${SEVERITY_DOT_BEFORE[severity]}`}>
      {severity}
    </span>
  );
}

export function SeverityDot({ severity }: { severity: Severity }) {
  return (
    <span
      aria-hidden="true"
      className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${SEVERITY_DOT[severity]}`}
    />
  );
}

const LEVEL_STYLE: Record<AccessLevel, string> = {
  "cluster-admin": "bg-red-50 border-red-300 text-red-900",
  admin: "bg-orange-50 border-orange-300 text-orange-900",
  write: "bg-amber-50 border-amber-300 text-amber-900",
  read: "bg-sky-50 border-sky-300 text-sky-900",
  "credentials-only": "bg-slate-50 border-slate-300 text-slate-700",
};

export function LevelBadge({ level, namespace }: { level: AccessLevel; namespace?: string | null }) {
  return (
    <span className={`level-badge ${LEVEL_STYLE[level]}`}>
      {level}
      {namespace ? <span className="ml-1 font-normal">in {namespace}</span> : null}
    </span>
  );
}

const STATUS_STYLE: Record<FindingStatus, string> = {
  fail: "bg-red-50 border-red-300 text-red-900",
  "not-assessed": "bg-slate-50 border-slate-300 text-slate-700",
  pass: "bg-emerald-50 border-emerald-300 text-emerald-900",
};

export function FindingStatusBadge({ status }: { status: FindingStatus }) {
  return (
    <span className={`status-badge ${STATUS_STYLE[status]}`}>
      {status === "fail" ? "failing" : status === "pass" ? "passing" : "not assessed"}
    </span>
  );
}

/** A yes/no posture fact: `good` says which answer is the safe one. */
export function PostureFlag({
  value,
  good,
  yes = "yes",
  no = "no",
}: {
  value: boolean;
  good: boolean;
  yes?: string;
  no?: string;
}) {
  const safe = value === good;
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${
        safe ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"
      }`}
    >
      <span aria-hidden="true">{safe ? "✓" : "!"}</span>
      {value ? yes : no}
    </span>
  );
}

const SCAN_STATUS_STYLE: Record<string, string> = {
  running: "bg-sky-50 border-sky-300 text-sky-900",
  succeeded: "bg-emerald-50 border-emerald-300 text-emerald-900",
  partial: "bg-amber-50 border-amber-300 text-amber-900",
  failed: "bg-red-50 border-red-300 text-red-900",
};

export function ScanStatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex items-center rounded border px-1.5 py-0.5 text-xs font-medium ${
        SCAN_STATUS_STYLE[status] ?? "border-slate-300 bg-slate-50 text-slate-700"
      }`}
    >
      {status}
    </span>
  );
}

export function KindTag({ kind }: { kind: string }) {
  return <span className="kind-tag">{kind}</span>;
}
