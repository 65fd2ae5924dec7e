import Link from "next/link";
import { PathSteps } from "@/components/access/path-steps";
import { FindingStatusBadge, SeverityBadge } from "@/components/ui/badges";
import type { ControlFramework, Finding } from "@/lib/findings/types";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";

// One finding with its evidence (summary, the objects it is about, access paths) and remediation
// (what to do, with az / kubectl / Terraform where the rule has them). Collapsed by default.

export const FRAMEWORK_LABEL: Record<ControlFramework, string> = {
  "azure-policy": "Azure Policy",
  "cis-aks": "CIS AKS",
  "cis-k8s": "CIS Kubernetes",
  "aks-identity-guide": "AKS identity guide",
  "cis-azure": "CIS Azure",
  "microsoft-pim": "Microsoft PIM guidance",
};

function objectHref(object: { kind: string; id: string }): string | null {
  if (object.kind === "cluster") return clusterHref(object.id);
  if (object.kind === "principal") return principalHref(object.id);
  if (object.kind === "identity")
    return `/identities?q=${encodeURIComponent(object.id.split("/").pop() ?? object.id)}`;
  return null;
}

function Command({ label, text }: { label: string; text: string }) {
  return (
    <div>
      <div className="text-xs font-medium text-slate-600">{label}</div>
      <pre className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 text-xs text-slate-50">
        <code>{text}</code>
      </pre>
    </div>
  );
}

/** A finding about many principals (cluster-admin for everyone) would otherwise weigh hundreds of KB. */
const MAX_OBJECTS = 12;
export const MAX_PATHS = 3;

/** A finding cut to what its card shows, with the counts its "more not shown here" line needs. */
export type CardFinding = {
  finding: Finding;
  /** objects and paths of the whole finding (the card lists the first MAX_OBJECTS and MAX_PATHS) */
  objectCount: number;
  pathCount: number;
  /** whether `finding` keeps its first paths; if not, the card only counts them and links to where they are */
  pathsInPlace: boolean;
};

/**
 * What a card shows of a finding, for a page that sends its findings as data to a client list: the first
 * MAX_OBJECTS objects and MAX_PATHS paths, or none when they are shown elsewhere (a finding about everyone
 * on a cluster lists thousands), and how many there are.
 */
export function cardFinding(finding: Finding, { pathsInPlace }: { pathsInPlace: boolean }): CardFinding {
  const { objects, paths } = finding.evidence;
  return {
    finding: {
      ...finding,
      evidence: {
        ...finding.evidence,
        objects: objects.slice(0, MAX_OBJECTS),
        // paths shown elsewhere are only counted (FindingBody's pathsElsewhere)
        ...(paths ? { paths: pathsInPlace ? paths.slice(0, MAX_PATHS) : [] } : {}),
      },
    },
    objectCount: objects.length,
    pathCount: paths?.length ?? 0,
    pathsInPlace,
  };
}

/** The card's frame, shared with the cards whose body loads when opened (finding-on-demand.tsx). */
export const FINDING_CARD_CLASS = "group rounded border border-slate-200 bg-white";
export const FINDING_SUMMARY_CLASS =
  "disclosure disclosure-marker flex flex-wrap items-center gap-2 px-3 py-2 hover:bg-slate-50";
export const FINDING_BODY_CLASS = "space-y-3 border-t border-slate-100 px-4 py-3 text-sm";

/** The fields a collapsed card shows (a finding has them; the cluster page sends only these for most cards). */
export type FindingHeadline = Pick<Finding, "severity" | "status" | "title"> & {
  cluster: { name: string };
  evidence: { summary: string };
};

/** A finding's headline alone: what a collapsed card needs, without the evidence's paths and commands. */
export function findingHeadline(finding: Finding): FindingHeadline {
  return {
    severity: finding.severity,
    status: finding.status,
    title: finding.title,
    cluster: { name: finding.cluster.name },
    evidence: { summary: finding.evidence.summary },
  };
}

