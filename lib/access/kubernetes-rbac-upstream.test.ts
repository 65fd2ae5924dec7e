import { describe, expect, it } from "vitest";
import {
  effectiveClusterRoleRules,
  type KubernetesRequest,
  type KubernetesUser,
  nonResourceRuleAllows,
  nonResourceURLMatches,
  type RbacObjects,
  rbacAuthorizes,
  ruleAllows,
  rulesCover,
  rulesFor,
  subjectAppliesTo,
} from "@/lib/access/kubernetes-rbac";
import type { ClusterRole, PolicyRule, RoleBinding, Subject } from "@/lib/model/kubernetes";

// Kubernetes' own RBAC test cases, as data tables. The facts (which request a rule allows, which
// subject a binding names, what aggregation yields, which rules cover which) are those of the
// upstream tests named on each block, in github.com/kubernetes/kubernetes:
//   plugin/pkg/auth/authorizer/rbac/rbac_test.go        TestAuthorizer, TestRuleMatches
//   pkg/registry/rbac/validation/rule_test.go            TestDefaultRuleResolver, TestAppliesTo
//   pkg/registry/rbac/validation/policy_comparator_test.go  TestCovers*, TestNonResourceURLCovers
//   pkg/controller/clusterroleaggregation/clusterroleaggregation_controller_test.go  TestSyncClusterRole
// plus pkg/apis/rbac/v1/evaluation_helpers.go for subresource matching (`*/scale`, `pods/*`).

const rule = (fields: Partial<PolicyRule>): PolicyRule => ({
  verbs: [],
  apiGroups: [],
  resources: [],
  resourceNames: [],
  nonResourceURLs: [],
  ...fields,
});
/** rbac_test.go newRule("verbs", "groups", "resources", "urls"): comma lists, "" for none. */
const newRule = (verbs: string, apiGroups: string, resources: string, urls: string) =>
  rule({
    verbs: verbs.split(","),
    apiGroups: apiGroups.split(","),
    resources: resources.split(","),
    nonResourceURLs: urls.split(","),
  });
const clusterRole = (
  name: string,
  rules: PolicyRule[],
  labels: Record<string, string> = {},
): ClusterRole => ({
  clusterId: "c",
  name,
  labels,
  rules,
  aggregationRule: null,
});
/** "User:admin", "Group:admins", "ServiceAccount:ns/name" */
const subject = (text: string): Subject => {
  const [kind, name] = text.split(/:(.*)/s) as [Subject["kind"], string];
  if (kind === "ServiceAccount") {
    const [namespace, saName] = name.split("/");
    return { kind, name: saName, namespace };
  }
  return { kind, name, namespace: null };
};
const objects = (fields: Partial<RbacObjects>): RbacObjects => ({
  clusterRoles: [],
  roles: [],
  clusterRoleBindings: [],
  roleBindings: [],
  ...fields,
});
const crb = (roleName: string, ...subjects: string[]) => ({
  clusterId: "c",
  name: `crb-${roleName}`,
  labels: {},
  roleRef: { kind: "ClusterRole" as const, name: roleName },
  subjects: subjects.map(subject),
});
const rbToClusterRole = (namespace: string, roleName: string, ...subjects: string[]): RoleBinding => ({
  clusterId: "c",
  namespace,
  name: `rb-${roleName}`,
  labels: {},
  roleRef: { kind: "ClusterRole", name: roleName },
  subjects: subjects.map(subject),
});
const who = (name: string, groups = ""): KubernetesUser => ({
  name,
  groups: groups === "" ? [] : groups.split(","),
});
/** rbac_test.go defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup} */
const attrs = (
  user: string,
  groups: string,
  verb: string,
  resource: string,
  subresource: string,
  namespace: string,
  apiGroup: string,
) => ({
  user: who(user, groups),
  request: {
    verb,
    apiGroup,
    resource: subresource ? `${resource}/${subresource}` : resource,
    namespace: namespace || null,
  },
});

