import { describe, expect, it } from "vitest";
import {
  becomeClusterAdmin,
  clusterAdminBeside,
  orderByClusterAdmin,
  type Reach,
  reachChipsBeyond,
  reachChipText,
  reachesBeyond,
  reachOf,
  shortestClusterAdminPath,
} from "@/components/access/can-become";
import { escalationHeadline } from "@/lib/access/labels";

// The demo's stories (lib/emulator/demo/README.md): Leonard holds admin in `default` on aks-1 and can
// become cluster-admin on aks-2 in three hops; Bernadette holds nothing on aks-3 and can assign herself
// AKS RBAC Cluster Admin (one hop); Penny's managedClusters/write on aks-3 is a one-step escalation.

const reach = (level: Reach["level"], hops: number | null, namespace: string | null = null): Reach => ({
  level,
  hops,
  namespace,
  conditional: false,
});

describe("reachOf", () => {
  it("reads an attack path's level, hops and namespace; one-step escalations are not reaches", () => {
    expect(
      reachOf({ to: "admin", route: "attack-path", hops: 2, namespace: "default", conditional: true }),
    ).toEqual({ level: "admin", hops: 2, namespace: "default", conditional: true });
    expect(reachOf({ to: "cluster-admin", route: "attack-path" })).toEqual(reach("cluster-admin", null));
    expect(reachOf({ to: "cluster-write", route: "azure-control-plane" })).toBeNull();
  });
});

describe("becomeClusterAdmin", () => {
  it("is the shortest cluster-wide attack path to cluster-admin", () => {
    expect(
      becomeClusterAdmin({
        grants: [{ level: "credentials-only" }],
        reaches: [reach("admin", 1, "default"), reach("cluster-admin", 4), reach("cluster-admin", 3)],
        oneStep: [],
      }),
    ).toEqual({ hops: 3, conditional: false, via: "attack-path" });
  });

  it("is nothing for a holder, or for a namespaced reach only", () => {
    expect(
      becomeClusterAdmin({
        grants: [{ level: "cluster-admin" }],
        reaches: [reach("cluster-admin", 1)],
        oneStep: [],
      }),
    ).toBeNull();
    expect(
      becomeClusterAdmin({ grants: [], reaches: [reach("admin", 2, "default")], oneStep: ["bind"] }),
    ).toBeNull();
  });

  it("counts cluster-write as one hop when no attack path was stored (older scans)", () => {
    expect(becomeClusterAdmin({ grants: [], reaches: [], oneStep: ["cluster-write"] })).toEqual({
      hops: 1,
      conditional: false,
      via: "cluster-write",
    });
  });
});

describe("orderByClusterAdmin", () => {
  const entry = (name: string, grants: Reach["level"][] | ["credentials-only"], reaches: Reach[] = []) => ({
    principal: { id: name, displayName: name },
    grants: grants.map((level) => ({ level })),
    reaches,
    oneStep: [] as const,
  });

  it("puts holders first, then who can become cluster-admin by hops, then the rest as given", () => {
    const ordered = orderByClusterAdmin([
      entry("Spike", ["cluster-admin"]),
      entry("Raj", ["write"]),
      entry("Leonard", ["credentials-only"], [reach("cluster-admin", 3)]),
      entry("Jet", ["read"]),
      entry("Bernadette", [], [reach("cluster-admin", 1)]),
      entry("Sheldon", ["cluster-admin"]),
    ]);
    expect(ordered.map((e) => e.principal.displayName)).toEqual([
      "Spike",
      "Sheldon",
      "Bernadette",
      "Leonard",
      "Raj",
      "Jet",
    ]);
  });
});

describe("reachesBeyond and chips", () => {
  it("keeps only reaches stronger than what is held, strongest first", () => {
    const shown = reachesBeyond(
      [{ level: "admin" }],
      [reach("write", 1, "web"), reach("admin", 2, "orders"), reach("cluster-admin", 3)],
    );
    expect(shown.map(reachChipText)).toEqual(["can become cluster-admin (3 hops)"]);
    expect(reachChipText(reach("cluster-admin", 1))).toBe("can become cluster-admin (1 hop)");
    expect(reachChipText(reach("cluster-admin", null))).toBe("can become cluster-admin");
  });

  it("always names cluster-admin when it can be become, beside a weaker reach too", () => {
    // cluster-write alone (a scan stored before attack paths) beside a namespaced reach: the principal
    // page once showed only "can become a namespace admin in orders", hiding the one hop to cluster-admin
    expect(
      reachChipsBeyond({
        grants: [{ level: "read" }],
        reaches: [reach("admin", 2, "orders")],
        oneStep: ["cluster-write"],
      }),
    ).toEqual([
      { text: "can become cluster-admin (1 hop)", conditional: false },
      { text: "can become a namespace admin in orders (2 hops)", conditional: false },
    ]);
    // a stored attack path to cluster-admin is its own chip, not doubled
    expect(
      reachChipsBeyond({ grants: [], reaches: [reach("cluster-admin", 3)], oneStep: ["cluster-write"] }),
    ).toEqual([{ text: "can become cluster-admin (3 hops)", conditional: false }]);
    // nothing beyond a holder
    expect(
      reachChipsBeyond({ grants: [{ level: "cluster-admin" }], reaches: [], oneStep: ["cluster-write"] }),
    ).toEqual([]);
  });

  it("says what an attack path reaches, where and in how many hops", () => {
    expect(escalationHeadline({ to: "cluster-admin", route: "attack-path", hops: 3 })).toBe(
      "can become cluster-admin in 3 hops",
    );
    expect(escalationHeadline({ to: "cluster-write", route: "azure-control-plane" })).toMatch(
      /^can change the cluster/,
    );
    expect(
      escalationHeadline({ to: "cluster-admin", route: "attack-path", hops: 3, alternative: true }),
    ).toBe("can become cluster-admin in 3 hops, without the shorter route's activation or condition");
  });
});

