import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { type AttackPath, AttackPathSearch } from "@/lib/access/attack-paths";
import {
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  role,
  roleBinding,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import {
  CLUSTER2,
  MI_PRINCIPAL,
  pathsOf,
  pod,
  type TwoClusterOptions,
  twoClusterTenant as tenant,
} from "@/lib/access/fixtures/two-cluster-tenant";

// Which tokens a running pod holds, for whoever execs into it. The twoClusterTenant's identity `deployer`
// trusts default/deployer on aks-1 and holds Contributor on rg-2 (cluster-admin of aks-2).
//
// - The workload identity token (audience api://AzureADTokenExchange, the projected volume
//   `azure-identity-token`) is added by the azure-workload-identity mutating webhook, which since v1.0.0 sees
//   only pods labelled `azure.workload.identity/use: "true"`: Azure/azure-workload-identity
//   charts/workload-identity-webhook/templates/…mutatingwebhookconfiguration.yaml, `objectSelector.matchLabels`
//   (commit 653d013, "set objectSelector"; pkg/webhook/webhook.go podMutator.Handle → addProjectedVolume), on
//   pod CREATE only. An unlabelled pod has no such token unless its own spec projects one, which the inventory
//   does not read (pod volumes): the path stays, conditional.
// - The Kubernetes API token (`kube-api-access-*`) is mounted unless automountServiceAccountToken is false,
//   the pod's field overriding the account's (kubernetes.io/docs/tasks/configure-pod-container/
//   configure-service-account/#opt-out-of-api-credential-automounting). It is not accepted by a federated
//   credential (its audience is the API server's), but it is the account's Kubernetes RBAC.
// A pod creator or token minter chooses the audience itself (projected serviceAccountToken.audience;
// TokenRequest spec.audiences), so for them nothing changes.

const WI_LABEL = { "azure.workload.identity/use": "true" };
const POWER_RULES = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];

const leonardExecs = [
  role("default", "exec", [{ verbs: ["create"], apiGroups: [""], resources: ["pods/exec"] }]),
  roleBinding("default", "leonard-exec", { kind: "Role", name: "exec" }, [user("leonard")]),
];
const deployerPod = (labels: Record<string, string> = {}, automount?: boolean) => {
  const object = pod("default", "deployer-7f9", "deployer", labels);
  return automount === undefined
    ? object
    : { ...object, spec: { ...object.spec, automountServiceAccountToken: automount } };
};
/** default/deployer is also bound to everything on aks-1: its API token is cluster-admin there */
const deployerIsAdmin = [
  clusterRole("everything", POWER_RULES),
  clusterRoleBinding("deployer-everything", "everything", [serviceAccountSubject("default", "deployer")]),
];

const summary = (paths: AttackPath[]) =>
  paths.map((path) => `${path.level} in ${path.hops}${path.conditional ? " (conditional)" : ""}`);
const labels = (path: AttackPath) => path.path.map((step) => step.label);
const run = (objects: unknown[], extra: TwoClusterOptions = {}): TwoClusterOptions => ({
  aks1: { kubernetesVersion: "1.35.0" },
  objects,
  ...extra,
});

