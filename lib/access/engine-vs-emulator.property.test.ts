import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { resolveSubject } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER } from "@/lib/access/fixtures/access-model-builder";
import {
  effectiveClusterRoleRules,
  ruleAllows as engineRuleAllows,
  nonResourceRuleAllows,
  rbacAuthorizes,
  rulesAllow,
} from "@/lib/access/kubernetes-rbac";
import { entraUserName } from "@/lib/emulator/kubernetes/api-server";
import { ClusterObjects } from "@/lib/emulator/kubernetes/cluster-objects";
import {
  ruleAllows as emulatorRuleAllows,
  type KubernetesUser,
  rbacDecide,
} from "@/lib/emulator/kubernetes/rbac";
import { answerReview } from "@/lib/emulator/kubernetes/reviews";
import { AKS_SERVER_APP_ID, accessTokenClaimsSchema, TokenService } from "@/lib/emulator/tokens";
import type { PolicyRule } from "@/lib/model/kubernetes";
import { aggregateClusterRoles } from "@/lib/model/kubernetes-defaults";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";

// The access engine (lib/access) and the emulator's RBAC authorizer (lib/emulator/kubernetes/rbac.ts,
// written separately from the Kubernetes source: pkg/apis/rbac/v1/evaluation_helpers.go,
// plugin/pkg/auth/authorizer/rbac/rbac.go, pkg/registry/rbac/validation/rule.go) must agree on every
// generated cluster and request. The emulator is asked through its SubjectAccessReview wire handler,
// exactly as `kubectl auth can-i --as` or a webhook would ask it.

const VERBS = ["get", "list", "create", "delete", "impersonate", "bind", "escalate", "*"];
const API_GROUPS = ["", "apps", "rbac.authorization.k8s.io", "*"];
const RULE_RESOURCES = [
  "pods",
  "pods/exec",
  "pods/log",
  "*/exec",
  "pods/*",
  "secrets",
  "deployments",
  "serviceaccounts/token",
  "*",
];
const NAMES = ["a", "b"];
const NAMESPACES = ["ns1", "ns2"];
// Users and groups differ only by case on purpose: Kubernetes compares subject names exactly.
const USERS = ["alice", "Alice", "bob", "system:serviceaccount:ns1:sa1"];
const GROUPS = ["devs", "Devs", "system:authenticated", "system:serviceaccounts:ns1"];

// A managed-Entra cluster: members by UPN; a guest, a service principal (and any user without a
// `upn` claim) by object id (lower-case GUID); groups by object id.
const ALICE_OID = "00000000-0000-0000-0000-0000000000f1";
const ALICE_UPN = "alice@contoso.example";
const BOB_OID = "00000000-0000-0000-0000-0000000000f2";
const BOB_UPN = "bob@contoso.example";
const GUEST_OID = "00000000-0000-0000-0000-0000000000f3";
const GUEST_UPN = "gail_fabrikam.example#EXT#@contoso.onmicrosoft.com";
const SP_OID = "00000000-0000-0000-0000-0000000000e1";
const DEVS_OID = "00000000-0000-0000-0000-0000000000a1";

const wireRule = fc.record({
  verbs: fc.uniqueArray(fc.constantFrom(...VERBS), { minLength: 1, maxLength: 3 }),
  apiGroups: fc.uniqueArray(fc.constantFrom(...API_GROUPS), { minLength: 1, maxLength: 2 }),
  resources: fc.uniqueArray(fc.constantFrom(...RULE_RESOURCES), { minLength: 1, maxLength: 3 }),
  resourceNames: fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 2 }),
});

const subject = fc.oneof(
  fc.record({ kind: fc.constant("User"), name: fc.constantFrom(...USERS) }),
  fc.record({ kind: fc.constant("Group"), name: fc.constantFrom(...GROUPS) }),
  fc.record({
    kind: fc.constant("ServiceAccount"),
    name: fc.constant("sa1"),
    // "" and absent both mean "the binding's namespace" (none for a ClusterRoleBinding).
    namespace: fc.constantFrom("ns1", "ns2", ""),
  }),
);

