import { describe, expect, it } from "vitest";
import { blocksInPlace, capList, clusterFindingsView } from "@/components/access/capped-list";

let nextRule = 0;
/** a finding of its own rule unless one is named */
const finding = (status: string, paths: number, ruleId = `rule-${nextRule++}`) => ({
  ruleId,
  status,
  evidence: { paths: Array.from({ length: paths }, () => []) },
});

describe("capList", () => {
  it.each([
    { items: 0, limit: 5, shown: 0, hidden: 0 },
    { items: 5, limit: 5, shown: 5, hidden: 0 },
    { items: 6, limit: 5, shown: 5, hidden: 1 },
    { items: 412, limit: 60, shown: 60, hidden: 352 },
    { items: 412, limit: null, shown: 412, hidden: 0 },
    { items: 3, limit: 0, shown: 0, hidden: 3 },
  ])(
    "$items items, limit $limit: $shown shown, $hidden said to be hidden",
    ({ items, limit, shown, hidden }) => {
      const list = Array.from({ length: items }, (_, index) => index);
      const capped = capList(list, limit);
      expect(capped.shown).toEqual(list.slice(0, shown));
      expect(capped.hidden).toBe(hidden);
      expect(capped.total).toBe(items);
    },
  );
});

describe("clusterFindingsView", () => {
  /** the cluster page's caps, with 8 bodies in place */
  const PAGE_CAPS = { listed: 25, perRule: 3, bodies: 8, pathBudget: 20, pathsPerFinding: 3 };
  const options = { listed: 3, perRule: 3, bodies: 50, pathBudget: 5, pathsPerFinding: 3 };

  it("lists failing and other findings apart, each capped with the count of the rest", () => {
    const view = clusterFindingsView(
      [finding("fail", 0), finding("pass", 0), finding("fail", 0), finding("fail", 0), finding("fail", 0)],
      options,
    );
    expect(view.failing.shown).toHaveLength(3);
    expect(view.failing.hidden).toBe(1);
    expect(view.failing.total).toBe(4);
    expect(view.rest.shown).toHaveLength(1);
    expect(view.rest.hidden).toBe(0);
  });

  it("renders paths in place while the budget lasts, then none: later findings link to theirs", () => {
    // costs 3 (capped from 4), 0, 2, then 1 with nothing left
    const view = clusterFindingsView(
      [finding("fail", 4), finding("fail", 0), finding("fail", 2), finding("pass", 1)],
      options,
    );
    expect(view.failing.shown.map((entry) => entry.paths)).toEqual([true, true, true]);
    expect(view.rest.shown.map((entry) => entry.paths)).toEqual([false]);
  });

  it("stops at the first finding that does not fit, even if a later one would", () => {
    const view = clusterFindingsView([finding("fail", 3), finding("fail", 3), finding("fail", 1)], {
      ...options,
      pathBudget: 4,
    });
    expect(view.failing.shown.map((entry) => entry.paths)).toEqual([true, false, false]);
  });

  it("lists at most perRule findings of a rule, so one rule's hundreds do not hide the other rules", () => {
    // bench/pages' widest cluster: 707 critical escalations after 6 critical findings, then 8 other failing rules
    const findings = [
      ...Array.from({ length: 5 }, () => finding("fail", 1, "admin-credential-via-broad-role")),
      ...Array.from({ length: 707 }, () => finding("fail", 1, "escalation-to-cluster-admin")),
      finding("fail", 0, "local-accounts-enabled"),
      ...Array.from({ length: 16 }, () => finding("fail", 1, "escalation-to-cluster-admin")),
      finding("fail", 0, "run-command-enabled"),
    ];
    const view = clusterFindingsView(findings, PAGE_CAPS);
    expect(view.failing.shown.map(({ finding, moreOfRule }) => [finding.ruleId, moreOfRule])).toEqual([
      ["admin-credential-via-broad-role", 0],
      ["admin-credential-via-broad-role", 0],
      ["admin-credential-via-broad-role", 2],
      ["escalation-to-cluster-admin", 0],
      ["escalation-to-cluster-admin", 0],
      ["escalation-to-cluster-admin", 720],
      ["local-accounts-enabled", 0],
      ["run-command-enabled", 0],
    ]);
    expect(view.failing.total).toBe(730);
    expect(view.failing.hidden).toBe(722);
    // what the page says it leaves out adds up: per rule, and in all
    const perRuleMore = view.failing.shown.reduce((sum, entry) => sum + entry.moreOfRule, 0);
    expect(perRuleMore).toBe(view.failing.hidden);
  });

  it("counts a rule's findings past the overall cap on its last listed one", () => {
    const findings = [
      ...Array.from({ length: 3 }, () => finding("fail", 0, "a")),
      ...Array.from({ length: 2 }, () => finding("fail", 0, "b")),
      finding("fail", 0, "c"),
    ];
    const view = clusterFindingsView(findings, { ...options, listed: 4, perRule: 2 });
    expect(view.failing.shown.map(({ finding, moreOfRule }) => [finding.ruleId, moreOfRule])).toEqual([
      ["a", 0],
      ["a", 1],
      ["b", 0],
      ["b", 0],
    ]);
    // c has none listed: it is in the page's "more failing findings" only
    expect(view.failing.hidden).toBe(2);
  });

  it("lists a small cluster's findings whole: the first `bodies` with their bodies and paths in place", () => {
    // the demo's busiest cluster: 16 failing (18 paths), 15 passing, under the page's caps
    const findings = [
      ...Array.from({ length: 13 }, (_, index) => finding("fail", index < 5 ? 2 : 1)),
      ...Array.from({ length: 3 }, () => finding("fail", 0)),
      ...Array.from({ length: 15 }, () => finding("pass", 0)),
    ];
    const view = clusterFindingsView(findings, PAGE_CAPS);
    expect(view.failing.hidden + view.rest.hidden).toBe(0);
    const listed = [...view.failing.shown, ...view.rest.shown];
    expect(listed.map((entry) => entry.body)).toEqual(listed.map((_, index) => index < 8));
    // the paths of the bodies in place: 5 × 2 + 3 × 1, within the budget
    expect(listed.map((entry) => entry.paths)).toEqual(listed.map((_, index) => index < 8));
  });

  it("gives bodies to failing findings first, and no path budget to a body that loads when opened", () => {
    const view = clusterFindingsView([finding("pass", 3), finding("fail", 3), finding("fail", 3)], {
      ...options,
      bodies: 1,
    });
    expect(view.failing.shown.map(({ body, paths }) => [body, paths])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(view.rest.shown.map(({ body, paths }) => [body, paths])).toEqual([[false, false]]);
    // the others never: the page lists them one line each, whatever is left of the bodies
    const passing = clusterFindingsView([finding("pass", 1)], { ...options, bodies: 5 });
    expect(passing.rest.shown.map(({ body }) => body)).toEqual([false]);
  });
});

describe("blocksInPlace", () => {
  it.each([
    { blocks: [], budget: 12, placed: [] },
    // the demo's widest principal: 8 blocks on 7 clusters, all in place
    { blocks: [2, 1, 1, 1, 1, 1, 1], budget: 12, placed: [true, true, true, true, true, true, true] },
    { blocks: [4, 4, 4, 4], budget: 12, placed: [true, true, true, false] },
    // the first cluster always shows its paths, even past the budget; nothing after it does
    { blocks: [30, 1], budget: 12, placed: [true, false] },
    // once one does not fit, a later small one does not jump the queue
    { blocks: [10, 5, 1], budget: 12, placed: [true, false, false] },
    { blocks: [0, 0, 12, 0], budget: 12, placed: [true, true, true, true] },
  ])("$blocks within $budget: $placed", ({ blocks, budget, placed }) => {
    expect(blocksInPlace(blocks, budget)).toEqual(placed);
  });
});
