import { describe, expect, it } from "vitest";
import {
  effectiveClusterRoleRules,
  type KubernetesUser,
  nonResourceURLMatches,
  type RbacObjects,
  rbacAuthorizes,
  ruleAllows,
  rulesCover,
  rulesFor,
  subjectAppliesTo,
} from "@/lib/access/kubernetes-rbac";
import type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from "@/lib/model/kubernetes";

// An audit of the engine's Kubernetes RBAC semantics against Kubernetes' own code
// (github.com/kubernetes/kubernetes). Each case names the upstream function it follows:
//   pkg/apis/rbac/v1/evaluation_helpers.go              VerbMatches, APIGroupMatches, ResourceMatches,
//                                                       ResourceNameMatches, NonResourceURLMatches
//   plugin/pkg/auth/authorizer/rbac/rbac.go             RuleAllows (resource vs non-resource requests)
//   pkg/registry/rbac/validation/rule.go                VisitRulesFor, GetRoleReferenceRules, appliesToUser
//   staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go  Covers, resourceCoversAll
//   pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go       syncClusterRole
//   staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go                       LabelSelectorAsSelector

const rule = (fields: Partial<PolicyRule>): PolicyRule => ({
  verbs: [],
  apiGroups: [],
  resources: [],
  resourceNames: [],
  nonResourceURLs: [],
  ...fields,
});
const selector = (fields: Partial<LabelSelector>): LabelSelector => ({
  matchLabels: {},
  matchExpressions: [],
  ...fields,
});
const clusterRole = (
  name: string,
  rules: PolicyRule[],
  labels: Record<string, string> = {},
  selectors?: LabelSelector[],
): ClusterRole => ({
  clusterId: "c",
  name,
  labels,
  rules,
  aggregationRule: selectors ? { clusterRoleSelectors: selectors } : null,
});
const role = (namespace: string, name: string, rules: PolicyRule[]): Role => ({
  clusterId: "c",
  namespace,
  name,
  labels: {},
  rules,
});
const crb = (
  name: string,
  roleRef: ClusterRoleBinding["roleRef"],
  subjects: Subject[],
): ClusterRoleBinding => ({
  clusterId: "c",
  name,
  labels: {},
  roleRef,
  subjects,
});
const rb = (
  namespace: string,
  name: string,
  roleRef: RoleBinding["roleRef"],
  subjects: Subject[],
): RoleBinding => ({ clusterId: "c", namespace, name, labels: {}, roleRef, subjects });
const objects = (fields: Partial<RbacObjects>): RbacObjects => ({
  clusterRoles: [],
  roles: [],
  clusterRoleBindings: [],
  roleBindings: [],
  ...fields,
});
const userSubject = (name: string): Subject => ({ kind: "User", name, namespace: null });
const groupSubject = (name: string): Subject => ({ kind: "Group", name, namespace: null });
const who = (name: string, groups: string[] = []): KubernetesUser => ({ name, groups });
const getPods = rule({ verbs: ["get"], apiGroups: [""], resources: ["pods"] });

