import { describe, expect, it } from "vitest";
import {
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  NODE_RG,
  serviceAccountSubject,
} from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import { CLUSTER2, pod, serviceAccount, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import type { TenantModel } from "@/lib/model/tenant-model";

// Code run as root on a cluster's nodes from Azure (a scale set's run command, an extension:
// NODE_CODE_EXECUTION_ACTIONS, lib/access/node-code-execution.test.ts) is node access without a pod, so
// neither Pod Security nor an admission policy stands in the way. On the node are the projected tokens of
// the pods running there and the kubelet's credential, which may request a token for the account of any pod
// bound to the node (kubernetes/kubernetes plugin/pkg/admission/noderestriction/admission.go,
// admitServiceAccount; "Users who can run privileged Pods can use that access to gain node access",
// kubernetes.io/docs/concepts/security/rbac-good-practices/). Before, such code reached only the identities
// the nodes carry (IMDS), never the pods' service accounts.
//
// Vic holds only `runCommand` on aks-1's node scale sets (a custom role in its node resource group).

const CUSTOM = "c0de0000-0000-4000-8000-0000000000aa";
const RUN_COMMAND = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action";

function tenant(objects: unknown[], options: { identityRole?: string | null } = {}): TenantModel {
  return twoClusterTenant({
    objects,
    identityRole: options.identityRole,
    setup: (builder) =>
      builder
        .principal("vic")
        .customRole(CUSTOM, [{ actions: [RUN_COMMAND] }])
        .assign(CUSTOM, "vic", NODE_RG),
  });
}

describe("root on the nodes from Azure", () => {
  it("takes the workload identity token of a running pod: default/deployer's identity, on to aks-2", () => {
    const model = tenant([pod("default", "web", "deployer", { "azure.workload.identity/use": "true" })]);
    const [path, ...rest] = checkedPathsInto(model, CLUSTER2, "vic");
    expect(rest).toEqual([]);
    expect(pathSummary([path])).toEqual(["cluster-admin in 3"]);
    expect(path.path.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("runs a script on a node through run command"),
        expect.stringContaining("as root on the node of pod default/web, takes a token of"),
      ]),
    );
  });

  it("takes the API token of a running pod whose account is cluster-admin on the cluster itself", () => {
    const model = tenant(
      [
        clusterRole("cluster-admin", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
        serviceAccount("kube-system", "operator"),
        pod("kube-system", "operator-0", "operator"),
        clusterRoleBinding("operator-admin", "cluster-admin", [
          serviceAccountSubject("kube-system", "operator"),
        ]),
      ],
      { identityRole: null },
    );
    expect(pathSummary(checkedPathsInto(model, CLUSTER, "vic"))).toEqual(["cluster-admin in 2"]);
  });

  it("with no pod running as a privileged account, nothing beyond the nodes' own identities", () => {
    expect(checkedPathsInto(tenant([], {}), CLUSTER2, "vic")).toEqual([]);
    expect(checkedPathsInto(tenant([pod("default", "web", "other")], {}), CLUSTER2, "vic")).toEqual([]);
  });
});
