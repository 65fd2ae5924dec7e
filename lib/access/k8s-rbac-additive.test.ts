import { describe, expect, it } from "vitest";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  ROLE,
  roleBinding,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";

// Kubernetes RBAC is additive: "Permissions are purely additive (there are no "deny" rules)"
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole), and the authorizer
// allows a request when a rule of any binding that applies to the caller allows it (kubernetes/kubernetes
// plugin/pkg/auth/authorizer/rbac/rbac.go Authorize → pkg/registry/rbac/validation/rule.go VisitRulesFor,
// which visits every ClusterRoleBinding and the request namespace's RoleBindings). admin and cluster-admin
// need every one of their permissions (lib/access/levels.ts), so two bindings that each hold part of them
// together hold the level. Judged one binding at a time, that was reported as less (or nothing).

const RBAC = "rbac.authorization.k8s.io";
// Half of what `admin` is in a namespace: the workloads and their secrets…
const workloads = clusterRole("workloads", [
  { apiGroups: ["", "apps", "batch"], resources: ["*"], verbs: ["*"] },
]);
// …and the other half: the namespace's RBAC
const rbacEditor = clusterRole("rbac-editor", [
  { apiGroups: [RBAC], resources: ["roles", "rolebindings"], verbs: ["*"] },
]);
// Every ordinary verb on everything, cluster-wide; and the escalation verbs alone (bind, escalate, impersonate)
const ordinaryVerbs = clusterRole("ordinary-verbs", [
  {
    apiGroups: ["*"],
    resources: ["*"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
  },
]);
const escalationVerbs = clusterRole("escalation-verbs", [
  { apiGroups: ["*"], resources: ["*"], verbs: ["bind", "escalate", "impersonate"] },
]);

const noEntra = { entra: { mode: "none" as const, azureRbac: false, adminGroupIds: [], tenantId: null } };

function grantsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return (entry?.grants ?? []).map((grant) => `${grant.level}@${grant.namespace ?? "*"}`).sort();
}

describe("Kubernetes RBAC adds up across bindings", () => {
  it("two RoleBindings in one namespace, each half of admin, are admin there", () => {
    const model = new AccessModelBuilder(noEntra)
      .kubernetes(
        workloads,
        rbacEditor,
        roleBinding("team", "run-things", { kind: "ClusterRole", name: "workloads" }, [user("alice")]),
        roleBinding("team", "grant-things", { kind: "ClusterRole", name: "rbac-editor" }, [user("alice")]),
      )
      .build();
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(grantsOf(access, "k8s-user:alice")).toEqual(["admin@team", "write@team"]);
    const admin = access.principals
      .find((entry) => entry.principal.id === "k8s-user:alice")
      ?.grants.find((grant) => grant.level === "admin");
    const labels = admin?.path.map((step) => step.label) ?? [];
    expect(labels).toEqual(
      expect.arrayContaining([
        "RoleBinding team/run-things",
        "RoleBinding team/grant-things",
        "holds admin through these 2 bindings together (RBAC permissions add up)",
      ]),
    );
  });

  it("a ClusterRoleBinding and a RoleBinding add up in the RoleBinding's namespace only", () => {
    const model = new AccessModelBuilder(noEntra)
      .kubernetes(
        workloads,
        rbacEditor,
        clusterRoleBinding("run-everywhere", "workloads", [user("alice")]),
        roleBinding("team", "grant-things", { kind: "ClusterRole", name: "rbac-editor" }, [user("alice")]),
      )
      .build();
    expect(grantsOf(evaluateClusterAccess(model, CLUSTER), "k8s-user:alice")).toEqual([
      "admin@team",
      "write@*",
    ]);
  });

  it("two ClusterRoleBindings, one through a group, add up to cluster-admin", () => {
    const model = new AccessModelBuilder(noEntra)
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        clusterRoleBinding("operators", "ordinary-verbs", [group("operators")]),
        clusterRoleBinding("rbac-admins", "escalation-verbs", [user("alice"), group("operators")]),
      )
      .build();
    const access = evaluateClusterAccess(model, CLUSTER);
    // the group itself holds both, and so does a user bound directly and through nothing else: alice holds
    // only rbac-only (she is not in the Kubernetes group "operators" as far as the model knows)
    expect(grantsOf(access, "k8s-group:operators")).toContain("cluster-admin@*");
    expect(grantsOf(access, "k8s-user:alice")).not.toContain("cluster-admin@*");
  });

  it("adds nothing when one binding already holds the most the others could add to", () => {
    const model = new AccessModelBuilder(noEntra)
      .kubernetes(
        workloads,
        clusterRole("reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]),
        roleBinding("team", "run-things", { kind: "ClusterRole", name: "workloads" }, [user("alice")]),
        roleBinding("team", "read-things", { kind: "ClusterRole", name: "reader" }, [user("alice")]),
      )
      .build();
    // each binding's own grant, and no combined one
    expect(grantsOf(evaluateClusterAccess(model, CLUSTER), "k8s-user:alice")).toEqual([
      "read@team",
      "write@team",
    ]);
  });

  it("a service account holding cluster-admin through two bindings is a way in for whoever runs pods as it", () => {
    const model = new AccessModelBuilder(noEntra)
      .kubernetes(
        ordinaryVerbs,
        escalationVerbs,
        { kind: "Namespace", metadata: { name: "ops" } },
        { kind: "ServiceAccount", metadata: { name: "robot", namespace: "ops" } },
        clusterRoleBinding("robot-all", "ordinary-verbs", [serviceAccountSubject("ops", "robot")]),
        clusterRoleBinding("robot-rbac", "escalation-verbs", [serviceAccountSubject("ops", "robot")]),
        clusterRole("pod-runner", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]),
        roleBinding("ops", "runs-pods", { kind: "ClusterRole", name: "pod-runner" }, [user("bob")]),
      )
      .build();
    const [{ paths }] = [...iterateAttackPaths(model)];
    const bob = paths.find((path) => path.principal.id === "k8s-user:bob" && path.level === "cluster-admin");
    expect(bob?.path.map((step) => step.label)).toContain(
      "holds cluster-admin through these 2 bindings together (RBAC permissions add up)",
    );
  });
});

