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

/** Findings of one cluster as its page shows them: failing ones first, both lists capped. */
export type FindingsView<T> = {
  failing: Capped<{ finding: T; paths: boolean }>;
  rest: Capped<{ finding: T; paths: boolean }>;
};

/**
 * The cluster page's findings: at most `listed` failing and `listed` other findings, and evidence paths
 * rendered in place while `pathBudget` lasts (each finding spends what it shows, at most `pathsPerFinding`),
 * failing findings first. From the first finding that does not fit, no later one renders its paths in
 * place (so "the first ones" stays true); those link to the findings page, which shows them.
 */
export function clusterFindingsView<
  T extends { status: string; evidence: { paths?: readonly unknown[] | undefined } },
>(
  findings: readonly T[],
  { listed, pathBudget, pathsPerFinding }: { listed: number; pathBudget: number; pathsPerFinding: number },
): FindingsView<T> {
  const failing = capList(
    findings.filter((finding) => finding.status === "fail"),
    listed,
  );
  const rest = capList(
    findings.filter((finding) => finding.status !== "fail"),
    listed,
  );
  let left = pathBudget;
  const place = (finding: T) => {
    const cost = Math.min(pathsPerFinding, finding.evidence.paths?.length ?? 0);
    const fits = cost <= left;
    left = fits ? left - cost : -1;
    return { finding, paths: fits };
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
