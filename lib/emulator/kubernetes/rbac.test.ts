import { describe, expect, it } from "vitest";
import { ClusterObjects } from "@/lib/emulator/kubernetes/cluster-objects";
import {
  azureDataActions,
  type KubernetesUser,
  rbacAllows,
  rbacDecide,
  rbacRulesFor,
  ruleAllows,
} from "@/lib/emulator/kubernetes/rbac";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";

const list = (resource: string, group = "", namespace?: string) => ({
  verb: "list",
  group,
  resource,
  ...(namespace ? { namespace } : {}),
});

describe("ruleAllows", () => {
  it("matches verbs, groups and resources with wildcards", () => {
    expect(ruleAllows({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, list("secrets"))).toBe(true);
    expect(ruleAllows({ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }, list("pods"))).toBe(
      true,
    );
    expect(ruleAllows({ apiGroups: [""], resources: ["pods"], verbs: ["get"] }, list("pods"))).toBe(false);
    expect(ruleAllows({ apiGroups: ["apps"], resources: ["pods"], verbs: ["list"] }, list("pods"))).toBe(
      false,
    );
  });

  it("never authorizes a list through resourceNames, and matches subresources exactly", () => {
    const named = {
      apiGroups: [""],
      resources: ["configmaps"],
      resourceNames: ["a"],
      verbs: ["get", "list"],
    };
    expect(ruleAllows(named, list("configmaps"))).toBe(false);
    expect(ruleAllows(named, { verb: "get", group: "", resource: "configmaps", name: "a" })).toBe(true);
    const exec = { verb: "create", group: "", resource: "pods", subresource: "exec" };
    expect(ruleAllows({ apiGroups: [""], resources: ["pods"], verbs: ["create"] }, exec)).toBe(false);
    expect(ruleAllows({ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }, exec)).toBe(true);
  });
});

function binding(
  kind: "ClusterRoleBinding" | "RoleBinding",
  name: string,
  role: string,
  subjects: object[],
  namespace?: string,
) {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects,
  } as KubernetesObject;
}

describe("rbacAllows", () => {
  const objects = new ClusterObjects([
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "reader" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
    } as KubernetesObject,
    binding("ClusterRoleBinding", "group-readers", "reader", [
      { kind: "Group", name: "g1", apiGroup: "rbac.authorization.k8s.io" },
    ]),
    binding(
      "RoleBinding",
      "upn-reader",
      "reader",
      [{ kind: "User", name: "leonard@contoso.example", apiGroup: "rbac.authorization.k8s.io" }],
      "web",
    ),
    binding(
      "RoleBinding",
      "sa-reader",
      "reader",
      [{ kind: "ServiceAccount", name: "ci", namespace: "build" }],
      "web",
    ),
  ]);
  const user = (overrides: Partial<KubernetesUser>): KubernetesUser => ({
    name: "u",
    groups: ["system:authenticated"],
    ...overrides,
  });

  it("grants through group ClusterRoleBindings everywhere", () => {
    expect(rbacAllows(objects, user({ groups: ["g1"] }), list("pods", "", "any"))).toBe(true);
    expect(rbacAllows(objects, user({}), list("pods"))).toBe(false);
  });

  it("grants RoleBindings only in their namespace, to a user by exact name or a service account", () => {
    const leonard = user({ name: "leonard@contoso.example" });
    expect(rbacAllows(objects, leonard, list("pods", "", "web"))).toBe(true);
    // appliesToUser compares names exactly: another spelling, or the object id, is another user.
    expect(rbacAllows(objects, user({ name: "Leonard@contoso.example" }), list("pods", "", "web"))).toBe(
      false,
    );
    expect(rbacAllows(objects, user({ name: "oid-3" }), list("pods", "", "web"))).toBe(false);
    expect(rbacAllows(objects, leonard, list("pods", "", "default"))).toBe(false);
    expect(rbacAllows(objects, leonard, list("pods"))).toBe(false);
    expect(
      rbacAllows(objects, user({ name: "system:serviceaccount:build:ci" }), list("pods", "", "web")),
    ).toBe(true);
  });

  it("lets system:masters do anything", () => {
    expect(rbacAllows(objects, user({ groups: ["system:masters"] }), list("secrets"))).toBe(true);
  });
});

describe("azureDataActions", () => {
  it("maps requests to AKS data actions", () => {
    expect(azureDataActions(list("pods"))).toEqual(["Microsoft.ContainerService/managedClusters/pods/read"]);
    expect(azureDataActions(list("clusterrolebindings", "rbac.authorization.k8s.io"))).toEqual([
      "Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterrolebindings/read",
    ]);
    expect(azureDataActions(list("azureidentities", "aadpodidentity.k8s.io"))).toEqual([
      "Microsoft.ContainerService/managedClusters/aadpodidentity.k8s.io/azureidentities/read",
      "Microsoft.ContainerService/managedClusters/customresources/read",
    ]);
    // guard checks custom resources' writes and deletes as customresources/<write|delete> too
    // (getAuthInfoListForCustomResource; azure-aks-docs articles/aks/entra-id-authorization.md)
    expect(
      azureDataActions({ verb: "patch", group: "aadpodidentity.k8s.io", resource: "azureidentities" }),
    ).toEqual([
      "Microsoft.ContainerService/managedClusters/aadpodidentity.k8s.io/azureidentities/write",
      "Microsoft.ContainerService/managedClusters/customresources/write",
    ]);
    expect(azureDataActions({ verb: "deletecollection", group: "example.com", resource: "widgets" })).toEqual(
      [
        "Microsoft.ContainerService/managedClusters/example.com/widgets/delete",
        "Microsoft.ContainerService/managedClusters/customresources/delete",
      ],
    );
    expect(azureDataActions({ verb: "create", group: "", resource: "pods", subresource: "exec" })).toEqual([
      "Microsoft.ContainerService/managedClusters/pods/exec/action",
    ]);
    expect(azureDataActions({ verb: "impersonate", group: "", resource: "serviceaccounts" })).toEqual([
      "Microsoft.ContainerService/managedClusters/serviceaccounts/impersonate/action",
    ]);
  });
});

