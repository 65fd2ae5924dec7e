import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FindingCard, MAX_PATHS } from "@/components/findings/finding-card";
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

const render = (props: { finding: Finding; pathsElsewhere?: string }) =>
  renderToStaticMarkup(createElement(FindingCard, { showCluster: false, ...props }));

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
});
