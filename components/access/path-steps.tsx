import Link from "next/link";
import {
  CONDITIONAL_BADGE,
  CONDITIONAL_EXPLANATION,
  ELIGIBLE_BADGE,
  ELIGIBLE_EXPLANATION,
  isConditionalStep,
} from "@/lib/access/labels";
import type { PathStep } from "@/lib/access/types";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";
import { isEligibleStep } from "@/lib/queries/stored-records";

// One access path, step by step: who → through which group, role or binding → which permission or
// setting → the cluster. Steps naming a principal or a cluster link to their pages.

const KIND_LABEL: Record<string, string> = {
  principal: "Principal",
  groupMembership: "Group",
  roleAssignment: "Azure role assignment",
  roleDefinition: "Role definition",
  permission: "Permission",
  clusterSetting: "Cluster setting",
  "k8s.group": "Kubernetes group",
  "k8s.clusterRoleBinding": "ClusterRoleBinding",
  "k8s.roleBinding": "RoleBinding",
  "k8s.clusterRole": "ClusterRole",
  "k8s.role": "Role",
  cluster: "Cluster",
  // attack paths (lib/access/attack-edges.ts)
  identity: "Managed identity",
  federatedCredential: "Federated credential",
  applicationFederatedCredential: "Application federated credential",
  graphAppRoleAssignment: "Graph application permission",
  "k8s.serviceAccount": "Service account",
  ServiceAccount: "Service account",
  "k8s.pod": "Pod",
  podIdentity: "Pod identity",
  resourceGroup: "Resource group",
  action: "Action",
  // access that is not standing (issue #14)
  roleEligibility: "PIM eligible role",
  groupEligibility: "PIM for Groups",
  directoryRoleAssignment: "Directory role",
  directoryOwnership: "Owner",
};

/**
 * A step kind in words; a kind this version does not know (a newer engine's) is spelled out from its
 * name ("k8s.daemonSet" → "Daemon set") rather than shown raw or dropped.
 */
export function stepKindLabel(kind: string): string {
  const known = KIND_LABEL[kind];
  if (known) return known;
  const words = kind
    .replace(/^k8s\./, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[._-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : "Step";
}

function stepHref(step: PathStep): string | null {
  if (step.kind === "principal" || step.kind === "groupMembership") return principalHref(step.id);
  if (step.kind === "cluster") return clusterHref(step.id);
  // a managed identity's own page is the principal page of its principal id, which the step lacks
  if (step.kind === "identity") {
    const name = step.id.split("/").pop();
    return name ? `/identities?q=${encodeURIComponent(name)}` : null;
  }
  return null;
}

// The steps' and their numbers' look is set once on the list (`path-steps`, app/globals.css): per step, those
// classes were two thirds of a step's markup, and a busy cluster page renders hundreds of steps (twice: HTML
// and RSC payload).

export function PathSteps({ path, label }: { path: readonly PathStep[]; label?: string }) {
  return (
    <ol aria-label={label ?? "Access path"} className="path-steps">
      {path.map((step, index) => {
        const href = stepHref(step);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a path is fixed and the same step may appear twice in it; the index alone, because a server component's keys travel in the page's RSC payload and ARM ids made them 100 KB on a busy cluster
          <li key={index}>
            <span className="step-kind">{stepKindLabel(step.kind)}</span>
            {href ? (
              <Link href={href} className="break-words link">
                {step.label}
              </Link>
            ) : (
              <span className="break-words">{step.label}</span>
            )}
            {isEligibleStep(step) ? <EligibleBadge /> : null}
            {isConditionalStep(step) ? <ConditionalBadge what="grant" /> : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The one look of "needs a PIM activation", on steps, grants and attack paths. */
export function EligibleBadge() {
  return (
    <span title={ELIGIBLE_EXPLANATION} className="eligible-badge">
      {ELIGIBLE_BADGE}
    </span>
  );
}

/** The one look of "an ABAC condition may narrow it". */
export function ConditionalBadge({ what }: { what: keyof typeof CONDITIONAL_EXPLANATION }) {
  return (
    <span
      title={CONDITIONAL_EXPLANATION[what]}
      className="ml-1 inline-block rounded bg-amber-50 px-1.5 py-0.5 text-xs font-normal text-amber-900"
    >
      {CONDITIONAL_BADGE}
    </span>
  );
}
