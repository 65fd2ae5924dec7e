import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { type AttackPath, AttackPathSearch } from "@/lib/access/attack-paths";
import {
  type AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  ROLE,
  role,
  roleBinding,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import {
  CLUSTER2,
  ISSUER1,
  KUBELET_OBJECT,
  MI,
  MI_PRINCIPAL,
  pathsOf,
  pod,
  RG2,
  serviceAccount,
  type TwoClusterOptions,
  twoClusterTenant as tenant,
} from "@/lib/access/fixtures/two-cluster-tenant";

// Audit of the workload- and worker-plane edges of the attack graph (lib/access/attack-edges.ts,
// lib/access/federated-match.ts) against Kubernetes, AKS, Entra and AAD Pod Identity sources. Each
// case cites the source it pins. The model is attack-paths.test.ts's: aks-1 (Leonard's cluster) and
// aks-2 (local accounts on, so Contributor on rg-2 is cluster-admin there), and a user-assigned
// identity `deployer` whose federated credential trusts default/deployer on aks-1 and which holds
// Contributor on rg-2 unless a test says otherwise.

/**
 * The label on which the azure-workload-identity webhook projects the workload identity token into a pod
 * (its objectSelector): exec into a running pod reaches the identity through that token.
 */
const WI_POD = { "azure.workload.identity/use": "true" };
const namespaceObject = (name: string, enforce?: string) => ({
  kind: "Namespace",
  metadata: { name, labels: enforce ? { "pod-security.kubernetes.io/enforce": enforce } : {} },
});
/** Leonard holds `rules` in `namespace` of aks-1 through a Role and RoleBinding. */
const leonardMay = (namespace: string, rules: unknown[]) => [
  role(namespace, "leonard-role", rules),
  roleBinding(namespace, "leonard-binding", { kind: "Role", name: "leonard-role" }, [user("leonard")]),
];
const may = (verbs: string[], resources: string[], apiGroups = [""]) => ({ verbs, apiGroups, resources });

const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level} in ${path.hops}${path.conditional ? " (conditional)" : ""}`);
const labels = (path: AttackPath) => path.path.map((step) => step.label);
const leonardOnAks2 = (options: TwoClusterOptions) => summary(pathsOf(tenant(options), CLUSTER2, "leonard"));
/** the kubelet identity of aks-1 holds Contributor on rg-2 (so it is cluster-admin of aks-2) */
const kubeletContributor = (builder: AccessModelBuilder) =>
  builder.assign(ROLE.contributor, KUBELET_OBJECT, RG2, { principalType: "ServicePrincipal" });

describe("workload controllers: which writes run a pod with an account of one's choosing", () => {
  // A Job's pod template is immutable after creation (only scheduling directives, labels and
  // annotations of a suspended Job may change): kubernetes/kubernetes pkg/apis/batch/validation/
  // validation.go, ValidateJobSpecUpdate → validatePodTemplateUpdate → ValidateImmutableField(template).
  // So updating or patching a Job runs no new pod; creating one does.
  it.each([
    ["update", []],
    ["patch", []],
    ["create", ["cluster-admin in 3"]],
  ])("%s jobs.batch", (verb, expected) => {
    expect(leonardOnAks2({ objects: leonardMay("default", [may([verb], ["jobs"], ["batch"])]) })).toEqual(
      expected,
    );
  });
  it("patching one named Job changes no pod template either", () => {
    const rules = [{ ...may(["patch", "update"], ["jobs"], ["batch"]), resourceNames: ["nightly"] }];
    expect(leonardOnAks2({ objects: leonardMay("default", rules) })).toEqual([]);
  });

  // The other controllers' templates are mutable, and a changed template rolls new pods (Deployment,
  // StatefulSet, DaemonSet) or is used for the next pods (ReplicaSet, ReplicationController scale-up,
  // CronJob's next Job): kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
  // ("Permission to create workloads (either Pods, or workload resources that manage Pods) …").
  it.each([
    ["daemonsets", "apps", "create"],
    ["replicasets", "apps", "update"],
    ["cronjobs", "batch", "patch"],
    ["deployments", "apps", "update"],
  ])("%s.%s %s still runs a pod as the account", (resource, group, verb) => {
    expect(leonardOnAks2({ objects: leonardMay("default", [may([verb], [resource], [group])]) })).toEqual([
      "cluster-admin in 3",
    ]);
  });

  // A PodTemplate is only data: no controller creates pods from core/v1 PodTemplates by itself.
  it("podtemplates alone run nothing", () => {
    expect(
      leonardOnAks2({ objects: leonardMay("default", [may(["create", "update"], ["podtemplates"])]) }),
    ).toEqual([]);
  });
});

describe("running code in an existing pod", () => {
  // A pod's container images are mutable ("pod updates may not change fields other than
  // `spec.containers[*].image`, `spec.initContainers[*].image`, …": kubernetes/kubernetes
  // pkg/apis/core/validation/validation.go, ValidatePodUpdate). The kubelet restarts the container
  // with the new image, in the same pod, with the same service account and projected tokens.
  it.each(["update", "patch"])("%s pods swaps a running pod's image: its account", (verb) => {
    const model = tenant({
      aks1: { kubernetesVersion: "1.35.0" },
      objects: [
        pod("default", "deployer-7f9", "deployer", WI_POD),
        ...leonardMay("default", [may([verb], ["pods"])]),
      ],
    });
    const [path, ...rest] = pathsOf(model, CLUSTER2, "leonard");
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(labels(path)).toContain(`can ${verb} pods in namespace default`);
  });
  it("patch pods with no pod of the account running reaches nothing", () => {
    const model = tenant({
      aks1: { kubernetesVersion: "1.35.0" },
      objects: [pod("default", "other-pod", "default"), ...leonardMay("default", [may(["patch"], ["pods"])])],
    });
    expect(pathsOf(model, CLUSTER2, "leonard")).toEqual([]);
  });
  it("patch limited to one named pod reaches only that pod's account", () => {
    const objects = (name: string) => [
      pod("default", "deployer-7f9", "deployer", WI_POD),
      pod("default", "other-pod", "default"),
      ...leonardMay("default", [{ ...may(["patch"], ["pods"]), resourceNames: [name] }]),
    ];
    const aks1 = { kubernetesVersion: "1.35.0" };
    expect(leonardOnAks2({ aks1, objects: objects("deployer-7f9") })).toEqual(["cluster-admin in 3"]);
    expect(leonardOnAks2({ aks1, objects: objects("other-pod") })).toEqual([]);
  });

  // Code running in any pod reaches IMDS (learn.microsoft.com/azure/aks/imds-restriction: "all pods
  // … can access IMDS" unless restricted), and the node's identities through it
  // (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token).
  // Exec into an existing pod is code running in a pod, like creating one.
  it("exec into any running pod reaches the kubelet identity through IMDS", () => {
    const model = tenant({
      identityRole: null,
      aks1: { kubernetesVersion: "1.35.0" },
      objects: [
        pod("scratch", "tool", "default"),
        ...leonardMay("scratch", [may(["create"], ["pods/exec"])]),
      ],
      setup: kubeletContributor,
    });
    const [path, ...rest] = pathsOf(model, CLUSTER2, "leonard");
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 2"]);
    expect(path.path.find((step) => step.kind === "identity")?.label).toContain("kubelet identity");
    expect(path.path.some((step) => step.kind === "k8s.pod" && step.label.includes("scratch/tool"))).toBe(
      true,
    );
  });
  it("exec where no pod runs, or with IMDS restricted, reaches no node identity", () => {
    const base = {
      identityRole: null,
      setup: kubeletContributor,
    };
    expect(
      leonardOnAks2({
        ...base,
        aks1: { kubernetesVersion: "1.35.0" },
        objects: [
          pod("other", "tool", "default"),
          ...leonardMay("scratch", [may(["create"], ["pods/exec"])]),
        ],
      }),
    ).toEqual([]);
    expect(
      leonardOnAks2({
        ...base,
        aks1: { kubernetesVersion: "1.35.0", podLinkLocalAccess: "None" },
        objects: [
          pod("scratch", "tool", "default"),
          ...leonardMay("scratch", [may(["create"], ["pods/exec"])]),
        ],
      }),
    ).toEqual([]);
  });
  // podLinkLocalAccess: None blocks only pods without hostNetwork ("Non-hostNetwork Pods will not be able to
  // access IMDS": learn.microsoft.com/azure/aks/imds-restriction), so code exec'd into a running hostNetwork
  // pod still reaches it.
  it("with IMDS restricted, exec into a running hostNetwork pod still reaches the kubelet identity", () => {
    const hostPod = {
      ...pod("scratch", "agent", "default"),
      spec: { serviceAccountName: "default", hostNetwork: true },
    };
    const run = (objects: unknown[]) =>
      leonardOnAks2({
        identityRole: null,
        setup: kubeletContributor,
        aks1: { kubernetesVersion: "1.35.0", podLinkLocalAccess: "None" },
        objects: [...objects, ...leonardMay("scratch", [may(["create"], ["pods/exec"])])],
      });
    expect(run([hostPod])).toEqual(["cluster-admin in 2"]);
    expect(run([pod("scratch", "agent", "default")])).toEqual([]);
  });
  it("exec limited to one named pod reaches IMDS through that pod only if it runs", () => {
    const objects = (name: string) => [
      pod("scratch", "tool", "default"),
      ...leonardMay("scratch", [{ ...may(["create"], ["pods/exec"]), resourceNames: [name] }]),
    ];
    const base = { identityRole: null, setup: kubeletContributor, aks1: { kubernetesVersion: "1.35.0" } };
    expect(leonardOnAks2({ ...base, objects: objects("tool") })).toEqual(["cluster-admin in 2"]);
    expect(leonardOnAks2({ ...base, objects: objects("gone") })).toEqual([]);
  });
});

describe("node compromise through a privileged pod", () => {
  // "Users who can run privileged Pods can use that access to gain node access … you should enforce
  // either the Baseline or Restricted Pod Security Standard" and "a container with unrestricted access
  // to the host filesystem can escalate privileges, including reading data from other containers"
  // (kubernetes.io/docs/concepts/security/rbac-good-practices/). On the node, the kubelet's own
  // credential may request a token for the account of any pod bound to that node
  // (kubernetes/kubernetes plugin/pkg/admission/noderestriction/admission.go, admitServiceAccount), and
  // a pod may name its node (spec.nodeName). So a pod creator in a namespace without Baseline or
  // Restricted enforcement gets the tokens of every account with a running pod.
  const privileged = (enforce: string | undefined, withPod = true) => [
    namespaceObject("scratch", enforce),
    namespaceObject("default", "restricted"),
    ...(withPod ? [pod("default", "deployer-7f9", "deployer")] : []),
    ...leonardMay("scratch", [may(["create"], ["pods"])]),
  ];
  it.each([
    [undefined, ["cluster-admin in 3"]],
    ["privileged", ["cluster-admin in 3"]],
    ["baseline", []],
    ["restricted", []],
  ])(
    "pod creation in another namespace (enforce %s) reaches a running pod's account",
    (enforce, expected) => {
      const model = tenant({ objects: privileged(enforce) });
      const paths = pathsOf(model, CLUSTER2, "leonard");
      expect(summary(paths)).toEqual(expected);
      if (paths.length > 0)
        expect(paths[0].path.find((step) => step.kind === "k8s.serviceAccount")?.label).toContain(
          "privileged pod",
        );
    },
  );
  it("needs a running pod of the account (the node may only request tokens for its pods)", () => {
    expect(leonardOnAks2({ objects: privileged(undefined, false) })).toEqual([]);
  });
  it("is conditional where Azure Policy may reject privileged pods", () => {
    expect(
      leonardOnAks2({
        aks1: { addons: [{ name: "azurepolicy", enabled: true, identity: null }] },
        objects: privileged(undefined),
      }),
    ).toEqual(["cluster-admin in 3 (conditional)"]);
  });
});

describe("lifting Pod Security enforcement", () => {
  // "Users who can perform patch operations on Namespace objects (through a namespaced RoleBinding to
  // a Role with that access) can modify labels on that namespace. In clusters where Pod Security
  // Admission is used, this may allow a user to configure the namespace for a more permissive policy"
  // (kubernetes.io/docs/concepts/security/rbac-good-practices/#namespace-modification). A pod creator
  // who may also patch or update its namespace removes `pod-security.kubernetes.io/enforce`, then
  // runs a privileged or hostNetwork pod there.
  it.each([
    ["patch", ["cluster-admin in 2"]],
    ["update", ["cluster-admin in 2"]],
    ["get", []],
  ])(
    "create pods and %s namespaces in a baseline namespace: the node identity past the IMDS restriction",
    (verb, expected) => {
      const model = tenant({
        identityRole: null,
        aks1: { podLinkLocalAccess: "None" },
        objects: [
          namespaceObject("default", "baseline"),
          ...leonardMay("default", [may(["create"], ["pods"]), may([verb], ["namespaces"])]),
        ],
        setup: kubeletContributor,
      });
      const paths = pathsOf(model, CLUSTER2, "leonard");
      expect(summary(paths)).toEqual(expected);
      if (paths.length > 0) expect(labels(paths[0]).join("\n")).toContain(`${verb} namespaces`);
    },
  );
  it("create pods and patch namespaces in a restricted namespace: a running pod's account through the node", () => {
    const model = tenant({
      objects: [
        namespaceObject("scratch", "restricted"),
        namespaceObject("default", "restricted"),
        pod("default", "deployer-7f9", "deployer"),
        ...leonardMay("scratch", [may(["create"], ["pods"]), may(["patch"], ["namespaces"])]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });
});

describe("service accounts must exist", () => {
  // The ServiceAccount admission plugin rejects a pod whose account does not exist ("error looking up
  // service account %s/%s": kubernetes/kubernetes plugin/pkg/admission/serviceaccount/admission.go),
  // and a TokenRequest names an existing account (kubernetes.io/docs/concepts/security/
  // rbac-good-practices/#token-request: "tokens for existing service accounts"). A credential or a
  // binding that names a missing account is therefore reached only by who can create that account
  // too (`create serviceaccounts`, as the admin and edit roles can), then run a pod as it.
  const ghost = { subject: "system:serviceaccount:default:ghost" };
  it("a credential trusting a missing account: pod creation alone reaches nothing", () => {
    expect(
      leonardOnAks2({ credential: ghost, objects: leonardMay("default", [may(["create"], ["pods"])]) }),
    ).toEqual([]);
  });
  it("a credential trusting a missing account: creating the account and a pod reaches the identity", () => {
    const model = tenant({
      credential: ghost,
      objects: leonardMay("default", [may(["create"], ["pods", "serviceaccounts"])]),
    });
    const [path, ...rest] = pathsOf(model, CLUSTER2, "leonard");
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.find((step) => step.kind === "k8s.serviceAccount")?.label).toContain(
      "creates service account default/ghost",
    );
  });
  it("a binding to a missing account is not reached by pod creation alone", () => {
    const objects = (resources: string[]) => [
      clusterRole("everything", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
      clusterRoleBinding("ghost-admin", "everything", [serviceAccountSubject("default", "ghost")]),
      ...leonardMay("default", [may(["create"], resources)]),
    ];
    const onAks1 = (resources: string[]) =>
      summary(pathsOf(tenant({ identityRole: null, objects: objects(resources) }), CLUSTER, "leonard"));
    expect(onAks1(["pods"])).toEqual([]);
    expect(onAks1(["pods", "serviceaccounts"])).toEqual(["cluster-admin in 2"]);
  });
  it("a token request for a missing account mints nothing", () => {
    expect(
      leonardOnAks2({
        credential: ghost,
        objects: leonardMay("default", [may(["create"], ["serviceaccounts/token"])]),
      }),
    ).toEqual([]);
  });
  // Without the cluster's Kubernetes objects the account's existence is unknown: the path is kept,
  // marked conditional, rather than reported as nobody.
  it("with no Kubernetes inventory, a trusted account's path is conditional, not absent", () => {
    const model = tenant({
      noInventory: true,
      setup: (builder) => builder.assign(ROLE.aksRbacWriter, "leonard", `${CLUSTER}/namespaces/default`),
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3 (conditional)"]);
  });
});

describe("AAD Pod Identity", () => {
  const podIdentityObjects = [
    {
      kind: "AzureIdentity",
      apiVersion: "aadpodidentity.k8s.io/v1",
      metadata: { name: "deployer-id", namespace: "default" },
      spec: { type: 0, resourceID: MI, clientID: "mi-client" },
    },
    {
      kind: "AzureIdentityBinding",
      apiVersion: "aadpodidentity.k8s.io/v1",
      metadata: { name: "deployer-binding", namespace: "default" },
      spec: { azureIdentity: "deployer-id", selector: "deployer" },
    },
  ];
  const base = { credential: { issuer: "https://elsewhere.example/" }, aks1: { kubeletIdentity: null } };

  // "By default, AAD Pod Identity matches pods to identities across namespaces"
  // (azure.github.io/aad-pod-identity/docs/configure/match_pods_in_namespace/): self-managed.
  it("self-managed: a pod creator in any namespace labels a pod for the binding", () => {
    expect(
      leonardOnAks2({
        ...base,
        objects: [...podIdentityObjects, ...leonardMay("other", [may(["create"], ["pods"])])],
      }),
    ).toEqual(["cluster-admin in 2"]);
  });

  // "To match only pods in the namespace containing AzureIdentity … Attach a aadpodidentity.k8s.io/Behavior:
  // namespaced annotation to each AzureIdentity resource" (same page).
  it.each([
    ["other", []],
    ["default", ["cluster-admin in 2"]],
  ])(
    "self-managed, the AzureIdentity annotated namespaced: a pod creator in namespace %s",
    (namespace, expected) => {
      const [identity, binding] = podIdentityObjects;
      const annotated = {
        ...identity,
        metadata: { ...identity.metadata, annotations: { "aadpodidentity.k8s.io/Behavior": "namespaced" } },
      };
      expect(
        leonardOnAks2({
          ...base,
          objects: [annotated, binding, ...leonardMay(namespace, [may(["create"], ["pods"])])],
        }),
      ).toEqual(expected);
    },
  );

  // "The AKS pod-managed identities add-on installs AAD Pod Identity in Managed mode" and "Managed mode
  // is only supported in namespaced mode. This ensures pods in namespace are only matched with
  // AzureIdentity and AzureIdentityBinding in the same namespace"
  // (azure.github.io/aad-pod-identity/docs/configure/pod_identity_in_managed_mode/).
  it.each([
    ["other", []],
    ["default", ["cluster-admin in 2"]],
  ])("the AKS add-on (managed mode): a pod creator in namespace %s", (namespace, expected) => {
    expect(
      leonardOnAks2({
        ...base,
        aks1: {
          kubeletIdentity: null,
          podIdentity: {
            enabled: true,
            identities: [
              {
                name: "deployer-id",
                namespace: "default",
                bindingSelector: "deployer",
                identity: { resourceId: MI, clientId: "mi-client", objectId: MI_PRINCIPAL },
              },
            ],
            exceptions: [],
          },
        },
        objects: [...podIdentityObjects, ...leonardMay(namespace, [may(["create"], ["pods"])])],
      }),
    ).toEqual(expected);
  });

  // NMI gives the identity to a pod carrying the binding's label; code exec'd into such a pod asks
  // NMI as that pod (azure.github.io/aad-pod-identity/docs/concepts/nmi/).
  it("exec into a pod already carrying the binding's label gets the identity", () => {
    const objects = (label: string) => [
      ...podIdentityObjects,
      pod("apps", "worker", "default", { aadpodidbinding: label }),
      ...leonardMay("apps", [may(["create"], ["pods/exec"])]),
    ];
    const aks1 = { kubeletIdentity: null, kubernetesVersion: "1.35.0" };
    expect(leonardOnAks2({ ...base, aks1, objects: objects("deployer") })).toEqual(["cluster-admin in 2"]);
    expect(leonardOnAks2({ ...base, aks1, objects: objects("someone-else") })).toEqual([]);
  });
});

describe("workload identity semantics pinned (already correct)", () => {
  // The exchange needs only a token whose iss/sub/aud the credential accepts
  // (learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations: "the issuer and
  // subject values of the federated identity credential are checked against the issuer and subject
  // claims provided in the external token"). The `azure.workload.identity/client-id` annotation only
  // tells the webhook which AZURE_CLIENT_ID to inject (learn.microsoft.com/azure/aks/
  // workload-identity-overview, "Service account annotations"): a pod may exchange its token for any
  // identity that trusts its account, annotated or not, for whatever client id.
  it.each([
    ["no annotation", {}],
    ["an annotation naming another identity", { "azure.workload.identity/client-id": "other-client" }],
  ])("the account's client-id annotation is irrelevant (%s)", (_, annotations) => {
    const model = tenant({
      noDeployerAccount: true,
      objects: [
        serviceAccount("default", "deployer", annotations),
        ...leonardMay("default", [may(["create"], ["pods"])]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });

  // Whoever creates the pod chooses the projected token's audience (serviceAccountToken.audience:
  // kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken), so a credential's
  // audience, whatever it is, is no obstacle.
  it("a credential with another audience still matches", () => {
    expect(
      leonardOnAks2({
        credential: { audiences: ["api://SomethingElse"] },
        objects: leonardMay("default", [may(["create"], ["pods"])]),
      }),
    ).toEqual(["cluster-admin in 3"]);
  });

  // Issuer and subject "must match" the token's claims (learn.microsoft.com/graph/api/resources/
  // federatedidentitycredential); Kubernetes names are case-sensitive, and the comparison is exact.
  it.each([
    ["an upper-cased issuer", { issuer: ISSUER1.toUpperCase() }],
    ["an upper-cased subject", { subject: "system:serviceaccount:default:Deployer" }],
    ["a subject with whitespace", { subject: " system:serviceaccount:default:deployer" }],
  ])("%s does not match", (_, credential) => {
    expect(
      leonardOnAks2({ credential, objects: leonardMay("default", [may(["create"], ["pods"])]) }),
    ).toEqual([]);
  });

  // Flexible credentials: `eq` is an exact comparison, `matches` takes `*` and `?`
  // (learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials).
  // The same page documents support for matching tokens issued by GitHub, GitLab and Terraform Cloud
  // only: a match of a cluster's token is kept but conditional; a mismatch is no path.
  it.each([
    ["claims['sub'] eq 'system:serviceaccount:default:deployer'", ["cluster-admin in 3 (conditional)"]],
    ["claims['sub'] eq 'system:serviceaccount:default:deploye'", []],
    ["claims['sub'] matches 'system:serviceaccount:default:deploye?'", ["cluster-admin in 3 (conditional)"]],
    ["claims['sub'] matches 'system:serviceaccount:other:*'", []],
  ])("flexible credential %s", (value, expected) => {
    expect(
      leonardOnAks2({
        credential: { subject: "", claimsMatchingExpression: { value, languageVersion: 1 } },
        objects: leonardMay("default", [may(["create"], ["pods"])]),
      }),
    ).toEqual(expected);
  });

  // A ServiceAccount's automountServiceAccountToken: false does not stop a pod from mounting a
  // projected token of it (kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
  // #opt-out-of-api-credential-automounting: the pod's own setting wins), so it is no obstacle.
  it("automountServiceAccountToken: false on the account is no obstacle", () => {
    const model = tenant({
      noDeployerAccount: true,
      objects: [
        { ...serviceAccount("default", "deployer"), automountServiceAccountToken: false },
        ...leonardMay("default", [may(["create"], ["pods"])]),
      ],
    });
    expect(summary(pathsOf(model, CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });

  // pods/attach joins a running container's console; attach and exec are listed together as running
  // code in a pod (kubernetes.io/docs/concepts/security/rbac-good-practices/ "pods/exec … pods/attach");
  // nodes/proxy via `create` (POST) as well as `get` reaches the kubelet's exec
  // (kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/).
  // Attach joins the running process, so it runs code only where the container keeps stdin open
  // (Container v1 `stdin`: otherwise "reads from stdin in the container will always result in EOF"), which
  // the inventory does not say: the path is kept, conditional.
  it.each([
    ["create pods/attach", [may(["create"], ["pods/attach"])], "Role", "cluster-admin in 3 (conditional)"],
    ["create nodes/proxy", [may(["create"], ["nodes/proxy"])], "ClusterRole", "cluster-admin in 3"],
  ])("%s reaches a running pod's account", (_, rules, kind, expected) => {
    const objects =
      kind === "Role"
        ? leonardMay("default", rules)
        : [clusterRole("r", rules), clusterRoleBinding("leonard-r", "r", [user("leonard")])];
    expect(
      leonardOnAks2({
        aks1: { kubernetesVersion: "1.35.0" },
        objects: [pod("default", "deployer-7f9", "deployer", WI_POD), ...objects],
      }),
    ).toEqual([expected]);
  });

  // podReachersOf (the identity page's "who can use it from a pod") follows the new edges too.
  it("pod reachers of the kubelet identity include exec holders", () => {
    const model = tenant({
      identityRole: null,
      aks1: { kubernetesVersion: "1.35.0" },
      objects: [
        pod("scratch", "tool", "default"),
        ...leonardMay("scratch", [may(["create"], ["pods/exec"])]),
      ],
    });
    const reachers = new AttackPathSearch(buildAccessIndex(model)).podReachersOf(KUBELET_OBJECT);
    expect(reachers.map(({ reacher }) => reacher.principal.id)).toContain("leonard");
  });
});
