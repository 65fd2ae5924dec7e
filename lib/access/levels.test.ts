import { describe, expect, it } from "vitest";
import { kubernetesDataAction, roleAllows } from "@/lib/access/azure-permissions";
import { rulesAllow } from "@/lib/access/kubernetes-rbac";
import { type Can, scopeFacts } from "@/lib/access/levels";
import { BUILT_IN_ROLE_IDS, findBuiltInRole } from "@/lib/model/builtin-roles";
import type { PolicyRule } from "@/lib/model/kubernetes";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  resourceNames: [],
  nonResourceURLs: [],
});
const canRules =
  (rules: PolicyRule[]): Can =>
  (verb, apiGroup, resource) =>
    rulesAllow(rules, { verb, apiGroup, resource });

const canAzure = (guid: string): Can => {
  const wire = findBuiltInRole(guid);
  if (!wire) throw new Error(guid);
  const definition = roleDefinitionFromWire(wire);
  return (verb, apiGroup, resource) => {
    const action = kubernetesDataAction(verb, apiGroup, resource);
    return action !== null && roleAllows(definition, "data", action);
  };
};

const ADMIN_RULES = [
  rule(["*"], ["", "apps", "batch"], ["*"]),
  rule(["*"], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]),
];

describe("scopeFacts: Kubernetes rules", () => {
  it.each([
    ["* on * is cluster-admin cluster-wide", [rule(["*"], ["*"], ["*"])], "cluster", "cluster-admin"],
    ["* on * inside a namespace is admin", [rule(["*"], ["*"], ["*"])], "namespace", "admin"],
    ["namespace admin rules", ADMIN_RULES, "namespace", "admin"],
    ["namespace admin rules bound cluster-wide are still admin", ADMIN_RULES, "cluster", "admin"],
    ["create deployments is write", [rule(["create"], ["apps"], ["deployments"])], "namespace", "write"],
    ["patch configmaps is write", [rule(["patch"], [""], ["configmaps"])], "namespace", "write"],
    ["get pods is read", [rule(["get", "list"], [""], ["pods"])], "namespace", "read"],
    ["list namespaces is read", [rule(["list"], [""], ["namespaces"])], "cluster", "read"],
    [
      "only self-reviews is nothing",
      [rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews"])],
      "cluster",
      null,
    ],
    ["create pods/exec alone is nothing", [rule(["create"], [""], ["pods/exec"])], "namespace", null],
  ] as const)("%s", (_name, rules, scope, level) => {
    expect(scopeFacts(canRules([...rules]), scope).level).toBe(level);
  });

  it.each([
    [
      "bind clusterroles",
      [rule(["bind"], ["rbac.authorization.k8s.io"], ["clusterroles"])],
      "cluster",
      ["bind"],
    ],
    [
      "escalate roles in a namespace",
      [rule(["escalate"], ["rbac.authorization.k8s.io"], ["roles"])],
      "namespace",
      ["escalate"],
    ],
    ["impersonate users", [rule(["impersonate"], [""], ["users"])], "cluster", ["impersonate"]],
    [
      "impersonate users through a RoleBinding does nothing",
      [rule(["impersonate"], [""], ["users"])],
      "namespace",
      [],
    ],
    [
      "impersonate service accounts in a namespace",
      [rule(["impersonate"], [""], ["serviceaccounts"])],
      "namespace",
      ["impersonate"],
    ],
  ] as const)("escalations: %s", (_name, rules, scope, expected) => {
    expect(scopeFacts(canRules([...rules]), scope).escalations.map((e) => e.to)).toEqual(expected);
  });

  it("reports pod creation and secret reads for the kube-system escalations", () => {
    expect(scopeFacts(canRules([rule(["create"], [""], ["pods"])]), "namespace")).toMatchObject({
      createsPods: true,
      readsSecrets: false,
    });
    expect(scopeFacts(canRules([rule(["list"], [""], ["secrets"])]), "namespace")).toMatchObject({
      createsPods: false,
      readsSecrets: true,
    });
  });
});

describe("scopeFacts: Azure RBAC built-in roles", () => {
  it.each([
    [BUILT_IN_ROLE_IDS.aksRbacClusterAdmin, "cluster", "cluster-admin"],
    [BUILT_IN_ROLE_IDS.aksRbacClusterAdmin, "namespace", "admin"],
    [BUILT_IN_ROLE_IDS.aksRbacAdmin, "cluster", "admin"],
    [BUILT_IN_ROLE_IDS.aksRbacAdmin, "namespace", "admin"],
    [BUILT_IN_ROLE_IDS.aksRbacWriter, "cluster", "write"],
    [BUILT_IN_ROLE_IDS.aksRbacReader, "cluster", "read"],
    [BUILT_IN_ROLE_IDS.contributor, "cluster", null],
  ] as const)("%s at %s scope → %s", (guid, scope, level) => {
    expect(scopeFacts(canAzure(guid), scope).level).toBe(level);
  });

  it("RBAC Writer can impersonate service accounts (serviceaccounts/*) and read secrets", () => {
    const facts = scopeFacts(canAzure(BUILT_IN_ROLE_IDS.aksRbacWriter), "cluster");
    expect(facts.escalations.map((e) => e.to)).toEqual(["impersonate"]);
    expect(facts).toMatchObject({ createsPods: true, readsSecrets: true });
  });
});
