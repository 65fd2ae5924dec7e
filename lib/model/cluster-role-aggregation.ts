// Kubernetes label selectors and ClusterRole aggregation, once: the access engine
// (lib/access/kubernetes-rbac.ts) and the AKS defaults (lib/model/kubernetes-defaults.ts) both use
// these. The emulator's own authorizer keeps its independent copy on purpose: it is the test oracle.

/** A `matchExpressions` entry as the wire and the model carry it; the operator is not trusted. */
export interface LabelSelectorRequirementLike {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

/** `metav1.LabelSelector`: matchLabels and matchExpressions, ANDed. */
export interface LabelSelectorLike {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirementLike[] | null;
}

const SET_OPERATORS = new Set(["In", "NotIn"]);
const EXISTENCE_OPERATORS = new Set(["Exists", "DoesNotExist"]);

/**
 * Whether a requirement is one Kubernetes accepts. metav1.LabelSelectorAsSelector
 * (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go) answers `"%q is not a valid label selector
 * operator"` for anything but In, NotIn, Exists and DoesNotExist, and labels.NewRequirement
 * (k8s.io/apimachinery/pkg/labels/selector.go) refuses In/NotIn without values and
 * Exists/DoesNotExist with values. Such a selector is invalid as a whole.
 */
function requirementIsValid(requirement: LabelSelectorRequirementLike): boolean {
  const values = requirement.values ?? [];
  if (requirement.key.length === 0) return false;
  if (SET_OPERATORS.has(requirement.operator)) return values.length > 0;
  if (EXISTENCE_OPERATORS.has(requirement.operator)) return values.length === 0;
  return false;
}

/**
 * Whether a label set matches a selector, as Kubernetes decides it. An empty selector matches every
 * label set; an invalid one (see requirementIsValid) matches nothing — the API server rejects such
 * an aggregationRule when it is written (ValidateClusterRole → ValidateLabelSelector), so only a
 * hand-written or imported object can hold one, and it must not widen anyone's access.
 */
export function labelSelectorMatches(
  selector: LabelSelectorLike,
  labels: Readonly<Record<string, string>>,
): boolean {
  const requirements = selector.matchExpressions ?? [];
  if (!requirements.every(requirementIsValid)) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const requirement of requirements) {
    const present = Object.hasOwn(labels, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case "In":
        if (!present || !values.includes(labels[requirement.key])) return false;
        break;
      case "NotIn":
        if (present && values.includes(labels[requirement.key])) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}

/** What aggregation needs of a ClusterRole, whatever shape (wire object or model) it comes in. */
export interface AggregatableClusterRole<Rule> {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** null: no aggregationRule. An aggregationRule without selectors aggregates nothing (rules become []). */
  selectors: readonly LabelSelectorLike[] | null;
  rules: Rule[];
}

/**
 * The rules every ClusterRole holds once the clusterrole-aggregation controller has run
 * (kubernetes pkg/controller/clusterroleaggregation, syncClusterRole): an aggregated role's rules are
 * *replaced* by the rules of every other ClusterRole a selector matches — selector by selector, each
 * selector's roles in name order — without duplicates;
 * repeated until nothing changes, because aggregated roles aggregate each other (view → edit →
 * admin). Stored clusters already hold aggregated rules; recomputing is idempotent and makes
 * imported or hand-written objects behave as a cluster would. Keyed by name; roles without an
 * aggregationRule keep their own rules.
 */
export function aggregatedClusterRoleRules<Rule>(
  roles: readonly AggregatableClusterRole<Rule>[],
): Map<string, Rule[]> {
  const order = roles
    .map((role, index) => ({ role, index }))
    .sort((a, b) => (a.role.name < b.role.name ? -1 : a.role.name > b.role.name ? 1 : a.index - b.index))
    .map(({ index }) => index);
  const current: Rule[][] = roles.map((role) => role.rules);
  const aggregated = order.filter((index) => roles[index].selectors !== null);

  // Each round settles at least one more level of nesting; a cycle stops after as many rounds as
  // there are aggregated roles, as the controller would keep rewriting it.
  for (let round = 0; round <= aggregated.length && aggregated.length > 0; round++) {
    let changed = false;
    for (const targetIndex of aggregated) {
      const selectors = roles[targetIndex].selectors ?? [];
      const rules: Rule[] = [];
      const seen = new Set<string>();
      // Selector by selector, each one's roles in name order, as syncClusterRole lists them.
      for (const selector of selectors) {
        for (const sourceIndex of order) {
          if (sourceIndex === targetIndex) continue;
          if (!labelSelectorMatches(selector, roles[sourceIndex].labels)) continue;
          for (const rule of current[sourceIndex]) {
            const key = JSON.stringify(rule);
            if (seen.has(key)) continue;
            seen.add(key);
            rules.push(rule);
          }
        }
      }
      if (JSON.stringify(rules) !== JSON.stringify(current[targetIndex])) {
        current[targetIndex] = rules;
        changed = true;
      }
    }
    if (!changed) break;
  }

  const byName = new Map<string, Rule[]>();
  roles.forEach((role, index) => {
    byName.set(role.name, current[index]);
  });
  return byName;
}
