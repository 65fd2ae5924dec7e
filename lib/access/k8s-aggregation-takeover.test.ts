import { describe, expect, it } from "vitest";
import type { AttackPath } from "@/lib/access/attack-paths";
import { rulesTakeover } from "@/lib/access/cluster-takeover";
import { CLUSTER, clusterRole, clusterRoleBinding, user } from "@/lib/access/fixtures/access-model-builder";
import { pathsOf, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";

// A ClusterRole with an aggregationRule has its rules written by the aggregation controller: "If you create
// a new ClusterRole that matches the label selector of an existing aggregated ClusterRole, that change
// triggers adding the new rules into the aggregated ClusterRole" (kubernetes.io/docs/reference/
// access-authn-authz/rbac/#aggregated-clusterroles). Creating a ClusterRole with permissions one does not
// hold needs `escalate` on clusterroles (…/rbac/#restrictions-on-role-creation-or-update). So escalate and
// create on clusterroles, with a ClusterRoleBinding to an aggregated ClusterRole, is cluster-admin: a new
// role with every permission, labelled to match the selector, lands in the role one is bound to.

const RBAC = "rbac.authorization.k8s.io";
const AGGREGATED = {
  clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-support": "true" } }],
};
const ESCALATE_CREATE = [{ verbs: ["escalate", "create"], apiGroups: [RBAC], resources: ["clusterroles"] }];
const READ_PODS = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }];

const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level}${path.namespace ? ` in ${path.namespace}` : ""} in ${path.hops}`);

describe("escalate and create clusterroles, holding an aggregated ClusterRole", () => {
  it("one ClusterRole that aggregates and grants both takes the cluster", () => {
    const rules = ESCALATE_CREATE.map((rule) => ({ ...rule, resourceNames: [], nonResourceURLs: [] }));
    expect(rulesTakeover(rules, "support", true)).toMatchObject({
      evidence: "escalate and create clusterroles",
    });
    expect(rulesTakeover(rules, "support", false)).toBeNull();
  });

  it("through two ClusterRoleBindings: the aggregated role in one, escalate and create in the other", () => {
    const model = twoClusterTenant({
      objects: [
        clusterRole("support", READ_PODS, {}, AGGREGATED),
        clusterRole("role-author", ESCALATE_CREATE),
        clusterRoleBinding("leonard-support", "support", [user("leonard")]),
        clusterRoleBinding("leonard-author", "role-author", [user("leonard")]),
      ],
    });
    const paths = pathsOf(model, CLUSTER, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 1"]);
    expect(paths[0].path.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        "ClusterRoleBinding leonard-support",
        "ClusterRoleBinding leonard-author",
        expect.stringContaining("labelled to aggregate into the ClusterRole support it holds"),
      ]),
    );
  });

  it("not without escalate (the new role may hold only what its author holds), nor without an aggregated role held", () => {
    const createOnly = twoClusterTenant({
      objects: [
        clusterRole("support", READ_PODS, {}, AGGREGATED),
        clusterRole("role-author", [{ verbs: ["create"], apiGroups: [RBAC], resources: ["clusterroles"] }]),
        clusterRoleBinding("leonard-support", "support", [user("leonard")]),
        clusterRoleBinding("leonard-author", "role-author", [user("leonard")]),
      ],
    });
    expect(
      summary(pathsOf(createOnly, CLUSTER, "leonard")).filter((line) => line.startsWith("cluster-admin")),
    ).toEqual([]);
    const plainRole = twoClusterTenant({
      objects: [
        clusterRole("support", READ_PODS),
        clusterRole("role-author", ESCALATE_CREATE),
        clusterRoleBinding("leonard-support", "support", [user("leonard")]),
        clusterRoleBinding("leonard-author", "role-author", [user("leonard")]),
      ],
    });
    expect(
      summary(pathsOf(plainRole, CLUSTER, "leonard")).filter((line) => line.startsWith("cluster-admin")),
    ).toEqual([]);
  });
});