describe("escalation check: Covers (component-helpers/auth/rbac/validation/policy_comparator.go)", () => {
  // resourceCoversAll: an owner resource `*/<subresource>` covers that subresource of any resource
  // (`tokens := strings.SplitN(path, "/", 2); resourceToCheck := "*/" + tokens[1]`), as upstream's
  // policy_comparator_test.go TestCoversSubresourceWildcard pins ("*/scale" covers "foo/scale").
  it.each([
    ["*/scale covers foo/scale (TestCoversSubresourceWildcard)", ["*/scale"], ["foo/scale"], true],
    [
      "*/scale covers deployments/scale and replicasets/scale",
      ["*/scale"],
      ["deployments/scale", "replicasets/scale"],
      true,
    ],
    ["*/scale does not cover the parent resource", ["*/scale"], ["deployments"], false],
    ["*/scale does not cover another subresource", ["*/scale"], ["deployments/status"], false],
    ["*/scale covers */scale as written", ["*/scale"], ["*/scale"], true],
    ["pods/* is no pattern: it does not cover pods/exec", ["pods/*"], ["pods/exec"], false],
    ["pods does not cover pods/exec", ["pods"], ["pods/exec"], false],
  ])("%s", (_name, ownerResources, servantResources, covered) => {
    const owner = [rule({ verbs: ["get"], apiGroups: ["apps"], resources: ownerResources })];
    const servant = [rule({ verbs: ["get"], apiGroups: ["apps"], resources: servantResources })];
    expect(rulesCover(owner, servant).covered).toBe(covered);
  });

  it("the authorizer agrees: a rule on */scale allows get deployments/scale (ResourceMatches)", () => {
    expect(
      ruleAllows(rule({ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] }), {
        verb: "get",
        apiGroup: "apps",
        resource: "deployments/scale",
      }),
    ).toBe(true);
  });
});