describe("TestAuthorizer (plugin/pkg/auth/authorizer/rbac/rbac_test.go)", () => {
  const cases: {
    name: string;
    objects: RbacObjects;
    pass: ReturnType<typeof attrs>[];
    fail: ReturnType<typeof attrs>[];
  }[] = [
    {
      name: "a RoleBinding to a ClusterRole grants only in its namespace, to the user and the group",
      objects: objects({
        clusterRoles: [clusterRole("admin", [newRule("*", "*", "*", "*")])],
        roleBindings: [rbToClusterRole("ns1", "admin", "User:admin", "Group:admins")],
      }),
      pass: [
        attrs("admin", "", "get", "Pods", "", "ns1", ""),
        attrs("admin", "", "watch", "Pods", "", "ns1", ""),
        attrs("admin", "group1", "watch", "Foobar", "", "ns1", ""),
        attrs("joe", "admins", "watch", "Foobar", "", "ns1", ""),
        attrs("joe", "group1,admins", "watch", "Foobar", "", "ns1", ""),
      ],
      fail: [
        attrs("admin", "", "GET", "Pods", "", "ns2", ""),
        attrs("admin", "", "GET", "Nodes", "", "", ""),
        attrs("admin", "admins", "GET", "Pods", "", "ns2", ""),
        attrs("admin", "admins", "GET", "Nodes", "", "", ""),
      ],
    },
    {
      name: "a rule on pods does not grant pods/status",
      objects: objects({
        clusterRoles: [clusterRole("admin", [newRule("*", "*", "pods", "*")])],
        roleBindings: [rbToClusterRole("ns1", "admin", "User:admin", "Group:admins")],
      }),
      pass: [attrs("admin", "", "get", "pods", "", "ns1", "")],
      fail: [attrs("admin", "", "get", "pods", "status", "ns1", "")],
    },
    {
      name: "a rule on pods/status does not grant pods",
      objects: objects({
        clusterRoles: [clusterRole("admin", [newRule("*", "*", "pods/status", "*")])],
        roleBindings: [rbToClusterRole("ns1", "admin", "User:admin", "Group:admins")],
      }),
      pass: [attrs("admin", "", "get", "pods", "status", "ns1", "")],
      fail: [attrs("admin", "", "get", "pods", "", "ns1", "")],
    },
  ];
  for (const { name, objects: rbac, pass, fail } of cases) {
    it.each(pass)(`${name}: allows %j`, ({ user, request }) => {
      expect(rbacAuthorizes(rbac, user, request)).toBe(true);
    });
    it.each(fail)(`${name}: denies %j`, ({ user, request }) => {
      expect(rbacAuthorizes(rbac, user, request)).toBe(false);
    });
  }

  describe("non-resource URLs, granted by ClusterRoleBindings", () => {
    const rbac = objects({
      clusterRoles: [
        clusterRole("non-resource-url-getter", [newRule("get", "", "", "/apis")]),
        clusterRole("non-resource-url", [newRule("*", "", "", "/apis")]),
        clusterRole("non-resource-url-prefix", [newRule("get", "", "", "/apis/*")]),
      ],
      clusterRoleBindings: [
        crb("non-resource-url-getter", "User:foo", "Group:bar"),
        crb("non-resource-url", "User:admin", "Group:admin"),
        crb("non-resource-url-prefix", "User:prefixed", "Group:prefixed"),
      ],
    });
    it.each([
      [who("foo"), "get", "/apis", true],
      [who("", "bar"), "get", "/apis", true],
      [who("admin"), "get", "/apis", true],
      [who("", "admin"), "get", "/apis", true],
      [who("admin"), "watch", "/apis", true],
      [who("", "admin"), "watch", "/apis", true],
      [who("prefixed"), "get", "/apis/v1", true],
      [who("", "prefixed"), "get", "/apis/v1", true],
      [who("prefixed"), "get", "/apis/v1/foobar", true],
      [who("", "prefixed"), "get", "/apis/v1/foorbar", true],
      // wrong verb
      [who("foo"), "watch", "/apis", false],
      [who("", "bar"), "watch", "/apis", false],
      // wrong path
      [who("foo"), "get", "/api/v1", false],
      [who("", "bar"), "get", "/api/v1", false],
      [who("admin"), "get", "/api/v1", false],
      [who("", "admin"), "get", "/api/v1", false],
      // not covered by the prefix
      [who("prefixed"), "get", "/api/v1", false],
      [who("", "prefixed"), "get", "/api/v1", false],
    ] as const)("%j %s %s → %s", (user, verb, path, expected) => {
      expect(rbacAuthorizes(rbac, user, { verb, path })).toBe(expected);
    });
  });
});

