import type { AccessLevel, EscalationTarget } from "@/lib/access/types";
import type { Severity } from "@/lib/findings/types";

// How much a change matters. Gaining access is what an attacker or a careless change produces, so it is
// graded by what the access allows; losing access is worth knowing (someone may be locked out) but is
// never urgent. A finding that opens carries its rule's own severity. Inventory changes are the evidence
// behind those events and stay low.

export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

const GAINED: Record<AccessLevel, Severity> = {
  "cluster-admin": "critical",
  admin: "high",
  write: "medium",
  read: "low",
  "credentials-only": "info",
};

function oneLower(severity: Severity): Severity {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.indexOf(severity) + 1, SEVERITY_ORDER.length - 1)];
}

/**
 * Namespace-scoped access is one step lower than the same level cluster-wide, and so is access that an
 * ABAC condition may narrow.
 */
export function accessGainedSeverity(grant: {
  level: AccessLevel;
  namespace: string | null;
  conditional: boolean;
}): Severity {
  let severity = GAINED[grant.level];
  if (grant.namespace !== null && grant.level !== "credentials-only") severity = oneLower(severity);
  if (grant.conditional) severity = oneLower(severity);
  return severity;
}

export function accessLostSeverity(level: AccessLevel): Severity {
  return level === "cluster-admin" || level === "admin" ? "low" : "info";
}

const ATTACK_PATH_LEVELS: ReadonlySet<string> = new Set(["cluster-admin", "admin", "write", "read"]);

/**
 * A one-step escalation (cluster-write, run-command, identity-operator, bind, escalate, impersonate, kube-system
 * pods or secrets) is one step from cluster-admin or from the cluster's identities: high. An attack path is graded
 * by the level it reaches, one step below holding that level (access.gained: "can become cluster-admin" high,
 * admin medium, write low, read info), namespace-bounded or conditional one lower again, and one lower still when
 * a step needs a PIM activation — as an eligible grant is. Graded alike, a notification threshold of "high" is
 * not every path to a namespace's read access a 1 % change of a large tenant brings (hundreds per scan).
 */
export function escalationGainedSeverity(escalation: {
  to: EscalationTarget;
  route: string;
  namespace?: string | null;
  conditional?: boolean;
  eligible?: boolean;
}): Severity {
  if (escalation.route !== "attack-path" || !ATTACK_PATH_LEVELS.has(escalation.to)) return "high";
  const held = accessGainedSeverity({
    level: escalation.to as AccessLevel,
    namespace: escalation.namespace ?? null,
    conditional: escalation.conditional === true,
  });
  const reachable = oneLower(held);
  return escalation.eligible === true ? oneLower(reachable) : reachable;
}

export function inventorySeverity(kind: string): Severity {
  // A cluster's settings and role assignments are where identity posture changes first.
  return kind === "cluster" || kind === "roleAssignment" ? "low" : "info";
}

/**
 * Access that needs a PIM activation is one step lower than the same access standing: someone must still
 * activate it (and may need approval), and the activation is logged.
 */
export function eligibleGainedSeverity(grant: {
  level: AccessLevel;
  namespace: string | null;
  conditional: boolean;
}): Severity {
  return oneLower(accessGainedSeverity(grant));
}

/** An owner of a cluster's admin group can make themselves cluster-admin; other ownerships matter less. */
export function ownerAddedSeverity(isAdminGroup: boolean): Severity {
  return isAdminGroup ? "high" : "medium";
}