// Cases from Kubernetes' own tests of the rule helpers and the RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac/rbac_test.go, pkg/apis/rbac/v1/evaluation_helpers.go).
describe("ruleAllows as upstream ResourceMatches / NonResourceURLMatches", () => {
  const rule = (resources: string[], extra: object = {}) => ({
    apiGroups: [""],
    resources,
    verbs: ["get"],
    ...extra,
  });
  const get = (resource: string, subresource?: string, name?: string) => ({
    verb: "get",
    group: "",
    resource,
    ...(subresource ? { subresource } : {}),
    ...(name ? { name } : {}),
  });

  it.each([
    [["pods/*"], get("pods"), false], // `pods/*` is not a wildcard over pods…
    [["pods/*"], get("pods", "exec"), false], // …nor over its subresources
    [["*/exec"], get("pods", "exec"), true],
    [["*/exec"], get("pods"), false],
    [["*"], get("pods", "log"), true],
    [["pods"], get("pods", "log"), false],
    [["pods/log"], get("pods", "log"), true],
  ])("resources %j against %j → %s", (resources, request, expected) => {
    expect(ruleAllows(rule(resources), request)).toBe(expected);
  });

  it("matches resourceNames exactly, and non-resource URLs by exact path, * or a trailing-* prefix", () => {
    expect(ruleAllows(rule(["pods"], { resourceNames: ["a"] }), get("pods", undefined, "ab"))).toBe(false);
    const urls = { verbs: ["get"], nonResourceURLs: ["/healthz", "/apis/*"] };
    expect(ruleAllows(urls, { verb: "get", path: "/healthz" })).toBe(true);
    expect(ruleAllows(urls, { verb: "get", path: "/healthz/ping" })).toBe(false);
    expect(ruleAllows(urls, { verb: "get", path: "/apis/apps/v1" })).toBe(true);
    expect(ruleAllows(urls, { verb: "post", path: "/healthz" })).toBe(false);
    expect(ruleAllows({ verbs: ["*"], nonResourceURLs: ["*"] }, { verb: "get", path: "/x" })).toBe(true);
    // A resource rule never grants a non-resource path, and vice versa.
    expect(
      ruleAllows({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, { verb: "get", path: "/x" }),
    ).toBe(false);
    expect(ruleAllows(urls, get("pods"))).toBe(false);
  });
});

describe("rbacDecide and rbacRulesFor", () => {
  const objects = new ClusterObjects([
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "reader" },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
        { nonResourceURLs: ["/healthz"], verbs: ["get"] },
      ],
    } as KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "deployer", namespace: "ci" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }],
    } as KubernetesObject,
    binding("ClusterRoleBinding", "readers", "reader", [
      { kind: "Group", name: "g1", apiGroup: "rbac.authorization.k8s.io" },
    ]),
    {
      ...binding(
        "RoleBinding",
        "deployers",
        "x",
        [{ kind: "ServiceAccount", name: "ci-bot", namespace: "" }],
        "ci",
      ),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "deployer" },
    } as KubernetesObject,
  ]);
  const bot: KubernetesUser = { name: "system:serviceaccount:ci:ci-bot", groups: ["g1"] };

  it("names the binding that allowed, as the RBAC authorizer's reason", () => {
    expect(rbacDecide(objects, bot, list("pods", "", "web"))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "reader" to Group "g1"',
    });
    // An empty subject namespace defaults to the binding's (appliesToUser).
    expect(
      rbacDecide(objects, bot, { verb: "create", group: "", resource: "pods", namespace: "ci" }),
    ).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "deployers/ci" of Role "deployer" to ServiceAccount "ci-bot/ci"',
    });
    expect(
      rbacDecide(objects, bot, { verb: "create", group: "", resource: "pods", namespace: "web" }),
    ).toEqual({
      allowed: false,
      reason: "",
    });
    expect(rbacDecide(objects, bot, { verb: "get", path: "/healthz" }).allowed).toBe(true);
  });

  it("lists the rules of every binding that applies in a namespace, split as RulesFor does", () => {
    expect(rbacRulesFor(objects, bot, "ci")).toEqual({
      resourceRules: [
        { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
        { verbs: ["create"], apiGroups: [""], resources: ["pods"] },
      ],
      nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }],
    });
    expect(rbacRulesFor(objects, bot, "web").resourceRules).toHaveLength(1);
  });
});
