import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  clusterRole,
  clusterRoleBinding,
  group,
  roleBinding,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { Finding } from "@/lib/findings/types";

// Subtle behaviour of the Kubernetes RBAC rules that was right but unpinned, each against its source.

function run(ruleId: string, ...objects: unknown[]): Finding[] {
  const rule = FINDING_RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return evaluateFindings(new AccessModelBuilder().kubernetes(...objects).build(), undefined, {
    rules: [rule],
  });
}

const ALL = clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
const PODS = clusterRole("pod-reader", [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]);

describe("anonymous-access-bound", () => {
  // kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests: anonymous requests run
  // as user system:anonymous in group system:unauthenticated; RBAC compares subject names exactly
  // (kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects).
  it.each([
    ["User system:anonymous", user("system:anonymous"), "fail"],
    ["Group system:unauthenticated", group("system:unauthenticated"), "fail"],
    ["User System:Anonymous (another name)", user("System:Anonymous"), "pass"],
    ["Group system:anonymous (a group nobody is in)", group("system:anonymous"), "pass"],
  ])("a binding of pod-reader to %s → %s", (_name, subject, expected) => {
    const statuses = run(
      "anonymous-access-bound",
      PODS,
      clusterRoleBinding("b", "pod-reader", [subject]),
    ).map((finding) => finding.status);
    expect(statuses).toEqual([expected]);
  });

  // rbac/#discovery-roles: system:public-info-viewer lets anyone GET /healthz, /livez, /readyz, /version —
  // and nothing else; a role that adds one more URL (here /metrics) is not the platform's.
  it("a public-info role that also opens /metrics fails", () => {
    const findings = run(
      "anonymous-access-bound",
      clusterRole("public-plus", [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/version", "/metrics"] }]),
      clusterRoleBinding("public-plus", "public-plus", [group("system:unauthenticated")]),
    );
    expect(findings.map((finding) => finding.status)).toEqual(["fail"]);
  });

  // A RoleBinding may name a ClusterRole (rbac/#rolebinding-and-clusterrolebinding): the ClusterRole's rules,
  // here wildcards (rbac-good-practices, "Minimize wildcard use"), apply in that namespace to anyone.
  it("a namespaced binding of anonymous users to a wildcard role is critical", () => {
    const [finding] = run(
      "anonymous-access-bound",
      ALL,
      roleBinding("app", "anon", { kind: "ClusterRole", name: "all" }, [user("system:anonymous")]),
    );
    expect([finding.status, finding.severity]).toEqual(["fail", "critical"]);
  });
});

describe("cluster-admin-broad-subject", () => {
  // rbac-good-practices (kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege): avoid
  // granting to system:authenticated / system:unauthenticated; on an Entra-integrated cluster
  // system:authenticated is every account of the tenant that can sign in.
  it.each(["system:authenticated", "system:unauthenticated", "system:serviceaccounts"])(
    "cluster-admin for %s is critical",
    (name) => {
      const [finding] = run(
        "cluster-admin-broad-subject",
        ALL,
        clusterRoleBinding("b", "all", [group(name)]),
      );
      expect([finding.status, finding.severity]).toEqual(["fail", "critical"]);
    },
  );
});