const rbacObjects = fc
  .record({
    clusterRoles: fc.array(
      fc.record({
        rules: fc.array(wireRule, { maxLength: 3 }),
        // Aggregation: this role collects the rules of the role `offset` places after it (so chains
        // like admin → edit → view occur, cycles — whose result depends on the controller's queue
        // order in Kubernetes — do not).
        aggregates: fc.option(fc.nat(1), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    roles: fc.array(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        rules: fc.array(wireRule, { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
    clusterRoleBindings: fc.array(
      fc.record({ role: fc.nat(2), subjects: fc.array(subject, { minLength: 1, maxLength: 2 }) }),
      { maxLength: 2 },
    ),
    roleBindings: fc.array(
      fc.record({
        namespace: fc.constantFrom(...NAMESPACES),
        roleKind: fc.constantFrom("ClusterRole", "Role"),
        role: fc.nat(2),
        subjects: fc.array(subject, { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ clusterRoles, roles, clusterRoleBindings, roleBindings }) => {
    const rbac = "rbac.authorization.k8s.io/v1";
    const objects: Record<string, unknown>[] = [
      ...NAMESPACES.map((namespace) => ({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "sa1", namespace },
      })),
      ...clusterRoles.map(({ rules, aggregates }, index) => ({
        apiVersion: rbac,
        kind: "ClusterRole",
        metadata: { name: `cr${index}`, labels: { aggregate: `to-${index}` } },
        rules,
        ...(aggregates !== undefined
          ? {
              aggregationRule: {
                clusterRoleSelectors: [{ matchLabels: { aggregate: `to-${index + 1 + aggregates}` } }],
              },
            }
          : {}),
      })),
      ...roles.map((role, index) => ({
        apiVersion: rbac,
        kind: "Role",
        metadata: { name: `r${index}`, namespace: role.namespace, labels: {} },
        rules: role.rules,
      })),
      ...clusterRoleBindings.map((binding, index) => ({
        apiVersion: rbac,
        kind: "ClusterRoleBinding",
        metadata: { name: `crb${index}`, labels: {} },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `cr${binding.role}` },
        subjects: binding.subjects,
      })),
      ...roleBindings.map((binding, index) => ({
        apiVersion: rbac,
        kind: "RoleBinding",
        metadata: { name: `rb${index}`, namespace: binding.namespace, labels: {} },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: binding.roleKind,
          name: binding.roleKind === "Role" ? `r${binding.role}` : `cr${binding.role}`,
        },
        subjects: binding.subjects,
      })),
    ];
    return objects;
  });

type Requester = { name: string; groups: string[] };

const requester: fc.Arbitrary<Requester> = fc.oneof<fc.Arbitrary<Requester>[]>(
  fc
    .record({
      name: fc.constantFrom("alice", "Alice", "bob"),
      groups: fc.uniqueArray(fc.constantFrom("devs", "Devs"), { maxLength: 2 }),
    })
    .map(({ name, groups }) => ({ name, groups: [...groups, "system:authenticated"] })),
  fc.constant<Requester>({
    name: "system:serviceaccount:ns1:sa1",
    groups: ["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"],
  }),
);

const request = fc.record({
  verb: fc.constantFrom("get", "list", "create", "delete", "impersonate", "bind", "escalate"),
  group: fc.constantFrom("", "apps", "rbac.authorization.k8s.io"),
  resource: fc.constantFrom("pods", "secrets", "deployments", "serviceaccounts", "*"),
  subresource: fc.option(fc.constantFrom("exec", "log", "token", "*"), { nil: undefined }),
  name: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  namespace: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
});

type Request = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
};

/** The engine's answers, composed from its own parts: subject resolution, role rules, rule matching. */
function engineFor(
  objects: unknown[],
  entra?: { identities: (who: Requester) => string[] },
): (who: Requester, wanted: Request) => boolean {
  // Without Entra integration Kubernetes users are plain names, as on any API server; with it, the
  // directory of ENTRA_USERS / ENTRA_GROUP below.
  const builder = entra
    ? new AccessModelBuilder()
        .principal(ALICE_OID, "User", { userPrincipalName: ALICE_UPN })
        .principal(BOB_OID, "User", { userPrincipalName: BOB_UPN })
        .principal(GUEST_OID, "User", { userPrincipalName: GUEST_UPN })
        .principal(SP_OID, "ServicePrincipal")
        .group(DEVS_OID, [ALICE_OID, GUEST_OID])
    : new AccessModelBuilder({ entra: { mode: "none" } } as never);
  const model = builder.kubernetes(...objects).build();
  const index = buildAccessIndex(model);
  const cluster = index.clustersById.get(CLUSTER);
  const inventory = model.kubernetes[CLUSTER];
  if (!cluster || !inventory) throw new Error("fixture cluster missing");
  const clusterRules = effectiveClusterRoleRules(inventory.clusterRoles);
  return (who, wanted) => {
    const me = new Set(
      entra
        ? entra.identities(who)
        : [
            who.name.startsWith("system:serviceaccount:") ? who.name : `k8s-user:${who.name}`,
            ...who.groups.map((group) => `k8s-group:${group}`),
          ],
    );
    const applies = (
      subjects: (typeof inventory.clusterRoleBindings)[number]["subjects"],
      namespace: string | null,
    ) =>
      subjects.some((candidate) =>
        resolveSubject(index, cluster, inventory, candidate, namespace).some((reached) =>
          me.has(reached.principal.id),
        ),
      );
    const engineRequest = {
      verb: wanted.verb,
      apiGroup: wanted.group,
      resource: wanted.subresource ? `${wanted.resource}/${wanted.subresource}` : wanted.resource,
      ...(wanted.name ? { resourceName: wanted.name } : {}),
    };
    for (const binding of inventory.clusterRoleBindings) {
      if (binding.roleRef.kind !== "ClusterRole") continue;
      if (
        rulesAllow(clusterRules.get(binding.roleRef.name) ?? [], engineRequest) &&
        applies(binding.subjects, null)
      )
        return true;
    }
    for (const binding of inventory.roleBindings) {
      if (binding.namespace !== wanted.namespace) continue;
      const rules: readonly PolicyRule[] =
        binding.roleRef.kind === "ClusterRole"
          ? (clusterRules.get(binding.roleRef.name) ?? [])
          : (inventory.roles.find(
              (role) => role.namespace === binding.namespace && role.name === binding.roleRef.name,
            )?.rules ?? []);
      if (rulesAllow(rules, engineRequest) && applies(binding.subjects, binding.namespace)) return true;
    }
    return false;
  };
}

/** The engine's request authorizer (rbacAuthorizes) on the same model. */
function engineAuthorizerFor(objects: unknown[]): (who: Requester, wanted: Request) => boolean {
  const model = new AccessModelBuilder({ entra: { mode: "none" } } as never).kubernetes(...objects).build();
  const inventory = model.kubernetes[CLUSTER];
  if (!inventory) throw new Error("fixture cluster missing");
  return (who, wanted) =>
    rbacAuthorizes(inventory, who, {
      verb: wanted.verb,
      apiGroup: wanted.group,
      resource: wanted.subresource ? `${wanted.resource}/${wanted.subresource}` : wanted.resource,
      ...(wanted.name ? { resourceName: wanted.name } : {}),
      namespace: wanted.namespace ?? null,
    });
}

/** The emulator's answer to a SubjectAccessReview for the same user and request. */
function emulatorAllows(served: ClusterObjects, who: Requester, wanted: Request): boolean {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: who.name,
      groups: who.groups,
      resourceAttributes: {
        verb: wanted.verb,
        group: wanted.group,
        resource: wanted.resource,
        ...(wanted.subresource ? { subresource: wanted.subresource } : {}),
        ...(wanted.name ? { name: wanted.name } : {}),
        ...(wanted.namespace ? { namespace: wanted.namespace } : {}),
      },
    },
  };
  const caller: KubernetesUser = { name: "reviewer", groups: ["system:masters"] };
  const response = answerReview("SubjectAccessReview", Buffer.from(JSON.stringify(review)), {
    caller,
    decide: (user, attributes) => rbacDecide(served, user, attributes),
    rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
  });
  if (response.status !== 201)
    throw new Error(`SubjectAccessReview answered ${response.status}: ${response.body}`);
  return (JSON.parse(response.body) as { status: { allowed: boolean } }).status.allowed;
}

describe("access engine vs the emulator's RBAC authorizer", () => {
  it("agree on single rules (verbs, groups, resources, subresources, resourceNames)", () => {
    fc.assert(
      fc.property(wireRule, request, (rule, wanted) => {
        const engineRule: PolicyRule = { ...rule, nonResourceURLs: [] };
        const combined = wanted.subresource ? `${wanted.resource}/${wanted.subresource}` : wanted.resource;
        const engine = engineRuleAllows(engineRule, {
          verb: wanted.verb,
          apiGroup: wanted.group,
          resource: combined,
          ...(wanted.name ? { resourceName: wanted.name } : {}),
        });
        expect(emulatorRuleAllows(rule, wanted)).toBe(engine);
      }),
      { numRuns: 2000 },
    );
  });

  it("agree on non-resource URLs (`*`, exact paths, trailing-`*` prefixes)", () => {
    const urls = ["/healthz", "/healthz/*", "/api*", "/apis/", "*", "/metrics"];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom("get", "post", "*"), { minLength: 1, maxLength: 2 }),
        fc.uniqueArray(fc.constantFrom(...urls), { minLength: 1, maxLength: 3 }),
        fc.constantFrom("get", "post"),
        fc.constantFrom(
          "/healthz",
          "/healthz/ready",
          "/healthzz",
          "/api",
          "/apis/apps/v1",
          "/metrics",
          "/version",
        ),
        (verbs, nonResourceURLs, verb, path) => {
          const engine = nonResourceRuleAllows(
            { verbs, nonResourceURLs, apiGroups: [], resources: [], resourceNames: [] },
            { verb, path },
          );
          expect(emulatorRuleAllows({ verbs, nonResourceURLs }, { verb, path })).toBe(engine);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("agree on whole clusters: bindings, subjects, namespaces and SubjectAccessReview answers", () => {
    fc.assert(
      fc.property(
        rbacObjects,
        fc.array(fc.tuple(requester, request), { minLength: 1, maxLength: 12 }),
        (objects, asks) => {
          const engine = engineFor(objects);
          const authorizer = engineAuthorizerFor(objects);
          // As the emulator serves a cluster: ClusterRoles aggregated the way the aggregation
          // controller keeps them (lib/model/kubernetes-defaults.ts aggregateClusterRoles).
          const served = new ClusterObjects(aggregateClusterRoles(objects as KubernetesObject[]));
          for (const [who, wanted] of asks) {
            const emulator = emulatorAllows(served, who, wanted);
            expect({ who, wanted, allowed: emulator }).toEqual({ who, wanted, allowed: engine(who, wanted) });
            expect({ who, wanted, rbacAuthorizes: authorizer(who, wanted) }).toEqual({
              who,
              wanted,
              rbacAuthorizes: emulator,
            });
          }
        },
      ),
      { numRuns: 150 },
    );
    // A deadline for the harness only (a hung run fails); nothing here asserts on time.
  }, 120_000);

  it("agree on a managed-Entra cluster: members by UPN, others by object id, groups by object id, compared exactly", async () => {
    // Each person's Kubernetes user name is the one the emulator's API server gives a token the
    // emulator issues for them (Guard's rule: `upn`, else `oid`; guests' tokens carry no `upn`).
    const tokens = await TokenService.create("https://login.emulator.test/tenant-1/v2.0", "tenant-1");
    const nameOf = async (principalId: string, userPrincipalName?: string) =>
      entraUserName(
        accessTokenClaimsSchema.parse(
          (
            await tokens.issue({
              audience: AKS_SERVER_APP_ID,
              principalId,
              clientId: principalId,
              kind: userPrincipalName ? "user" : "app",
              groups: [],
              ...(userPrincipalName ? { userPrincipalName } : {}),
            })
          ).claims,
        ),
      );
    const people: Record<string, { name: string; groups: string[] }> = {
      [ALICE_OID]: { name: await nameOf(ALICE_OID, ALICE_UPN), groups: [DEVS_OID, "system:authenticated"] },
      [BOB_OID]: { name: await nameOf(BOB_OID, BOB_UPN), groups: ["system:authenticated"] },
      [GUEST_OID]: { name: await nameOf(GUEST_OID, GUEST_UPN), groups: [DEVS_OID, "system:authenticated"] },
      [SP_OID]: { name: await nameOf(SP_OID), groups: ["system:authenticated"] },
    };
    expect(Object.values(people).map((person) => person.name)).toEqual([
      ALICE_UPN,
      BOB_UPN,
      GUEST_OID,
      SP_OID,
    ]);
    const entraSubject = fc.oneof(
      fc.record({
        kind: fc.constant("User"),
        name: fc.constantFrom(
          ALICE_OID,
          ALICE_OID.toUpperCase(),
          ALICE_UPN,
          "Alice@contoso.example",
          BOB_OID,
          BOB_UPN,
          GUEST_OID,
          GUEST_UPN,
          SP_OID,
        ),
      }),
      fc.record({
        kind: fc.constant("Group"),
        name: fc.constantFrom(DEVS_OID, DEVS_OID.toUpperCase(), "system:authenticated"),
      }),
    );
    const entraObjects = fc
      .record({
        rules: fc.array(wireRule, { minLength: 1, maxLength: 3 }),
        clusterWide: fc.boolean(),
        namespace: fc.constantFrom(...NAMESPACES),
        subjects: fc.array(entraSubject, { minLength: 1, maxLength: 3 }),
      })
      .map(({ rules, clusterWide, namespace, subjects }) => [
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRole",
          metadata: { name: "cr0", labels: {} },
          rules,
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: clusterWide ? "ClusterRoleBinding" : "RoleBinding",
          metadata: { name: "b0", labels: {}, ...(clusterWide ? {} : { namespace }) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cr0" },
          subjects,
        },
      ]);
    fc.assert(
      fc.property(
        entraObjects,
        fc.array(fc.tuple(fc.constantFrom(ALICE_OID, BOB_OID, GUEST_OID, SP_OID), request), {
          minLength: 1,
          maxLength: 8,
        }),
        (objects, asks) => {
          // The engine knows each person by principal id (the oid).
          const engine = engineFor(objects, {
            identities: (who) => [
              who.name,
              ...(who.groups.includes("system:authenticated") ? ["k8s-group:system:authenticated"] : []),
            ],
          });
          const served = new ClusterObjects(objects as KubernetesObject[]);
          for (const [oid, wanted] of asks) {
            const who = people[oid];
            const emulator = emulatorAllows(served, who, wanted);
            const inEngine = engine({ name: oid, groups: who.groups }, wanted);
            expect({ who, wanted, allowed: emulator }).toEqual({ who, wanted, allowed: inEngine });
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
