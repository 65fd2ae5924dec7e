import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { OPEN_PATHS } from "@/components/access/can-become";
import { type Becomer, ClusterAdminReach } from "@/components/cluster/cluster-admin-reach";
import type { PathStep } from "@/lib/access/types";

// "Can become cluster-admin" on a busy cluster: only the first OPEN_PATHS paths travel with the page (a
// 500-cluster tenant's busiest cluster had 25, 200 path steps); the others are listed, name and hops, and
// load their paths when opened. Nobody is dropped: the list says how many it does not name, and where.

const path: PathStep[] = [
  { kind: "principal", id: "p", label: "someone" },
  { kind: "k8s.clusterRoleBinding", id: "b", label: "binding" },
  { kind: "cluster", id: "c", label: "aks-1" },
];

const becomers = (count: number): Becomer[] =>
  Array.from({ length: count }, (_, index) => ({
    principal: { id: `user-${index}`, kind: "User", displayName: `User ${index}` },
    become: { hops: 2, conditional: false, via: "attack-path" },
    // as the page passes them: the shortest path for the open ones, nothing read for the rest
    path: index < OPEN_PATHS ? path : undefined,
  }));

const render = (list: Becomer[], total: number) =>
  renderToStaticMarkup(
    createElement(ClusterAdminReach, {
      clusterName: "aks-1",
      clusterSlug: "aks-1~rg~sub",
      scanId: "7",
      holders: [],
      holdersTotal: 0,
      becomers: list,
      becomersTotal: total,
    }),
  );

describe("ClusterAdminReach", () => {
  it("renders the steps of the first paths only, and lists every becomer shown by name", () => {
    const html = render(becomers(OPEN_PATHS + 3), OPEN_PATHS + 3);
    expect(html.match(/<ol /g)).toHaveLength(OPEN_PATHS);
    for (let index = 0; index < OPEN_PATHS + 3; index++) expect(html).toContain(`User ${index}<`);
    // the others are disclosures that load the paths (no "not stored" claim about them)
    expect(html).not.toContain("was not stored");
    expect(html.match(/can become cluster-admin \(2 hops\)/g)).toHaveLength(OPEN_PATHS + 3);
  });

  it("says how many it does not name and links to the full list", () => {
    const html = render(becomers(25), 49);
    expect(html).toContain("24 more in");
    expect(html).toContain('href="/clusters/aks-1~rg~sub?access=all#access-heading"');
  });

  it("says so when a path was not stored with the scan", () => {
    const html = render([{ ...becomers(1)[0], path: null }], 1);
    expect(html).toContain("The path was not stored with this scan.");
  });
});
