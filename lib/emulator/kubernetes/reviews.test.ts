import { describe, expect, it } from "vitest";
import { ClusterObjects } from "@/lib/emulator/kubernetes/cluster-objects";
import { type KubernetesUser, rbacDecide, rbacRulesFor } from "@/lib/emulator/kubernetes/rbac";
import { answerReview, type ReviewKind } from "@/lib/emulator/kubernetes/reviews";
import { wireFederatedCredentialSchema } from "@/lib/model/wire/azure";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";

// Wire format of k8s.io/api/authorization/v1 (types.go) and the registry's validation
// (pkg/apis/authorization/validation/validation.go; selfsubjectrulesreview/rest.go).
const objects = new ClusterObjects([
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "pod-reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "readers", namespace: "web" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" },
    subjects: [{ kind: "Group", name: "devs" }],
  },
] as KubernetesObject[]);
const alice: KubernetesUser = { name: "alice", groups: ["devs", "system:authenticated"] };

function ask(kind: ReviewKind, body: unknown, urlNamespace?: string) {
  const response = answerReview(kind, Buffer.from(JSON.stringify(body)), {
    caller: alice,
    ...(urlNamespace ? { urlNamespace } : {}),
    decide: (user, attributes) => rbacDecide(objects, user, attributes),
    rulesFor: (user, namespace) => ({ ...rbacRulesFor(objects, user, namespace), incomplete: false }),
  });
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe("answerReview", () => {
  it("answers a SelfSubjectAccessReview for the caller with RBAC's reason", () => {
    const spec = { resourceAttributes: { namespace: "web", verb: "list", resource: "pods" } };
    expect(
      ask("SelfSubjectAccessReview", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec,
      }),
    ).toEqual({
      status: 201,
      body: {
        kind: "SelfSubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        metadata: { creationTimestamp: null },
        spec,
        status: {
          allowed: true,
          reason: 'RBAC: allowed by RoleBinding "readers/web" of ClusterRole "pod-reader" to Group "devs"',
        },
      },
    });
    const elsewhere = ask("SelfSubjectAccessReview", {
      spec: { resourceAttributes: { namespace: "kube-system", verb: "list", resource: "pods" } },
    });
    expect(elsewhere.body.status).toEqual({ allowed: false });
  });

  it("answers a SubjectAccessReview for the spec's user and groups exactly as given", () => {
    const review = (groups: string[]) =>
      ask("SubjectAccessReview", {
        spec: {
          user: "bob",
          groups,
          resourceAttributes: { namespace: "web", verb: "get", resource: "pods", name: "x" },
        },
      }).body.status;
    expect(review(["devs"])).toMatchObject({ allowed: true });
    expect(review(["Devs"])).toEqual({ allowed: false });
  });

  it("rejects what the API server's validation rejects", () => {
    expect(ask("SelfSubjectAccessReview", { spec: {} })).toMatchObject({
      status: 422,
      body: { reason: "Invalid" },
    });
    expect(
      ask("SubjectAccessReview", { spec: { resourceAttributes: { verb: "get", resource: "pods" } } }),
    ).toMatchObject({
      status: 422,
      body: { message: expect.stringContaining("at least one of user or group must be specified") },
    });
    expect(
      ask(
        "LocalSubjectAccessReview",
        { spec: { user: "bob", resourceAttributes: { namespace: "other", verb: "get", resource: "pods" } } },
        "web",
      ).status,
    ).toBe(422);
    expect(ask("SelfSubjectRulesReview", { spec: {} })).toMatchObject({
      status: 400,
      body: { message: "no namespace on request" },
    });
    expect(ask("SelfSubjectAccessReview", { kind: "SubjectAccessReview", spec: {} }).status).toBe(400);
    const garbage = answerReview("SelfSubjectAccessReview", Buffer.from("{"), {
      caller: alice,
      decide: () => ({ allowed: false, reason: "" }),
      rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
    });
    expect(garbage.status).toBe(400);
  });

  it("lists the caller's rules in a namespace (SelfSubjectRulesReview)", () => {
    expect(ask("SelfSubjectRulesReview", { spec: { namespace: "web" } }).body.status).toEqual({
      resourceRules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
      nonResourceRules: [],
      incomplete: false,
    });
    expect(ask("SelfSubjectRulesReview", { spec: { namespace: "other" } }).body.status).toMatchObject({
      resourceRules: [],
    });
  });
});

describe("tenant file: flexible federated credentials", () => {
  const base = {
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials/f",
    name: "f",
  };
  it("takes exactly one of subject or claimsMatchingExpression", () => {
    const expression = { value: "claims['sub'] matches 'system:serviceaccount:ci:*'", languageVersion: 1 };
    expect(
      wireFederatedCredentialSchema.safeParse({ ...base, properties: { issuer: "i", subject: "s" } }).success,
    ).toBe(true);
    expect(
      wireFederatedCredentialSchema.safeParse({
        ...base,
        properties: { issuer: "i", claimsMatchingExpression: expression },
      }).success,
    ).toBe(true);
    expect(
      wireFederatedCredentialSchema.safeParse({
        ...base,
        properties: { issuer: "i", subject: "s", claimsMatchingExpression: expression },
      }).success,
    ).toBe(false);
    expect(wireFederatedCredentialSchema.safeParse({ ...base, properties: { issuer: "i" } }).success).toBe(
      false,
    );
  });
});
