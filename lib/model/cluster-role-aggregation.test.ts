import { describe, expect, it } from "vitest";
import { effectiveClusterRoleRules } from "@/lib/access/kubernetes-rbac";
import { labelSelectorMatches } from "@/lib/model/cluster-role-aggregation";
import { aggregateClusterRoles } from "@/lib/model/kubernetes-defaults";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";
import { clusterKubernetesFromObjects } from "@/lib/model/wire-kubernetes";

// Label selectors as metav1.LabelSelectorAsSelector builds them
// (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go): an operator other than In, NotIn, Exists and
// DoesNotExist is an error (`"%q is not a valid label selector operator"`), and labels.NewRequirement
// (k8s.io/apimachinery/pkg/labels/selector.go) refuses In/NotIn without values and
// Exists/DoesNotExist with values. An invalid selector matches nothing here.

describe("labelSelectorMatches", () => {
  const labels = { tier: "a", team: "x" };
  it.each([
    ["matchLabels equal", { matchLabels: { tier: "a" }, matchExpressions: [] }, true],
    ["matchLabels differ", { matchLabels: { tier: "b" }, matchExpressions: [] }, false],
    ["In", { matchExpressions: [{ key: "team", operator: "In", values: ["x", "y"] }] }, true],
    ["NotIn", { matchExpressions: [{ key: "team", operator: "NotIn", values: ["x"] }] }, false],
    ["NotIn, key absent", { matchExpressions: [{ key: "absent", operator: "NotIn", values: ["x"] }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "absent", operator: "DoesNotExist", values: [] }] }, true],
    ["DoesNotExist, key present", { matchExpressions: [{ key: "team", operator: "DoesNotExist" }] }, false],
    ["Exists, key absent", { matchExpressions: [{ key: "absent", operator: "Exists", values: [] }] }, false],
    ["empty selector", { matchLabels: {}, matchExpressions: [] }, true],
    ["no fields", {}, true],
    ["unknown operator", { matchExpressions: [{ key: "team", operator: "Equals", values: ["x"] }] }, false],
    [
      "unknown operator beside a matching one",
      {
        matchLabels: { tier: "a" },
        matchExpressions: [{ key: "absent", operator: "NotExists", values: [] }],
      },
      false,
    ],
    ["lower-case operator", { matchExpressions: [{ key: "team", operator: "in", values: ["x"] }] }, false],
    ["NotIn without values", { matchExpressions: [{ key: "absent", operator: "NotIn", values: [] }] }, false],
    ["Exists with values", { matchExpressions: [{ key: "team", operator: "Exists", values: ["x"] }] }, false],
  ])("%s", (_name, selector, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});

function clusterRole(name: string, extra: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: (extra.labels as Record<string, string>) ?? {} },
    ...extra,
  } as KubernetesObject;
}

describe("one aggregation for the engine and the AKS defaults", () => {
  const readPods = { apiGroups: [""], resources: ["pods"], verbs: ["get"] };
  const readSecrets = { apiGroups: [""], resources: ["secrets"], verbs: ["get"] };
  const objects: KubernetesObject[] = [
    clusterRole("pods-reader", { labels: { "aggregate-to-ops": "true" }, rules: [readPods] }),
    clusterRole("secrets-reader", {
      labels: { "aggregate-to-ops": "true", tier: "x" },
      rules: [readSecrets],
    }),
    // An unknown operator: Kubernetes rejects the selector, so it aggregates nothing.
    clusterRole("ops", {
      rules: [],
      aggregationRule: {
        clusterRoleSelectors: [
          {
            matchLabels: { "aggregate-to-ops": "true" },
            matchExpressions: [{ key: "tier", operator: "NotEquals", values: ["x"] }],
          },
        ],
      },
    }),
    // A valid one for contrast: everything labelled aggregate-to-ops but tier=x.
    clusterRole("ops-valid", {
      rules: [],
      aggregationRule: {
        clusterRoleSelectors: [
          {
            matchLabels: { "aggregate-to-ops": "true" },
            matchExpressions: [{ key: "tier", operator: "NotIn", values: ["x"] }],
          },
        ],
      },
    }),
    // Aggregates the aggregated role above it (nesting, as view → edit → admin).
    clusterRole("top", {
      labels: {},
      rules: [],
      aggregationRule: {
        clusterRoleSelectors: [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }],
      },
    }),
  ];

  it("the defaults' aggregation follows Kubernetes", () => {
    const rules = new Map(
      aggregateClusterRoles(objects).map((object) => [
        object.metadata.name,
        (object as { rules?: unknown }).rules,
      ]),
    );
    expect(rules.get("ops")).toEqual([]);
    expect(rules.get("ops-valid")).toEqual([readPods]);
    expect(rules.get("top")).toEqual([readPods]);
  });

  it("the engine reads the same objects to the same rules", () => {
    const model = clusterKubernetesFromObjects(
      "/subscriptions/s/resourcegroups/g/providers/x/managedclusters/c",
      objects,
    );
    const effective = effectiveClusterRoleRules(model.clusterRoles);
    const served = aggregateClusterRoles(objects);
    for (const role of model.clusterRoles) {
      const object = served.find((candidate) => candidate.metadata.name === role.name) as {
        rules?: unknown[];
      };
      expect(
        effective.get(role.name)?.map((rule) => [rule.apiGroups, rule.resources, rule.verbs]),
        role.name,
      ).toEqual(
        (object.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]).map((rule) => [
          rule.apiGroups,
          rule.resources,
          rule.verbs,
        ]),
      );
    }
    expect(effective.get("ops")).toEqual([]);
  });
});
