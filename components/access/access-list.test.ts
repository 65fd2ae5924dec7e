import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AccessList } from "@/components/access/access-list";
import type { AccessSummaryEntry } from "@/lib/queries/get-cluster-access-summary";

// The cluster page cuts its access list to the strongest 25 and says so under it; the list draws that
// line itself, from `more`, so the page streams it with the rows (components/access/access-list.tsx).

const entries = (count: number): AccessSummaryEntry[] =>
  Array.from({ length: count }, (_, index) => ({
    principal: { id: `p${index}`, kind: "User", displayName: `User ${index}` },
    grants: [{ level: "cluster-admin", namespace: null, route: "kubernetes-rbac", eligible: false }],
    escalations: 0,
    reaches: [],
    oneStep: [],
  }));

const render = (principals: AccessSummaryEntry[], more?: { total: number; href: string }) =>
  renderToStaticMarkup(
    createElement(AccessList, { principals, clusterName: "aks-1", clusterSlug: "aks-1", scanId: "7", more }),
  );

describe("AccessList", () => {
  it("says how many of how many it shows, and links to them all, when the list is cut", () => {
    const html = render(entries(2), { total: 6048, href: "/clusters/aks-1?access=all#access-heading" });
    expect(html).toContain("2 of 6,048 shown.");
    expect(html).toContain('href="/clusters/aks-1?access=all#access-heading"');
    expect(html).toContain("Show all 6,048");
    expect(html.match(/<li/g)).toHaveLength(2);
  });

  it("says nothing more when every principal is listed", () => {
    expect(render(entries(3), { total: 3, href: "/clusters/aks-1?access=all" })).not.toContain("shown");
    expect(render(entries(3))).not.toContain("shown");
  });
});