/** What a collapsed card shows: severity, status, title, where, and the evidence's one-line summary. */
export function FindingSummary({
  finding,
  showCluster = true,
  headingLevel = 3,
}: {
  finding: FindingHeadline;
  showCluster?: boolean;
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  return (
    <>
      <SeverityBadge severity={finding.severity} />
      <FindingStatusBadge status={finding.status} />
      <Heading className="text-sm font-medium">{finding.title}</Heading>
      {showCluster ? <span className="text-sm text-slate-600">on {finding.cluster.name}</span> : null}
      <span className="w-full min-w-0 pl-6 text-sm text-slate-700 wrap-anywhere">
        {finding.evidence.summary}
      </span>
    </>
  );
}

export function FindingCard({
  finding,
  showCluster = true,
  headingLevel = 3,
  pathsElsewhere,
  objectCount,
  pathCount,
}: {
  finding: Finding;
  showCluster?: boolean;
  headingLevel?: 3 | 4;
  /**
   * Where this finding's evidence paths are shown when a long page does not render them in place (the
   * cluster page past its budget): the card then says how many there are and links there.
   */
  pathsElsewhere?: string;
} & Partial<Pick<CardFinding, "objectCount" | "pathCount">>) {
  return (
    <details className={FINDING_CARD_CLASS}>
      <summary className={FINDING_SUMMARY_CLASS}>
        <FindingSummary finding={finding} showCluster={showCluster} headingLevel={headingLevel} />
      </summary>
      <FindingBody
        finding={finding}
        showCluster={showCluster}
        pathsElsewhere={pathsElsewhere}
        objectCount={objectCount}
        pathCount={pathCount}
      />
    </details>
  );
}

/** Evidence (objects, paths), remediation (with commands) and controls. */
export function FindingBody({
  finding,
  showCluster = true,
  pathsElsewhere,
  objectCount = finding.evidence.objects.length,
  pathCount = finding.evidence.paths?.length ?? 0,
}: {
  finding: Finding;
  showCluster?: boolean;
  pathsElsewhere?: string;
  /** the whole finding's objects and paths, when `finding` is cut to what the card shows (cardFinding) */
  objectCount?: number;
  pathCount?: number;
}) {
  const unlisted = finding.evidence.unlisted ?? 0;
  const hiddenObjects = Math.max(0, objectCount - MAX_OBJECTS) + unlisted;
  // paths shown elsewhere are counted in their own line, with the link to them
  const hiddenPaths = pathsElsewhere ? 0 : Math.max(0, pathCount - MAX_PATHS) + unlisted;
  return (
    <div className={FINDING_BODY_CLASS}>
      <div>
        <div className="eyebrow">Evidence</div>
        <ul className="mt-1 flex flex-wrap gap-2">
          {finding.evidence.objects.slice(0, MAX_OBJECTS).map((object, index) => {
            const href = objectHref(object);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a server-rendered list that never reorders; an ARM id as key would travel in the RSC payload
              <li key={index} className="rounded bg-slate-100 px-2 py-0.5">
                <span className="text-xs text-slate-600">{object.kind} </span>
                {href ? (
                  <Link className="text-brand-700 underline" href={href}>
                    {object.label}
                  </Link>
                ) : (
                  object.label
                )}
              </li>
            );
          })}
        </ul>
        {pathsElsewhere && pathCount > 0 ? (
          <p className="mt-2 text-xs text-slate-600">
            {pathCount + unlisted} evidence {pathCount + unlisted === 1 ? "path" : "paths"}, step by step,
            with{" "}
            <Link className="link" href={pathsElsewhere}>
              this finding on the findings page
            </Link>
            .
          </p>
        ) : (
          finding.evidence.paths?.slice(0, MAX_PATHS).map((path, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: server-rendered, never reordered; the path as key weighed kilobytes in the RSC payload
            <div key={index} className="mt-2 rounded border border-slate-200 p-2">
              <PathSteps path={path} label={`Evidence path ${index + 1}`} />
            </div>
          ))
        )}
        {hiddenObjects + hiddenPaths > 0 ? (
          <p className="mt-2 text-xs text-slate-600">
            {hiddenObjects > 0 ? `${hiddenObjects} more objects` : ""}
            {hiddenObjects > 0 && hiddenPaths > 0 ? " and " : ""}
            {hiddenPaths > 0 ? `${hiddenPaths} more paths` : ""} not shown here: every principal's paths are
            in the{" "}
            <Link className="link" href={`${clusterHref(finding.cluster.id)}#access-heading`}>
              cluster's access list
            </Link>
            .
          </p>
        ) : null}
      </div>
      <div>
        <div className="eyebrow">Remediation</div>
        <p className="mt-1">{finding.remediation.summary}</p>
        <div className="mt-2 space-y-2">
          {finding.remediation.azCli ? <Command label="Azure CLI" text={finding.remediation.azCli} /> : null}
          {finding.remediation.kubectl ? (
            <Command label="kubectl" text={finding.remediation.kubectl} />
          ) : null}
          {finding.remediation.terraform ? (
            <Command label="Terraform" text={finding.remediation.terraform} />
          ) : null}
        </div>
      </div>
      <div>
        <div className="eyebrow">Controls</div>
        <ul className="mt-1 space-y-0.5">
          {finding.controls.map((control) => (
            <li key={`${control.framework}:${control.id}`}>
              <span className="font-medium">{FRAMEWORK_LABEL[control.framework]}</span>{" "}
              <span className="font-mono text-xs">{control.id}</span>
              {control.title ? <span className="text-slate-700"> — {control.title}</span> : null}
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-slate-600">
          Rule <span className="font-mono">{finding.ruleId}</span>
          {showCluster ? (
            <>
              {" · "}
              <Link className="text-brand-700 underline" href={clusterHref(finding.cluster.id)}>
                open {finding.cluster.name}
              </Link>
            </>
          ) : null}
        </p>
      </div>
    </div>
  );
}
