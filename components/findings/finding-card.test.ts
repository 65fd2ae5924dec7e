import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { cardFinding, FindingCard, MAX_PATHS } from "@/components/findings/finding-card";
import type { Finding } from "@/lib/findings/types";

// A finding's evidence paths: in place (at most MAX_PATHS), or — on a cluster page past its budget of paths
// — counted, with a link to the finding on the findings page, which shows them.

const path = [
  { kind: "principal", id: "p", label: "someone" },
  {
    kind: "cluster",
    id: "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-1",
    label: "aks-1",
  },
];

const finding = (paths: number, unlisted?: number): Finding => ({
  ruleId: "cluster-admin-binding",
  status: "fail",
  severity: "high",
  cluster: { id: path[1].id, name: "aks-1" },
  title: "Cluster-admin bound",
  evidence: {
    summary: "bound",
    objects: [{ kind: "principal", id: "p", label: "someone" }],
    paths: Array.from({ length: paths }, () => path),
    ...(unlisted === undefined ? {} : { unlisted }),
  },
  controls: [],
  remediation: { summary: "unbind" },
});

const render = (props: {
  finding: Finding;
  pathsElsewhere?: string;
  objectCount?: number;
  pathCount?: number;
}) => renderToStaticMarkup(createElement(FindingCard, { showCluster: false, ...props }));

describe("FindingCard", () => {
  it("renders at most MAX_PATHS evidence paths in place, and counts the rest", () => {
    const html = render({ finding: finding(MAX_PATHS + 2) });
    expect(html.match(/<ol /g)).toHaveLength(MAX_PATHS);
    expect(html).toContain("2 more paths");
  });

  it("with pathsElsewhere, renders no step and says how many paths there are and where", () => {
    const html = render({ finding: finding(5, 4), pathsElsewhere: "/findings?cluster=aks-1&rule=x" });
    expect(html).not.toContain("<ol ");
    expect(html).toContain("9 evidence paths, step by step, with");
    expect(html).toContain('href="/findings?cluster=aks-1&amp;rule=x"');
    expect(html).not.toContain("more paths");
  });

  it("with pathsElsewhere but no path, says nothing about paths", () => {
    const html = render({ finding: finding(0), pathsElsewhere: "/findings" });
    expect(html).not.toContain("evidence path");
  });

  describe("given a finding cut to what its card shows (cardFinding, as the cluster page sends it)", () => {
    const many = (paths: number, objects: number, unlisted?: number): Finding => {
      const whole = finding(paths, unlisted);
      const listed = Array.from({ length: objects }, (_, index) => ({
        kind: "principal",
        id: `p${index}`,
        label: `someone ${index}`,
      }));
      return { ...whole, evidence: { ...whole.evidence, objects: listed } };
    };

    it("renders the same card as the whole finding, paths in place", () => {
      for (const whole of [many(MAX_PATHS + 4, 40), many(1, 3), many(0, 0), many(7, 13, 2)]) {
        const cut = cardFinding(whole, { pathsInPlace: true });
        expect(cut.finding.evidence.objects.length).toBeLessThanOrEqual(12);
        expect(cut.finding.evidence.paths?.length).toBeLessThanOrEqual(MAX_PATHS);
        expect(render({ ...cut })).toBe(render({ finding: whole }));
      }
      expect(render({ finding: many(MAX_PATHS + 4, 40) })).toContain("28 more objects and 4 more paths");
    });

    it("renders the same card as the whole finding, paths elsewhere, sending none of them", () => {
      const whole = many(9, 20, 3);
      const cut = cardFinding(whole, { pathsInPlace: false });
      expect(cut.finding.evidence.paths).toEqual([]);
      expect(render({ ...cut, pathsElsewhere: "/findings" })).toBe(
        render({ finding: whole, pathsElsewhere: "/findings" }),
      );
      expect(render({ finding: whole, pathsElsewhere: "/findings" })).toContain("12 evidence paths");
    });
  });
});
