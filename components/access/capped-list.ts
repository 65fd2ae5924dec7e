// Long lists on the cluster and principal pages are capped to keep a busy tenant's pages light (a 500-cluster
// tenant rendered 2 MB cluster pages, most of it path steps nobody scrolls to). A cap must never read as
// "nobody else": every capped list carries how many it does not show, and the page links to where all of
// them are. Pure, so the caps are tested as tables of cases.

export type Capped<T> = {
  shown: T[];
  /** the whole list's length */
  total: number;
  /** total − shown.length: what the page must say it leaves out */
  hidden: number;
};

/** The first `limit` items (all of them when `limit` is null: an "all" view) and the count of the rest. */
export function capList<T>(items: readonly T[], limit: number | null): Capped<T> {
  const shown = limit === null ? [...items] : items.slice(0, Math.max(0, limit));
  return { shown, total: items.length, hidden: items.length - shown.length };
}

/**
 * Which entries of a list render their path steps in place: the first `limit`; the rest show a link (or
 * load their steps when opened). Returns one flag per entry, in order.
 */
export function stepsInPlace(count: number, limit: number): boolean[] {
  return Array.from({ length: count }, (_, index) => index < limit);
}

/** A finding as the cluster page lists it. */
export type ListedFinding<T> = {
  finding: T;
  /** its evidence, remediation and controls render with the page (else they load when the card is opened) */
  body: boolean;
  /** with its body in place: its evidence paths too (else it links to them) */
  paths: boolean;
  /**
   * on the last listed finding of a rule: how many more of that rule (and status list) the page leaves out;
   * the page links to them there, so a rule with hundreds of findings reads as hundreds, not as three
   */
  moreOfRule: number;
};

/** Findings of one cluster as its page shows them: failing ones first, both lists capped. */
export type FindingsView<T> = {
  failing: Capped<ListedFinding<T>>;
  rest: Capped<ListedFinding<T>>;
};

/**
 * The first `perRule` findings of each rule, in order, then the first `limit` of those: one rule's hundreds of
 * findings (an escalation per principal) must not push every other rule off the page.
 */
function capPerRule<T extends { ruleId: string }>(
  findings: readonly T[],
  perRule: number,
  limit: number,
): Capped<{ finding: T; moreOfRule: number }> {
  const totals = new Map<string, number>();
  for (const finding of findings) totals.set(finding.ruleId, (totals.get(finding.ruleId) ?? 0) + 1);
  const taken = new Map<string, number>();
  const kept = findings.filter((finding) => {
    const count = taken.get(finding.ruleId) ?? 0;
    if (count >= perRule) return false;
    taken.set(finding.ruleId, count + 1);
    return true;
  });
  const shown = kept.slice(0, Math.max(0, limit));
  const shownOfRule = new Map<string, number>();
  for (const finding of shown) shownOfRule.set(finding.ruleId, (shownOfRule.get(finding.ruleId) ?? 0) + 1);
  const lastOfRule = new Map(shown.map((finding, index) => [finding.ruleId, index]));
  return {
    shown: shown.map((finding, index) => ({
      finding,
      moreOfRule:
        lastOfRule.get(finding.ruleId) === index
          ? (totals.get(finding.ruleId) ?? 0) - (shownOfRule.get(finding.ruleId) ?? 0)
          : 0,
    })),
    total: findings.length,
    hidden: findings.length - shown.length,
  };
}

/**
 * The cluster page's findings: at most `perRule` findings of a rule and `listed` in all, failing and the
 * others apart. The first `bodies` failing ones render their evidence and remediation with the page (the
 * rest load theirs when opened; the page lists passing and not-assessed ones a line each), and their evidence
 * paths while `pathBudget` lasts (each finding spends what it shows, at most `pathsPerFinding`). From the
 * first finding that does not fit, no later one renders its paths in place (so "the first ones" stays true);
 * those link to the findings page, which shows them.
 */
export function clusterFindingsView<
  T extends { ruleId: string; status: string; evidence: { paths?: readonly unknown[] | undefined } },
>(
  findings: readonly T[],
  {
    listed,
    perRule,
    bodies,
    pathBudget,
    pathsPerFinding,
  }: { listed: number; perRule: number; bodies: number; pathBudget: number; pathsPerFinding: number },
): FindingsView<T> {
  const failing = capPerRule(
    findings.filter((finding) => finding.status === "fail"),
    perRule,
    listed,
  );
  const rest = capPerRule(
    findings.filter((finding) => finding.status !== "fail"),
    perRule,
    listed,
  );
  let left = pathBudget;
  let bodiesLeft = bodies;
  const place = ({ finding, moreOfRule }: { finding: T; moreOfRule: number }) => {
    const body = finding.status === "fail" && bodiesLeft-- > 0;
    if (!body) return { finding, body, paths: false, moreOfRule };
    const cost = Math.min(pathsPerFinding, finding.evidence.paths?.length ?? 0);
    const fits = cost <= left;
    left = fits ? left - cost : -1;
    return { finding, body, paths: fits, moreOfRule };
  };
  return {
    failing: { ...failing, shown: failing.shown.map(place) },
    rest: { ...rest, shown: rest.shown.map(place) },
  };
}

/**
 * Which of a page's entries (the principal page's clusters) render their path blocks in place: whole entries,
 * in order, while `budget` blocks last, and never fewer than the first; from the first entry that does not
 * fit, none (they load their paths when opened). `blocks` is each entry's count of grants and escalations.
 */
export function blocksInPlace(blocks: readonly number[], budget: number): boolean[] {
  let left = budget;
  return blocks.map((count, index) => {
    const fits = index === 0 || (left >= 0 && count <= left);
    left = fits ? left - count : -1;
    return fits;
  });
}