describe("ClusterRole aggregation (clusterroleaggregation_controller.go syncClusterRole)", () => {
  const alpha = [rule({ verbs: ["get"], apiGroups: [""], resources: ["alpha"] })];
  const zeta = [rule({ verbs: ["get"], apiGroups: [""], resources: ["zeta"] })];

  it("writes rules selector by selector, each selector's roles in name order", () => {
    // syncClusterRole loops over ClusterRoleSelectors in order; for each it lists the matching roles,
    // sorts them byName and appends their rules (ruleExists drops repeats). With a first selector
    // matching `zeta` and a second matching `alpha`, zeta's rules come first.
    const effective = effectiveClusterRoleRules([
      clusterRole("alpha", alpha, { pick: "second" }),
      clusterRole("zeta", zeta, { pick: "first" }),
      clusterRole("combined", [], {}, [
        selector({ matchLabels: { pick: "first" } }),
        selector({ matchLabels: { pick: "second" } }),
      ]),
    ]);
    expect(effective.get("combined")).toEqual([...zeta, ...alpha]);
  });

  it("a role matched by two selectors contributes its rules once, where the first selector put them", () => {
    const effective = effectiveClusterRoleRules([
      clusterRole("alpha", alpha, { pick: "second", both: "yes" }),
      clusterRole("zeta", zeta, { pick: "first" }),
      clusterRole("combined", [], {}, [
        selector({ matchLabels: { pick: "first" } }),
        selector({ matchLabels: { both: "yes" } }),
        selector({ matchLabels: { pick: "second" } }),
      ]),
    ]);
    expect(effective.get("combined")).toEqual([...zeta, ...alpha]);
  });

  it("an empty selector selects every ClusterRole, cluster-admin included (LabelSelectorAsSelector: empty → Everything)", () => {
    const star = rule({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
    const rbac = objects({
      clusterRoles: [clusterRole("cluster-admin", [star]), clusterRole("grab-all", [], {}, [selector({})])],
      clusterRoleBindings: [crb("grab", { kind: "ClusterRole", name: "grab-all" }, [userSubject("eve")])],
    });
    expect(effectiveClusterRoleRules(rbac.clusterRoles).get("grab-all")).toEqual([star]);
    expect(
      rbacAuthorizes(rbac, who("eve"), { verb: "delete", apiGroup: "", resource: "nodes", namespace: null }),
    ).toBe(true);
  });

  it("matchLabels and matchExpressions of one selector are ANDed; several selectors are ORed", () => {
    const roles = [
      clusterRole("labelled-only", alpha, { team: "a" }),
      clusterRole("both", zeta, { team: "a", tier: "gold" }),
      clusterRole("combined", [], {}, [
        selector({
          matchLabels: { team: "a" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["gold"] }],
        }),
      ]),
      clusterRole("either", [], {}, [
        selector({ matchLabels: { tier: "gold" } }),
        selector({ matchExpressions: [{ key: "team", operator: "Exists", values: [] }] }),
      ]),
    ];
    const effective = effectiveClusterRoleRules(roles);
    expect(effective.get("combined")).toEqual(zeta);
    // `either`: both (first selector), then labelled-only and both again (second) → zeta, alpha
    expect(effective.get("either")).toEqual([...zeta, ...alpha]);
  });

  it("an aggregated role never selects itself, even when its own labels match", () => {
    const effective = effectiveClusterRoleRules([
      clusterRole("self", alpha, { pick: "me" }, [selector({ matchLabels: { pick: "me" } })]),
    ]);
    expect(effective.get("self")).toEqual([]);
  });
});

describe("which bindings count (pkg/registry/rbac/validation/rule.go VisitRulesFor, GetRoleReferenceRules)", () => {
  it("a RoleBinding to a Role that does not exist grants nothing", () => {
    const rbac = objects({
      roleBindings: [rb("ns1", "b", { kind: "Role", name: "missing" }, [userSubject("u")])],
    });
    expect(rulesFor(rbac, who("u"), "ns1")).toEqual([]);
  });

  it("a RoleBinding's Role is looked up in the binding's namespace, not in another of the same name", () => {
    // GetRoleReferenceRules: r.roleGetter.GetRole(bindingNamespace, roleRef.Name)
    const rbac = objects({
      roles: [role("ns2", "reader", [getPods])],
      roleBindings: [rb("ns1", "b", { kind: "Role", name: "reader" }, [userSubject("u")])],
    });
    expect(rulesFor(rbac, who("u"), "ns1")).toEqual([]);
    expect(rulesFor(rbac, who("u"), "ns2")).toEqual([]);
  });

  it('a ClusterRoleBinding naming a Role grants nothing (it is looked up in namespace "")', () => {
    const rbac = objects({
      roles: [role("ns1", "reader", [getPods])],
      clusterRoleBindings: [crb("b", { kind: "Role", name: "reader" }, [userSubject("u")])],
    });
    expect(rulesFor(rbac, who("u"), "ns1")).toEqual([]);
    expect(rulesFor(rbac, who("u"), null)).toEqual([]);
  });

  it("a RoleBinding to a ClusterRole grants its rules only in the binding's namespace", () => {
    const rbac = objects({
      clusterRoles: [clusterRole("reader", [getPods])],
      roleBindings: [rb("ns1", "b", { kind: "ClusterRole", name: "reader" }, [userSubject("u")])],
    });
    const get = (namespace: string | null) =>
      rbacAuthorizes(rbac, who("u"), { verb: "get", apiGroup: "", resource: "pods", namespace });
    expect([get("ns1"), get("ns2"), get(null)]).toEqual([true, false, false]);
  });

  it("non-resource URLs only come from ClusterRoleBindings: a RoleBinding to cluster-admin gives no /metrics", () => {
    // A non-resource request has no namespace; VisitRulesFor lists RoleBindings only `if len(namespace) > 0`.
    const rbac = objects({
      clusterRoles: [
        clusterRole("cluster-admin", [
          rule({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }),
          rule({ verbs: ["*"], nonResourceURLs: ["*"] }),
        ]),
      ],
      roleBindings: [rb("ns1", "b", { kind: "ClusterRole", name: "cluster-admin" }, [userSubject("u")])],
    });
    expect(rbacAuthorizes(rbac, who("u"), { verb: "get", path: "/metrics" })).toBe(false);
    expect(
      rbacAuthorizes(rbac, who("u"), { verb: "get", apiGroup: "", resource: "secrets", namespace: "ns1" }),
    ).toBe(true);
  });
});

describe("rule matching details (evaluation_helpers.go, rbac.go RuleAllows)", () => {
  it.each([
    // ResourceNameMatches compares each name exactly: "*" in resourceNames is a name, not a wildcard.
    [
      "resourceNames [*] is the literal name *",
      rule({ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["*"] }),
      { verb: "get", apiGroup: "", resource: "secrets", resourceName: "db" },
      false,
    ],
    // APIGroupMatches: "" is the core group only; "*" is every group, the core group included.
    [
      'apiGroups [""] is not apps',
      rule({ verbs: ["get"], apiGroups: [""], resources: ["deployments"] }),
      { verb: "get", apiGroup: "apps", resource: "deployments" },
      false,
    ],
    [
      "apiGroups [*] includes the core group",
      rule({ verbs: ["get"], apiGroups: ["*"], resources: ["secrets"] }),
      { verb: "get", apiGroup: "", resource: "secrets" },
      true,
    ],
    // VerbMatches: "*" is every verb, the special ones too.
    [
      "verbs [*] includes escalate",
      rule({ verbs: ["*"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] }),
      { verb: "escalate", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles" },
      true,
    ],
    [
      "verbs [*] includes impersonate",
      rule({ verbs: ["*"], apiGroups: [""], resources: ["users"] }),
      { verb: "impersonate", apiGroup: "", resource: "users", resourceName: "alice" },
      true,
    ],
    // ResourceMatches accepts `*/<sub>` only when len(ruleResource) == len(sub)+2: `*/*` is the
    // subresource literally named *, not every subresource.
    [
      "*/* does not match pods/exec",
      rule({ verbs: ["create"], apiGroups: [""], resources: ["*/*"] }),
      { verb: "create", apiGroup: "", resource: "pods/exec" },
      false,
    ],
    [
      "*/* does not match pods",
      rule({ verbs: ["create"], apiGroups: [""], resources: ["*/*"] }),
      { verb: "create", apiGroup: "", resource: "pods" },
      false,
    ],
    // RuleAllows judges a resource request by verbs, groups, resources and names only: a rule's
    // nonResourceURLs give no resource.
    [
      "nonResourceURLs [*] give no resource",
      rule({ verbs: ["*"], nonResourceURLs: ["*"] }),
      { verb: "get", apiGroup: "", resource: "secrets" },
      false,
    ],
  ])("%s", (_name, r, request, expected) => {
    expect(ruleAllows(r, request)).toBe(expected);
  });

  it.each([
    // NonResourceURLMatches: a trailing * is a string prefix, not a path segment.
    ["/api*", "/apis/apps/v1", true],
    ["/api*", "/api", true],
    ["/healthz/*", "/healthz", false],
    ["/healthz/*", "/healthz/etcd", true],
    // only a trailing *: one in the middle is a character
    ["/api/*/pods", "/api/v1/pods", false],
  ])("non-resource URL %s matches %s → %s", (ruleURL, path, expected) => {
    expect(nonResourceURLMatches(ruleURL, path)).toBe(expected);
  });
});

describe("subjects (rule.go appliesToUser; k8s.io/apiserver/pkg/authentication/serviceaccount MatchesUsername)", () => {
  it("a User subject spelled as a service account's user name is that service account", () => {
    const subject = userSubject("system:serviceaccount:ci:builder");
    expect(subjectAppliesTo(who("system:serviceaccount:ci:builder"), subject, null)).toBe(true);
  });

  it("a ServiceAccount subject with its own namespace applies in a RoleBinding of another namespace", () => {
    const subject: Subject = { kind: "ServiceAccount", name: "builder", namespace: "ci" };
    expect(subjectAppliesTo(who("system:serviceaccount:ci:builder"), subject, "prod")).toBe(true);
    expect(subjectAppliesTo(who("system:serviceaccount:prod:builder"), subject, "prod")).toBe(false);
  });

  it("Group subjects match group names only: a user named like the group is not in it", () => {
    const subject = groupSubject("system:serviceaccounts:ci");
    expect(subjectAppliesTo(who("system:serviceaccounts:ci"), subject, null)).toBe(false);
    expect(
      subjectAppliesTo(
        who("system:serviceaccount:ci:builder", ["system:serviceaccounts", "system:serviceaccounts:ci"]),
        subject,
        null,
      ),
    ).toBe(true);
  });
});
