import { rulesAllow } from "@/lib/access/kubernetes-rbac";
import type { ClusterRole, PolicyRule } from "@/lib/model/kubernetes";

// Kubernetes permissions that amount to cluster-admin without being it, from
// kubernetes.io/docs/concepts/security/rbac-good-practices/ ("Kubernetes RBAC - privilege escalation
// risks"). Only cluster-wide grants count: cluster roles and their bindings, certificate signing
// requests, signers and webhook configurations are cluster-scoped. The others on that page are edges
// of their own (workload creation, token request, impersonation, nodes/proxy) or not modelled (see
// docs/access-model.md, "Attack paths").

/** Can the subject do `verb` on `resource` of `apiGroup`, naming `resourceName` when given? */
export type CanNamed = (verb: string, apiGroup: string, resource: string, resourceName?: string) => boolean;

export type Takeover = { evidence: string; label: string };

const CERTIFICATES = "certificates.k8s.io";
const RBAC = "rbac.authorization.k8s.io";
const CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

/**
 * The first way `can` reaches cluster-admin, or null (`ownRole`: the ClusterRole that grants it, when
 * a binding does):
 * - bind on the ClusterRole cluster-admin and create, update or patch clusterrolebindings: binds it to
 *   itself, in a new binding or by adding itself to an existing one (every cluster has the `cluster-admin`
 *   ClusterRoleBinding). `bind` lifts the rule that a binding may only grant what its author holds, but
 *   writing the binding still needs the verb; the same check applies to creation and update
 *   (kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update).
 * - escalate on clusterroles and update/patch on the ClusterRole it holds: adds every permission to
 *   it (…/rbac/#restrictions-on-role-creation-or-update).
 * - create (and get) certificatesigningrequests, update their approval subresource and approve for
 *   the signer kubernetes.io/kube-apiserver-client (or kubernetes.io/*): a client certificate with any
 *   name and organisation, system:masters included ("Permitted subjects - no subject restrictions",
 *   kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers;
 *   the approver's rights: same page, "Authorization").
 * - escalate and create on clusterroles, holding a ClusterRole with an aggregationRule
 *   (`ownRoleAggregates`): creates a ClusterRole with every permission (escalate lifts the rule that a role
 *   may only hold what its author holds, …/rbac/#restrictions-on-role-creation-or-update) labelled to
 *   match the aggregated role's selectors; the aggregation controller then adds its rules to the role the
 *   subject holds (…/rbac/#aggregated-clusterroles: "If you create a new ClusterRole that matches the label
 *   selector of an existing aggregated ClusterRole, that change triggers adding the new rules into the
 *   aggregated ClusterRole"). Any selector is one the author can match: it chooses the labels.
 * - create/update/patch mutatingwebhookconfigurations: a webhook of its own that may change any object
 *   admitted to the cluster (a RoleBinding, a pod in kube-system).
 */
export function clusterTakeover(can: CanNamed, ownRole?: string, ownRoleAggregates = false): Takeover | null {
  if (can("bind", RBAC, "clusterroles", "cluster-admin")) {
    const verb = ["create", "update", "patch"].find((candidate) =>
      can(candidate, RBAC, "clusterrolebindings"),
    );
    if (verb) {
      return {
        evidence: `bind clusterroles cluster-admin and ${verb} clusterrolebindings`,
        label: "binds cluster-admin to itself",
      };
    }
  }
  if (can("escalate", RBAC, "clusterroles", ownRole)) {
    const verb = ["update", "patch"].find((candidate) => can(candidate, RBAC, "clusterroles", ownRole));
    if (verb) {
      return {
        evidence: `escalate and ${verb} clusterroles${ownRole ? ` ${ownRole}` : ""}`,
        label: "adds every permission to a ClusterRole it holds",
      };
    }
  }
  if (ownRoleAggregates && can("escalate", RBAC, "clusterroles") && can("create", RBAC, "clusterroles")) {
    return {
      evidence: "escalate and create clusterroles",
      label: `creates a ClusterRole with every permission, labelled to aggregate into ${ownRole ? `the ClusterRole ${ownRole}` : "an aggregated ClusterRole"} it holds`,
    };
  }
  const approves =
    can("update", CERTIFICATES, "certificatesigningrequests/approval") &&
    (can("approve", CERTIFICATES, "signers", CLIENT_SIGNER) ||
      can("approve", CERTIFICATES, "signers", "kubernetes.io/*"));
  if (
    approves &&
    can("create", CERTIFICATES, "certificatesigningrequests") &&
    can("get", CERTIFICATES, "certificatesigningrequests")
  ) {
    return {
      evidence: `create and approve certificatesigningrequests for ${CLIENT_SIGNER}`,
      label: "issues itself a client certificate in group system:masters",
    };
  }
  const webhookVerb = ["create", "update", "patch"].find((verb) =>
    can(verb, "admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
  );
  if (webhookVerb) {
    return {
      evidence: `${webhookVerb} mutatingwebhookconfigurations.admissionregistration.k8s.io`,
      label:
        "registers a mutating admission webhook of its own, which may change any object written to the cluster",
    };
  }
  return null;
}

/**
 * `clusterTakeover` of what a role's rules allow (`ownRole`: that role's name, for escalate on it;
 * `ownRoleAggregates`: it has an aggregationRule, for a new role aggregated into it).
 */
export function rulesTakeover(
  rules: readonly PolicyRule[],
  ownRole?: string,
  ownRoleAggregates = false,
): Takeover | null {
  return clusterTakeover(
    (verb, apiGroup, resource, resourceName) => rulesAllow(rules, { verb, apiGroup, resource, resourceName }),
    ownRole,
    ownRoleAggregates,
  );
}

/** Whether the ClusterRole named `name` has an aggregationRule with a selector (the controller fills its rules). */
export function aggregatesInto(clusterRoles: readonly ClusterRole[], name: string | undefined): boolean {
  if (name === undefined) return false;
  const role = clusterRoles.find((candidate) => candidate.name === name);
  return (role?.aggregationRule?.clusterRoleSelectors.length ?? 0) > 0;
}

/** The permissions the takeovers above are made of: rules with none of them add nothing to a combination. */
const TAKEOVER_PARTS: readonly (readonly [verb: string, apiGroup: string, resource: string])[] = [
  ["bind", RBAC, "clusterroles"],
  ["escalate", RBAC, "clusterroles"],
  ["create", RBAC, "clusterroles"],
  ["update", RBAC, "clusterroles"],
  ["patch", RBAC, "clusterroles"],
  ["create", RBAC, "clusterrolebindings"],
  ["update", RBAC, "clusterrolebindings"],
  ["patch", RBAC, "clusterrolebindings"],
  ["create", CERTIFICATES, "certificatesigningrequests"],
  ["get", CERTIFICATES, "certificatesigningrequests"],
  ["update", CERTIFICATES, "certificatesigningrequests/approval"],
  ["approve", CERTIFICATES, "signers"],
];

/**
 * Could these rules be part of a takeover that several bindings make together (Kubernetes RBAC adds up:
 * rbac.go Authorize allows what any binding's rule allows)? Names are not asked: a part restricted to some
 * names may still be the part that matters.
 */
export function rulesMayBePartOfTakeover(rules: readonly PolicyRule[]): boolean {
  return TAKEOVER_PARTS.some(([verb, apiGroup, resource]) =>
    rules.some((rule) => rulesAllow([{ ...rule, resourceNames: [] }], { verb, apiGroup, resource })),
  );
}
