import { describe, expect, it } from "vitest";
import { effectiveClusterRoleRules, ruleAllows } from "@/lib/access/kubernetes-rbac";
import type { ClusterRole, PolicyRule } from "@/lib/model/kubernetes";

const rule = (r: Partial<PolicyRule>): PolicyRule => ({
  verbs: [],
  apiGroups: [""],
  resources: [],
  resourceNames: [],
  nonResourceURLs: [],
  ...r,
});

describe("ruleAllows", () => {
  it.each([
    [
      "exact",
      rule({ verbs: ["get"], resources: ["pods"] }),
      { verb: "get", apiGroup: "", resource: "pods" },
      true,
    ],
    [
      "other verb",
      rule({ verbs: ["get"], resources: ["pods"] }),
      { verb: "delete", apiGroup: "", resource: "pods" },
      false,
    ],
    [
      "verb wildcard",
      rule({ verbs: ["*"], resources: ["pods"] }),
      { verb: "delete", apiGroup: "", resource: "pods" },
      true,
    ],
    [
      "other group",
      rule({ verbs: ["get"], resources: ["deployments"] }),
      { verb: "get", apiGroup: "apps", resource: "deployments" },
      false,
    ],
    [
      "group wildcard",
      rule({ verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] }),
      { verb: "get", apiGroup: "apps", resource: "deployments" },
      true,
    ],
    [
      "resource wildcard",
      rule({ verbs: ["get"], resources: ["*"] }),
      { verb: "get", apiGroup: "", resource: "secrets" },
      true,
    ],
    [
      "resource wildcard covers subresources",
      rule({ verbs: ["create"], resources: ["*"] }),
      { verb: "create", apiGroup: "", resource: "pods/exec" },
      true,
    ],
    [
      "parent does not cover subresource",
      rule({ verbs: ["create"], resources: ["pods"] }),
      { verb: "create", apiGroup: "", resource: "pods/exec" },
      false,
    ],
    [
      "explicit subresource",
      rule({ verbs: ["create"], resources: ["pods/exec"] }),
      { verb: "create", apiGroup: "", resource: "pods/exec" },
      true,
    ],
    [
      "*/subresource",
      rule({ verbs: ["get"], resources: ["*/log"] }),
      { verb: "get", apiGroup: "", resource: "pods/log" },
      true,
    ],
    [
      "*/subresource is not the parent",
      rule({ verbs: ["get"], resources: ["*/log"] }),
      { verb: "get", apiGroup: "", resource: "pods" },
      false,
    ],
    [
      "resourceNames: named request",
      rule({ verbs: ["get"], resources: ["secrets"], resourceNames: ["a"] }),
      { verb: "get", apiGroup: "", resource: "secrets", resourceName: "a" },
      true,
    ],
    [
      "resourceNames: other name",
      rule({ verbs: ["get"], resources: ["secrets"], resourceNames: ["a"] }),
      { verb: "get", apiGroup: "", resource: "secrets", resourceName: "b" },
      false,
    ],
    [
      "resourceNames never cover unnamed requests",
      rule({ verbs: ["*"], resources: ["secrets"], resourceNames: ["a"] }),
      { verb: "list", apiGroup: "", resource: "secrets" },
      false,
    ],
  ])("%s", (_name, r, request, expected) => {
    expect(ruleAllows(r, request)).toBe(expected);
  });
});

describe("effectiveClusterRoleRules", () => {
  const clusterRole = (
    name: string,
    rules: PolicyRule[],
    labels: Record<string, string>,
    selectors?: Record<string, string>[],
  ): ClusterRole => ({
    clusterId: "c",
    name,
    labels,
    rules,
    aggregationRule: selectors
      ? { clusterRoleSelectors: selectors.map((matchLabels) => ({ matchLabels, matchExpressions: [] })) }
      : null,
  });

  it("aggregates transitively (view → edit → admin) without duplicates and survives cycles", () => {
    const read = rule({ verbs: ["get"], resources: ["pods"] });
    const write = rule({ verbs: ["create"], resources: ["pods"] });
    const rbac = rule({
      verbs: ["create"],
      apiGroups: ["rbac.authorization.k8s.io"],
      resources: ["rolebindings"],
    });
    const roles = [
      clusterRole("admin", [], {}, [{ "to-admin": "true" }]),
      clusterRole("edit", [], { "to-admin": "true" }, [{ "to-edit": "true" }]),
      clusterRole("view", [], { "to-edit": "true" }, [{ "to-view": "true" }]),
      clusterRole("view-pods", [read], { "to-view": "true" }),
      clusterRole("edit-pods", [write, read], { "to-edit": "true" }),
      clusterRole("admin-rbac", [rbac], { "to-admin": "true" }),
      clusterRole("loop-a", [read], { loop: "b" }, [{ loop: "a" }]),
      clusterRole("loop-b", [write], { loop: "a" }, [{ loop: "b" }]),
    ];
    const effective = effectiveClusterRoleRules(roles);
    expect(effective.get("view")).toEqual([read]);
    // in the name order of the roles it selects (edit-pods, view), as the controller writes them
    expect(effective.get("edit")).toEqual([write, read]);
    expect(effective.get("admin")).toEqual(expect.arrayContaining([read, write, rbac]));
    expect(effective.get("admin")).toHaveLength(3);
    // An aggregated role's own rules are replaced by what it selects. A cycle settles as the
    // controller settles it, syncing roles in name order (the order a list returns them): loop-a
    // takes loop-b's rules, then loop-b takes loop-a's new ones — the same answer the AKS defaults
    // (lib/model/kubernetes-defaults.ts) give, since both use lib/model/cluster-role-aggregation.ts.
    expect(effective.get("loop-a")).toEqual([write]);
    expect(effective.get("loop-b")).toEqual([write]);
  });
});