describe("shortestClusterAdminPath", () => {
  it("picks the fewest-hop cluster-wide attack path to cluster-admin, else the cluster-write path", () => {
    const paths = (name: string) => [[name]];
    expect(
      shortestClusterAdminPath([
        { to: "cluster-write", route: "azure-control-plane", paths: paths("write") },
        { to: "cluster-admin", route: "attack-path", hops: 3, paths: paths("three") },
        { to: "admin", route: "attack-path", hops: 1, namespace: "default", paths: paths("ns") },
        { to: "cluster-admin", route: "attack-path", hops: 2, paths: paths("two") },
      ]),
    ).toEqual(["two"]);
    expect(
      shortestClusterAdminPath([
        { to: "bind", route: "kubernetes-rbac", paths: paths("bind") },
        { to: "cluster-write", route: "azure-control-plane", paths: paths("write") },
      ]),
    ).toEqual(["write"]);
    expect(
      shortestClusterAdminPath([{ to: "bind", route: "kubernetes-rbac", paths: paths("bind") }]),
    ).toBeNull();
  });
});

// Grace can become cluster-admin in 2 hops through an eligible role, and in 3 standing: the search lists the
// standing route beside the shortest (alternative, lib/access/attack-paths-eligible.test.ts); the pages show
// both, the shortest as the headline.
describe("the route beside the shortest", () => {
  const shortest = reach("cluster-admin", 2);
  const beside: Reach = { ...reach("cluster-admin", 3), alternative: true };

  it("is never the headline, and is found beside it unless cluster-admin is held outright", () => {
    expect(becomeClusterAdmin({ grants: [], reaches: [beside, shortest], oneStep: [] })).toMatchObject({
      hops: 2,
      via: "attack-path",
    });
    expect(clusterAdminBeside({ grants: [], reaches: [shortest, beside] })).toBe(beside);
    expect(clusterAdminBeside({ grants: [], reaches: [shortest] })).toBeNull();
    expect(
      clusterAdminBeside({ grants: [{ level: "cluster-admin" }], reaches: [shortest, beside] }),
    ).toBeNull();
    expect(reachChipText(beside)).toBe(
      "can become cluster-admin (3 hops, without the shorter route's activation or condition)",
    );
  });

  it("has its own path, which the shortest's lookup never returns", () => {
    const escalations = [
      {
        to: "cluster-admin" as const,
        route: "attack-path" as const,
        hops: 3,
        alternative: true,
        paths: [["three"]],
      },
      { to: "cluster-admin" as const, route: "attack-path" as const, hops: 2, paths: [["two"]] },
    ];
    expect(shortestClusterAdminPath(escalations)).toEqual(["two"]);
    expect(shortestClusterAdminPath(escalations, true)).toEqual(["three"]);
    expect(shortestClusterAdminPath([escalations[1]], true)).toBeNull();
  });
});

// A level held only after a PIM activation, or only under a condition, is not held outright: the search
// reports a standing (unconditional) route to it (lib/access/attack-paths-eligible.test.ts), and the pages
// must show it beside the eligible badge rather than hide it (PIM: an eligible role needs activating first,
// learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-activate-your-roles).
describe("a level held only eligibly or conditionally", () => {
  const eligibleAdmin = { level: "cluster-admin" as const, eligible: true };
  const conditionalAdmin = { level: "cluster-admin" as const, conditional: true };

  it("leaves the standing route to it shown", () => {
    for (const grant of [eligibleAdmin, conditionalAdmin]) {
      expect(
        becomeClusterAdmin({ grants: [grant], reaches: [reach("cluster-admin", 3)], oneStep: [] }),
      ).toEqual({
        hops: 3,
        conditional: false,
        via: "attack-path",
      });
      expect(reachesBeyond([grant], [reach("cluster-admin", 3)])).toEqual([reach("cluster-admin", 3)]);
    }
  });

  it("while a level held outright still hides it", () => {
    const standing = { level: "cluster-admin" as const };
    expect(
      becomeClusterAdmin({ grants: [standing], reaches: [reach("cluster-admin", 3)], oneStep: [] }),
    ).toBeNull();
    expect(reachesBeyond([standing, eligibleAdmin], [reach("cluster-admin", 3)])).toEqual([]);
  });
});