describe("TestRuleMatches (plugin/pkg/auth/authorizer/rbac/rbac_test.go)", () => {
  const resource = (
    verb: string,
    apiGroup: string,
    resourceName: string,
    subresource = "",
  ): KubernetesRequest => ({
    verb,
    apiGroup,
    resource: subresource ? `${resourceName}/${subresource}` : resourceName,
  });
  const grid = (expected: (verb: string, group: string, resource: string) => boolean) =>
    ["verb1", "verb2"].flatMap((verb) =>
      ["group1", "group2"].flatMap((group) =>
        ["resource1", "resource2"].map(
          (res) => [resource(verb, group, res), expected(verb, group, res)] as const,
        ),
      ),
    );
  it.each([
    [
      "star verb, exact match other",
      rule({ verbs: ["*"], apiGroups: ["group1"], resources: ["resource1"] }),
      grid((_v, g, r) => g === "group1" && r === "resource1"),
    ],
    [
      "star group, exact match other",
      rule({ verbs: ["verb1"], apiGroups: ["*"], resources: ["resource1"] }),
      grid((v, _g, r) => v === "verb1" && r === "resource1"),
    ],
    [
      "star resource, exact match other",
      rule({ verbs: ["verb1"], apiGroups: ["group1"], resources: ["*"] }),
      grid((v, g) => v === "verb1" && g === "group1"),
    ],
    [
      "tuple expansion",
      rule({
        verbs: ["verb1", "verb2"],
        apiGroups: ["group1", "group2"],
        resources: ["resource1", "resource2"],
      }),
      grid(() => true),
    ],
    [
      "subresource expansion",
      rule({ verbs: ["*"], apiGroups: ["*"], resources: ["resource1/subresource1"] }),
      ["verb1", "verb2"].flatMap((verb) => [
        [resource(verb, "group1", "resource1", "subresource1"), true] as const,
        [resource(verb, "group2", "resource1", "subresource2"), false] as const,
        [resource(verb, "group1", "resource2", "subresource1"), false] as const,
        [resource(verb, "group2", "resource2", "subresource1"), false] as const,
      ]),
    ],
  ])("%s", (_name, r, expectations) => {
    for (const [request, expected] of expectations)
      expect(ruleAllows(r, request), JSON.stringify(request)).toBe(expected);
  });

  const urls = ["/foo", "/foo/bar", "/foo/baz", "/foo/bar/one", "/foo/baz/one"];
  it.each([
    [
      "star nonresource, exact match other",
      rule({ verbs: ["verb1"], nonResourceURLs: ["*"] }),
      {
        verb1: urls,
        verb2: [],
      },
    ],
    [
      "star verb, exact nonresource",
      rule({ verbs: ["*"], nonResourceURLs: ["/foo", "/foo/bar/one"] }),
      {
        verb1: ["/foo", "/foo/bar/one"],
        verb2: ["/foo", "/foo/bar/one"],
      },
    ],
  ])("%s", (_name, r, allowed) => {
    for (const verb of ["verb1", "verb2"] as const)
      for (const path of urls)
        expect(nonResourceRuleAllows(r, { verb, path }), `${verb} ${path}`).toBe(
          allowed[verb].includes(path),
        );
  });

  it("star nonresource subpath: /foo/* covers what is below /foo, not /foo itself", () => {
    const r = rule({ verbs: ["verb1"], nonResourceURLs: ["/foo/*"] });
    const expected: Record<string, boolean> = {
      "/foo": false,
      "/foo/bar": true,
      "/foo/baz": true,
      "/foo/bar/one": true,
      "/foo/baz/one": true,
      "/notfoo": false,
      "/notfoo/bar": false,
      "/notfoo/baz": false,
      "/notfoo/bar/one": false,
      "/notfoo/baz/one": false,
    };
    for (const [path, allowed] of Object.entries(expected))
      expect(nonResourceRuleAllows(r, { verb: "verb1", path }), path).toBe(allowed);
  });
});