// With Azure RBAC for Kubernetes, both authorizers run and a request passes when either allows it
// (learn.microsoft.com/azure/aks/manage-azure-rbac: Kubernetes RBAC keeps working beside Azure RBAC — the
// webhook answers "no opinion" and the RBAC authorizer decides). So an Azure role and a RoleBinding add up too.
describe("Azure RBAC and Kubernetes RBAC add up", () => {
  const azureRbac = {
    entra: { mode: "managed" as const, azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
  };
  const NAMESPACE_SCOPE = `${CLUSTER}/namespaces/team`;

  it("Azure Kubernetes Service RBAC Writer in a namespace and a RoleBinding to edit its RBAC are admin there", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("faye")
      .assign(ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE)
      .kubernetes(
        rbacEditor,
        roleBinding("team", "grant-things", { kind: "ClusterRole", name: "rbac-editor" }, [user("faye")]),
      )
      .build();
    const access = evaluateClusterAccess(model, CLUSTER);
    expect(grantsOf(access, "faye")).toEqual(["admin@team", "write@team"]);
    const admin = access.principals
      .find((entry) => entry.principal.id === "faye")
      ?.grants.find((grant) => grant.level === "admin");
    expect(admin?.path.map((step) => step.label)).toEqual(
      expect.arrayContaining([
        "RoleBinding team/grant-things",
        "holds admin through these 2 grants together (Azure RBAC and Kubernetes RBAC both authorize: permissions add up)",
      ]),
    );
  });

  it("not where Azure RBAC for Kubernetes is off: the role's data actions then authorize nothing", () => {
    const model = new AccessModelBuilder({
      entra: { mode: "managed", azureRbac: false, adminGroupIds: [], tenantId: "tenant-1" },
    })
      .principal("faye")
      .assign(ROLE.aksRbacWriter, "faye", NAMESPACE_SCOPE)
      .kubernetes(
        rbacEditor,
        roleBinding("team", "grant-things", { kind: "ClusterRole", name: "rbac-editor" }, [user("faye")]),
      )
      .build();
    expect(grantsOf(evaluateClusterAccess(model, CLUSTER), "faye")).toEqual([]);
  });
});
