// Kubernetes permissions that amount to cluster-admin without being it, from
// kubernetes.io/docs/concepts/security/rbac-good-practices/ ("Kubernetes RBAC - privilege escalation
// risks"). Only cluster-wide grants count: certificate signing requests, signers and webhook
// configurations are cluster-scoped. The others on that page are edges of their own (workload
// creation, token request, impersonation, nodes/proxy, escalate/bind) or not modelled (see
// docs/access-model.md, "Attack paths").

/** Can the subject do `verb` on `resource` of `apiGroup`, naming `resourceName` when given? */
export type CanNamed = (verb: string, apiGroup: string, resource: string, resourceName?: string) => boolean;

export type Takeover = { evidence: string; label: string };

const CERTIFICATES = "certificates.k8s.io";
const CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

/**
 * The first way `can` reaches cluster-admin, or null:
 * - create (and get) certificatesigningrequests, update their approval subresource and approve for
 *   the signer kubernetes.io/kube-apiserver-client (or kubernetes.io/*): a client certificate with any
 *   name and organisation, system:masters included ("Permitted subjects - no subject restrictions",
 *   kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers;
 *   the approver's rights: same page, "Authorization").
 * - create/update/patch mutatingwebhookconfigurations: a webhook of its own that may change any object
 *   admitted to the cluster (a RoleBinding, a pod in kube-system).
 */
export function clusterTakeover(can: CanNamed): Takeover | null {
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