describe("subresources and resourceNames (pkg/apis/rbac/v1/evaluation_helpers.go)", () => {
  it.each([
    // ResourceMatches: `*/<subresource>` matches that subresource of any resource ...
    ["*/scale grants deployments/scale", ["*/scale"], "deployments/scale", true],
    ["*/scale grants replicasets/scale", ["*/scale"], "replicasets/scale", true],
    ["*/scale does not grant deployments", ["*/scale"], "deployments", false],
    ["*/scale does not grant deployments/status", ["*/scale"], "deployments/status", false],
    // ... while `pods/*` is no pattern at all: it is compared as written.
    ["pods/* does not grant pods", ["pods/*"], "pods", false],
    ["pods/* does not grant pods/exec", ["pods/*"], "pods/exec", false],
    ["* grants pods/exec", ["*"], "pods/exec", true],
  ])("%s", (_name, resources, requested, expected) => {
    expect(
      ruleAllows(rule({ verbs: ["get"], apiGroups: ["apps", ""], resources }), {
        verb: "get",
        apiGroup: requested.startsWith("pods") ? "" : "apps",
        resource: requested,
      }),
    ).toBe(expected);
  });

  it.each([
    // ResourceNameMatches: no names → every object; names → only those, and never a request naming none
    [[], "a", true],
    [[], undefined, true],
    [["a", "b"], "b", true],
    [["a", "b"], "c", false],
    [["a", "b"], undefined, false],
  ] as const)("resourceNames %j, request name %s → %s", (resourceNames, resourceName, expected) => {
    const r = rule({
      verbs: ["get"],
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: [...resourceNames],
    });
    expect(ruleAllows(r, { verb: "get", apiGroup: "", resource: "secrets", resourceName })).toBe(expected);
  });

  it("verbs compare exactly: GET is not get", () => {
    expect(
      ruleAllows(rule({ verbs: ["get"], apiGroups: [""], resources: ["pods"] }), {
        verb: "GET",
        apiGroup: "",
        resource: "pods",
      }),
    ).toBe(false);
  });
});

describe("TestAppliesTo (pkg/registry/rbac/validation/rule_test.go)", () => {
  it.each([
    ["single subject that matches username", ["User:foobar"], who("foobar"), null, true],
    [
      "multiple subjects, one that matches username",
      ["User:barfoo", "User:foobar"],
      who("foobar"),
      null,
      true,
    ],
    [
      "multiple subjects, none that match username",
      ["User:barfoo", "User:foobar"],
      who("zimzam"),
      null,
      false,
    ],
    [
      "multiple subjects, one that match group",
      ["User:barfoo", "Group:foobar"],
      who("zimzam", "foobar"),
      null,
      true,
    ],
    [
      "multiple subjects, one that match group, should ignore namespace",
      ["User:barfoo", "Group:foobar"],
      who("zimzam", "foobar"),
      "namespace1",
      true,
    ],
    [
      "multiple subjects with a service account that matches",
      ["User:barfoo", "Group:foobar", "ServiceAccount:kube-system/default"],
      who("system:serviceaccount:kube-system:default"),
      "default",
      true,
    ],
    ["* user subject name doesn't match all users", ["User:*"], who("foobar"), "default", false],
    [
      "binding to all authenticated and unauthenticated subjects matches authenticated user",
      ["Group:system:authenticated", "Group:system:unauthenticated"],
      who("foobar", "system:authenticated"),
      "default",
      true,
    ],
    [
      "binding to all authenticated and unauthenticated subjects matches anonymous user",
      ["Group:system:authenticated", "Group:system:unauthenticated"],
      who("system:anonymous", "system:unauthenticated"),
      "default",
      true,
    ],
    // appliesToUser compares names exactly
    ["a user name in other case is another user", ["User:Foobar"], who("foobar"), null, false],
    ["a group name in other case is another group", ["Group:Admins"], who("x", "admins"), null, false],
  ] as const)("%s", (_name, subjects, user, namespace, expected) => {
    expect(subjects.map(subject).some((s) => subjectAppliesTo(user, s, namespace))).toBe(expected);
  });

  it("a ServiceAccount subject without namespace is the RoleBinding's namespace, and nobody cluster-wide", () => {
    const bare: Subject = { kind: "ServiceAccount", name: "default", namespace: null };
    const sa = who("system:serviceaccount:ns1:default");
    expect(subjectAppliesTo(sa, bare, "ns1")).toBe(true);
    expect(subjectAppliesTo(sa, bare, "ns2")).toBe(false);
    expect(subjectAppliesTo(sa, bare, null)).toBe(false);
  });
});