describe("exec into a pod reaches its workload identity only where the webhook put the token", () => {
  it('a pod labelled azure.workload.identity/use: "true": the identity, unconditionally', () => {
    const [path, ...rest] = pathsOf(
      tenant(run([deployerPod(WI_LABEL), ...leonardExecs])),
      CLUSTER2,
      "leonard",
    );
    expect(rest).toEqual([]);
    expect(summary([path])).toEqual(["cluster-admin in 3"]);
    expect(labels(path)).toContain(
      "execs into pod default/deployer-7f9, which runs as service account default/deployer and holds its workload identity token (labelled azure.workload.identity/use)",
    );
  });

  it("an unlabelled pod: conditional (no webhook token; only a token volume of its own spec would be there)", () => {
    const paths = pathsOf(tenant(run([deployerPod(), ...leonardExecs])), CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 3 (conditional)"]);
    expect(labels(paths[0]).join("\n")).toContain("not labelled azure.workload.identity/use");
  });

  it("a label with another value is no label (matchLabels compares the value)", () => {
    const paths = pathsOf(
      tenant(run([deployerPod({ "azure.workload.identity/use": "false" }), ...leonardExecs])),
      CLUSTER2,
      "leonard",
    );
    expect(summary(paths)).toEqual(["cluster-admin in 3 (conditional)"]);
  });

  it("a labelled pod among unlabelled ones of the account is the one exec'd into", () => {
    const objects = [
      pod("default", "deployer-old", "deployer"),
      pod("default", "deployer-new", "deployer", WI_LABEL),
      ...leonardExecs,
    ];
    const paths = pathsOf(tenant(run(objects)), CLUSTER2, "leonard");
    expect(summary(paths)).toEqual(["cluster-admin in 3"]);
    expect(labels(paths[0]).join("\n")).toContain("execs into pod default/deployer-new");
  });

  it("exec limited by resourceNames to an unlabelled pod: conditional too", () => {
    const objects = [
      deployerPod(),
      role("default", "exec", [
        { verbs: ["create"], apiGroups: [""], resources: ["pods/exec"], resourceNames: ["deployer-7f9"] },
      ]),
      roleBinding("default", "leonard-exec", { kind: "Role", name: "exec" }, [user("leonard")]),
    ];
    expect(summary(pathsOf(tenant(run(objects)), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 3 (conditional)",
    ]);
  });

  it("a pod creator chooses the token's audience itself: unconditional whatever the running pods' labels", () => {
    const objects = [
      deployerPod(),
      role("default", "pods", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
      roleBinding("default", "leonard-pods", { kind: "Role", name: "pods" }, [user("leonard")]),
    ];
    expect(summary(pathsOf(tenant(run(objects)), CLUSTER2, "leonard"))).toEqual(["cluster-admin in 3"]);
  });

  it("the identity page's pod reachers list an exec into an unlabelled pod as conditional", () => {
    const model = tenant(run([deployerPod(), ...leonardExecs]));
    const reachers = new AttackPathSearch(buildAccessIndex(model)).podReachersOf(MI_PRINCIPAL);
    const leonard = reachers.find(({ reacher }) => reacher.principal.id === "leonard");
    expect(leonard?.reacher.conditional).toBe(true);
  });
});

describe("exec into a pod still gives the account's Kubernetes API token", () => {
  const onAks1 = (objects: unknown[]) =>
    summary(
      pathsOf(tenant(run(objects)), CLUSTER, "leonard").filter((path) => path.level === "cluster-admin"),
    );

  it("an unlabelled pod's API token is the account's Kubernetes RBAC, unconditionally", () => {
    expect(onAks1([deployerPod(), ...deployerIsAdmin, ...leonardExecs])).toEqual(["cluster-admin in 2"]);
  });

  it("automountServiceAccountToken: false on the pod: conditional (no API token unless its spec projects one)", () => {
    expect(onAks1([deployerPod({}, false), ...deployerIsAdmin, ...leonardExecs])).toEqual([
      "cluster-admin in 2 (conditional)",
    ]);
  });

  it("…and on the account, unless the pod sets it back to true", () => {
    const account = {
      kind: "ServiceAccount",
      metadata: { name: "deployer", namespace: "default" },
      automountServiceAccountToken: false,
    };
    const objects = (automount?: boolean) => [
      account,
      deployerPod({}, automount),
      ...deployerIsAdmin,
      ...leonardExecs,
    ];
    const options = (automount?: boolean): TwoClusterOptions => ({
      ...run(objects(automount)),
      noDeployerAccount: true,
    });
    const cluster = (automount?: boolean) =>
      summary(
        pathsOf(tenant(options(automount)), CLUSTER, "leonard").filter(
          (path) => path.level === "cluster-admin",
        ),
      );
    expect(cluster()).toEqual(["cluster-admin in 2 (conditional)"]);
    expect(cluster(true)).toEqual(["cluster-admin in 2"]);
  });

  it("without an API token, a labelled pod still holds the workload identity token", () => {
    expect(
      summary(pathsOf(tenant(run([deployerPod(WI_LABEL, false), ...leonardExecs])), CLUSTER2, "leonard")),
    ).toEqual(["cluster-admin in 3"]);
  });
});
