import { describe, expect, it } from "vitest";
import { rulesTakeover } from "@/lib/access/cluster-takeover";
import { rulesAllow } from "@/lib/access/kubernetes-rbac";
import { type Can, scopeFacts } from "@/lib/access/levels";
import type { PolicyRule } from "@/lib/model/kubernetes";

// Binding and secret-reading powers the Kubernetes RBAC audit found under-reported (each a missed path).

const RBAC = "rbac.authorization.k8s.io";
const rule = (
  verbs: string[],
  apiGroups: string[],
  resources: string[],
  resourceNames: string[] = [],
): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  resourceNames,
  nonResourceURLs: [],
});
const canRules =
  (rules: PolicyRule[]): Can =>
  (verb, apiGroup, resource) =>
    rulesAllow(rules, { verb, apiGroup, resource });

describe("bind on clusterroles through a RoleBinding", () => {
  // Creating a RoleBinding that names a ClusterRole checks `bind` on clusterroles *in the binding's
  // namespace* (kubernetes/kubernetes pkg/registry/rbac/escalation_check.go, BindingAuthorized: the
  // attributes carry the binding's namespace), so a Role or RoleBinding granting it is enough to bind admin
  // (or cluster-admin, scoped to the namespace) there.
  it("is a bind escalation in that namespace", () => {
    const facts = scopeFacts(canRules([rule(["bind"], [RBAC], ["clusterroles"])]), "namespace");
    expect(facts.escalations).toEqual([
      { to: "bind", evidence: "bind clusterroles.rbac.authorization.k8s.io" },
    ]);
  });
});

describe("reading secrets", () => {
  // "Listing Secrets": list and watch return the objects' contents, not only their names
  // (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets).
  it.each(["get", "list", "watch"])("%s secrets reads them", (verb) => {
    expect(scopeFacts(canRules([rule([verb], [""], ["secrets"])]), "namespace").readsSecrets).toBe(true);
  });
  it("create secrets alone does not", () => {
    expect(scopeFacts(canRules([rule(["create"], [""], ["secrets"])]), "namespace").readsSecrets).toBe(false);
  });
});

describe("bind cluster-admin, then write a ClusterRoleBinding", () => {
  // "Restrictions on role binding creation or update": a user can create *or update* a binding to a role
  // they may `bind` (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update).
  // Every cluster has the `cluster-admin` ClusterRoleBinding, so update or patch on clusterrolebindings is
  // enough to add oneself to it.
  it.each(["create", "update", "patch"])(
    "bind cluster-admin and %s clusterrolebindings takes the cluster",
    (verb) => {
      const takeover = rulesTakeover([
        rule(["bind"], [RBAC], ["clusterroles"], ["cluster-admin"]),
        rule([verb], [RBAC], ["clusterrolebindings"]),
      ]);
      expect(takeover).toEqual({
        evidence: `bind clusterroles cluster-admin and ${verb} clusterrolebindings`,
        label: "binds cluster-admin to itself",
      });
    },
  );

  it("get or delete clusterrolebindings does not, nor bind alone", () => {
    expect(
      rulesTakeover([
        rule(["bind"], [RBAC], ["clusterroles"], ["cluster-admin"]),
        rule(["get", "list", "delete"], [RBAC], ["clusterrolebindings"]),
      ]),
    ).toBeNull();
    expect(rulesTakeover([rule(["bind"], [RBAC], ["clusterroles"])])).toBeNull();
  });
});