describe("TestDefaultRuleResolver (pkg/registry/rbac/validation/rule_test.go)", () => {
  const readPods = rule({ verbs: ["GET", "WATCH"], apiGroups: ["v1"], resources: ["pods"] });
  const readServices = rule({ verbs: ["GET", "WATCH"], apiGroups: ["v1"], resources: ["services"] });
  const writeNodes = rule({ verbs: ["PUT", "CREATE", "UPDATE"], apiGroups: ["v1"], resources: ["nodes"] });
  const admin = rule({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
  const rbac = objects({
    roles: [
      {
        clusterId: "c",
        namespace: "namespace1",
        name: "readthings",
        labels: {},
        rules: [readPods, readServices],
      },
    ],
    clusterRoles: [clusterRole("cluster-admin", [admin]), clusterRole("write-nodes", [writeNodes])],
    roleBindings: [
      {
        clusterId: "c",
        namespace: "namespace1",
        name: "b",
        labels: {},
        roleRef: { kind: "Role", name: "readthings" },
        subjects: [subject("User:foobar"), subject("Group:group1")],
      },
    ],
    clusterRoleBindings: [crb("cluster-admin", "User:admin", "Group:admin")],
  });
  it.each([
    ["foobar in namespace1", who("foobar"), "namespace1", [readPods, readServices]],
    ["foobar in namespace2", who("foobar"), "namespace2", []],
    ["foobar in group admin, cluster-wide: only cluster rules apply", who("foobar", "admin"), null, [admin]],
    ["nobody", who(""), null, []],
  ] as const)("%s", (_name, user, namespace, expected) => {
    expect(rulesFor(rbac, user, namespace)).toEqual(expected);
  });
});

describe("TestSyncClusterRole (pkg/controller/clusterroleaggregation)", () => {
  const hammer = [
    rule({ verbs: ["hammer"], resources: ["nails"] }),
    rule({ verbs: ["hammer"], resources: ["wedges"] }),
  ];
  const chisel = [rule({ verbs: ["chisel"], resources: ["mortises"] })];
  const saw = [rule({ verbs: ["saw"], resources: ["boards"] })];
  const combined = (selectors: Record<string, string>[], rules: PolicyRule[] = []): ClusterRole => ({
    ...clusterRole("combined", rules),
    aggregationRule: {
      clusterRoleSelectors: selectors.map((matchLabels) => ({ matchLabels, matchExpressions: [] })),
    },
  });
  it.each([
    [
      "remove dead rules",
      [clusterRole("hammer", hammer, { foo: "bar" }), combined([{ foo: "bar" }], saw)],
      hammer,
    ],
    [
      "strip rules",
      [clusterRole("hammer", hammer, { foo: "not-bar" }), combined([{ foo: "bar" }], hammer)],
      [],
    ],
    [
      "select properly and put in order",
      [
        clusterRole("hammer", hammer, { foo: "bar" }),
        clusterRole("chisel", chisel, { foo: "bar" }),
        clusterRole("saw", saw, { foo: "not-bar" }),
        combined([{ foo: "bar" }]),
      ],
      [...chisel, ...hammer],
    ],
    [
      "select properly with multiple selectors",
      [
        clusterRole("hammer", hammer, { foo: "bar" }),
        clusterRole("chisel", chisel, { foo: "bar" }),
        clusterRole("saw", saw, { foo: "not-bar" }),
        combined([{ foo: "bar" }, { foo: "not-bar" }]),
      ],
      [...chisel, ...hammer, ...saw],
    ],
    [
      "select properly remove duplicates",
      [
        clusterRole("hammer", hammer, { foo: "bar" }),
        clusterRole("chisel", chisel, { foo: "bar" }),
        clusterRole("saw", saw, { foo: "bar" }),
        clusterRole("other-saw", saw, { foo: "not-bar" }),
        combined([{ foo: "bar" }, { foo: "not-bar" }]),
      ],
      [...chisel, ...hammer, ...saw],
    ],
    ["no diff", [clusterRole("hammer", hammer, { foo: "bar" }), combined([{ foo: "bar" }], hammer)], hammer],
  ])("%s", (_name, roles, expected) => {
    expect(effectiveClusterRoleRules(roles).get("combined")).toEqual(expected);
  });
});

describe("Covers: a role may only grant what its author holds (pkg/registry/rbac/validation/policy_comparator_test.go)", () => {
  const r = (apiGroups: string[], verbs: string[], resources: string[], resourceNames: string[] = []) =>
    rule({ apiGroups, verbs, resources, resourceNames });
  const urls = (nonResourceURLs: string[], verbs: string[]) => rule({ nonResourceURLs, verbs });
  it.each([
    ["ExactMatch", [r(["v1"], ["get"], ["builds"])], [r(["v1"], ["get"], ["builds"])], []],
    [
      "MultipleRulesCoveringSingleRule",
      [
        r(["v1"], ["delete"], ["deployments"]),
        r(["v1"], ["delete"], ["builds"]),
        r(["v1"], ["update"], ["builds", "deployments"]),
      ],
      [r(["v1"], ["delete", "update"], ["builds", "deployments"])],
      [],
    ],
    [
      "MultipleAPIGroupsCoveringSingleRule",
      ["group1", "group2"].flatMap((g) => [
        r([g], ["delete"], ["deployments"]),
        r([g], ["delete"], ["builds"]),
        r([g], ["update"], ["builds", "deployments"]),
      ]),
      [r(["group1", "group2"], ["delete", "update"], ["builds", "deployments"])],
      [],
    ],
    [
      "SingleAPIGroupsCoveringMultiple",
      [r(["group1", "group2"], ["delete", "update"], ["builds", "deployments"])],
      ["group1", "group2"].flatMap((g) => [
        r([g], ["delete"], ["deployments"]),
        r([g], ["delete"], ["builds"]),
        r([g], ["update"], ["builds", "deployments"]),
      ]),
      [],
    ],
    [
      "MultipleRulesMissingSingleVerbResourceCombination",
      [r(["v1"], ["delete", "update"], ["builds", "deployments"]), r(["v1"], ["delete"], ["pods"])],
      [r(["v1"], ["delete", "update"], ["builds", "deployments", "pods"])],
      [r(["v1"], ["update"], ["pods"])],
    ],
    [
      "APIGroupStarCoveringMultiple",
      [r(["*"], ["get"], ["roles"])],
      [r(["group1", "group2"], ["get"], ["roles"])],
      [],
    ],
    [
      "EnumerationNotCoveringAPIGroupStar",
      [r(["dummy-group"], ["get"], ["roles"])],
      [r(["*"], ["get"], ["roles"])],
      [r(["*"], ["get"], ["roles"])],
    ],
    ["APIGroupStarCoveringStar", [r(["*"], ["get"], ["roles"])], [r(["*"], ["get"], ["roles"])], []],
    [
      "VerbStarCoveringMultiple",
      [r(["v1"], ["*"], ["roles"])],
      [r(["v1"], ["watch", "list"], ["roles"])],
      [],
    ],
    [
      "EnumerationNotCoveringVerbStar",
      [r(["v1"], ["get", "list", "watch", "create", "update", "delete", "exec"], ["roles"])],
      [r(["v1"], ["*"], ["roles"])],
      [r(["v1"], ["*"], ["roles"])],
    ],
    ["VerbStarCoveringStar", [r(["v1"], ["*"], ["roles"])], [r(["v1"], ["*"], ["roles"])], []],
    [
      "ResourceStarCoveringMultiple",
      [r(["v1"], ["get"], ["*"])],
      [r(["v1"], ["get"], ["resourcegroup:deployments"])],
      [],
    ],
    [
      "EnumerationNotCoveringResourceStar",
      [r(["v1"], ["get"], ["roles", "resourcegroup:deployments"])],
      [r(["v1"], ["get"], ["*"])],
      [r(["v1"], ["get"], ["*"])],
    ],
    ["ResourceStarCoveringStar", [r(["v1"], ["get"], ["*"])], [r(["v1"], ["get"], ["*"])], []],
    [
      "ResourceNameEmptyCoveringMultiple",
      [r(["v1"], ["get"], ["pods"])],
      [r(["v1"], ["get"], ["pods"], ["foo", "bar"])],
      [],
    ],
    [
      "EnumerationNotCoveringResourceNameEmpty",
      [r(["v1"], ["get"], ["pods"], ["foo", "bar"])],
      [r(["v1"], ["get"], ["pods"])],
      [r(["v1"], ["get"], ["pods"])],
    ],
    ["NonResourceURLs", [urls(["/apis"], ["*"])], [urls(["/apis"], ["*"])], []],
    ["NonResourceURLsStar", [urls(["*"], ["*"])], [urls(["/apis", "/apis/v1", "/"], ["*"])], []],
    [
      "NonResourceURLsStarAfterPrefixDoesntCover",
      [urls(["/apis/*"], ["*"])],
      [urls(["/apis", "/apis/v1"], ["get"])],
      [urls(["/apis"], ["get"])],
    ],
    [
      "NonResourceURLsStarAfterPrefix",
      [urls(["/apis/*"], ["*"])],
      [urls(["/apis/v1/foo", "/apis/v1"], ["get"])],
      [],
    ],
    [
      "NonResourceURLsWithOtherFields",
      [rule({ apiGroups: ["v1"], verbs: ["get"], resources: ["builds"], nonResourceURLs: ["/apis"] })],
      [rule({ apiGroups: ["v1"], verbs: ["get"], resources: ["builds"], nonResourceURLs: ["/apis"] })],
      [],
    ],
    [
      "NonResourceURLsWithOtherFieldsFailure",
      [r(["v1"], ["get"], ["builds"])],
      [rule({ apiGroups: ["v1"], verbs: ["get"], resources: ["builds"], nonResourceURLs: ["/apis"] })],
      [urls(["/apis"], ["get"])],
    ],
  ])("Covers%s", (_name, owner, servant, uncovered) => {
    const result = rulesCover(owner, servant);
    expect(result.covered).toBe(uncovered.length === 0);
    expect(result.uncovered).toEqual(uncovered);
  });

  it.each([
    ["*", "/api", true],
    ["/api", "/api", true],
    ["/apis", "/api", false],
    ["/api/v1", "/api", false],
    ["/api/v1", "/api/v1", true],
    ["/api/*", "/api/v1", true],
    ["/api/*", "/api", false],
    ["/api/*/*", "/api/v1", false],
    ["/*/v1/*", "/api/v1", false],
  ])("TestNonResourceURLCovers: %s covers %s → %s", (owner, requested, expected) => {
    expect(rulesCover([urls([owner], ["get"])], [urls([requested], ["get"])]).covered).toBe(expected);
    // the authorizer's matching agrees on these
    expect(nonResourceURLMatches(owner, requested)).toBe(expected);
  });
});
