import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { startTestEmulator, type TestEmulator } from "@/lib/emulator/test-support";
import { articleClusterId, articleTenantFile } from "@/lib/model/fixtures/article-tenant";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";

// On Entra-integrated clusters Kubernetes names a member user by the token's `upn` claim, the user
// principal name as the directory spells it (learn.microsoft.com/azure/aks/azure-ad-rbac: "kind:
// User, name: <user principal name>"), and compares it exactly. A user whom only such a binding
// names must still be one principal: the scanner looks the name up in Graph by UPN (through
// `$filter=userPrincipalName in (…)`), and only an exact match is that user.

const URSULA = "f0000000-0000-0000-0000-0000000000a1";
const VERA = "f0000000-0000-0000-0000-0000000000a2";
const AKS_1 = articleClusterId(1).toLowerCase();

let running: TestEmulator;
let result: CollectResult;

beforeAll(async () => {
  const file = JSON.parse(JSON.stringify(articleTenantFile()));
  file.principals.push(
    { id: URSULA, type: "User", displayName: "Ursula", userPrincipalName: "Ursula@teknews.cloud" },
    { id: VERA, type: "User", displayName: "Vera", userPrincipalName: "vera@teknews.cloud" },
  );
  const cluster = file.clusters[articleClusterId(1)];
  const viewBinding = (name: string, user: string) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name, namespace: "default" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
  });
  cluster.objects.push(
    viewBinding("ursula-view", "Ursula@teknews.cloud"),
    // Vera's token says vera@teknews.cloud: this binding names someone else.
    viewBinding("vera-view", "Vera@teknews.cloud"),
  );
  running = await startTestEmulator({ tenant: parseTenantFile(file), pageSize: 2, seed: 7 });
  result = await collectTenant(scanTargetForEmulator(running.emulator), {
    pageSize: 2,
    http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000 },
  });
});
afterAll(async () => {
  await running?.stop();
});

describe("users that bindings name by user principal name", () => {
  it("are read from the directory by UPN, only on an exact match", () => {
    const ids = result.model.principals.map((principal) => principal.id);
    expect(ids).toContain(URSULA);
    expect(ids).not.toContain(VERA);
    expect(result.model.principals.find((principal) => principal.id === URSULA)).toMatchObject({
      kind: "User",
      userPrincipalName: "Ursula@teknews.cloud",
    });
    expect(result.errors.filter((error) => error.source === "directory")).toEqual([]);
  });

  it("are one principal with their grants, while a name in other case stays a Kubernetes user", () => {
    const access = evaluateClusterAccess(result.model, AKS_1);
    const grantsOf = (id: string) =>
      access.principals
        .find((entry) => entry.principal.id === id)
        ?.grants.map((grant) => `${grant.level}@${grant.namespace} via ${grant.route}`);
    expect(grantsOf(URSULA)).toEqual(["read@default via kubernetes-rbac"]);
    expect(grantsOf("k8s-user:Ursula@teknews.cloud")).toBeUndefined();
    expect(grantsOf("k8s-user:Vera@teknews.cloud")).toEqual(["read@default via kubernetes-rbac"]);
  });
});
