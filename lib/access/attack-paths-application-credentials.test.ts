import { describe, expect, it } from "vitest";
import { clusterRole, ROLE, role, roleBinding, user } from "@/lib/access/fixtures/access-model-builder";
import { checkedPathsInto, pathSummary } from "@/lib/access/fixtures/checked-attack-paths";
import { CLUSTER2, ISSUER1, RG2, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import type { ApplicationFederatedCredential } from "@/lib/model/directory";
import type { TenantModel } from "@/lib/model/tenant-model";

// Workload identity federated to an application registration, not a managed identity. AKS workload
// identity exchanges a service account's token "for a Microsoft Entra application or a user-assigned
// managed identity" (learn.microsoft.com/azure/aks/workload-identity-overview); the application's
// federated credentials are Graph's (learn.microsoft.com/graph/api/resources/federatedidentitycredential:
// "issuer … must match the issuer claim of the external token", "subject … must match the sub claim").
// The token then acts as the application's service principal, with the Azure roles it holds.
//
// The tenant: twoClusterTenant with the managed identity `deployer` holding nothing; the service
// principal `sp-ci` of application `ci-deployer` (app id `app-ci`) holds Contributor on rg-2, where
// aks-2 (local accounts on) is: Contributor there is cluster-admin through listClusterAdminCredential.

const SP = "sp-ci";
const APP_ID = "app-ci";
const APP_OBJECT = "app-ci-object";

const leonardCreatesPods = [
  role("default", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
  roleBinding("default", "leonard-pods", { kind: "Role", name: "pod-maker" }, [user("leonard")]),
];

function credential(overrides: Partial<ApplicationFederatedCredential> = {}): ApplicationFederatedCredential {
  return {
    applicationId: APP_OBJECT,
    appId: APP_ID,
    id: "fic-1",
    name: "aks-1-deployer",
    issuer: ISSUER1,
    subject: "system:serviceaccount:default:deployer",
    audiences: ["api://AzureADTokenExchange"],
    claimsMatchingExpression: null,
    ...overrides,
  };
}

function tenant(
  credentials: ApplicationFederatedCredential[],
  options: { objects?: unknown[]; appId?: string } = {},
): TenantModel {
  const model = twoClusterTenant({
    identityRole: null,
    objects: options.objects ?? leonardCreatesPods,
    setup: (builder) =>
      builder
        .principal(SP, "ServicePrincipal", { appId: options.appId ?? APP_ID })
        .assign(ROLE.contributor, SP, RG2, { principalType: "ServicePrincipal" })
        .application(APP_OBJECT, APP_ID, "ci-deployer", credentials),
  });
  return model;
}

describe("workload identity federated to an application", () => {
  it("a pod creator in the trusted namespace acts as the application's service principal", () => {
    const [path, ...rest] = checkedPathsInto(tenant([credential()]), CLUSTER2, "leonard");
    expect(rest).toEqual([]);
    expect(pathSummary([path])).toEqual(["cluster-admin in 3"]);
    const credentialStep = path.path.find((step) => step.kind === "applicationFederatedCredential");
    expect(credentialStep).toMatchObject({ id: `${APP_OBJECT}/fic-1` });
    expect(credentialStep?.label).toContain("federated credential aks-1-deployer of application ci-deployer");
    expect(credentialStep?.label).toContain("subject system:serviceaccount:default:deployer");
    expect(path.path).toContainEqual({
      kind: "principal",
      id: SP,
      label: `signs in as service principal ${SP}`,
    });
  });

  it("without the credential, the same tenant gives Leonard nothing on aks-2", () => {
    expect(checkedPathsInto(tenant([]), CLUSTER2, "leonard")).toEqual([]);
  });

  // Entra compares `sub` and `iss` as exact strings: another account, or the issuer without the
  // trailing slash AKS issuers carry, is another identity provider's token.
  it("a subject naming another account, or another issuer string, trusts nothing of Leonard's", () => {
    expect(
      checkedPathsInto(
        tenant([credential({ subject: "system:serviceaccount:default:other" })]),
        CLUSTER2,
        "leonard",
      ),
    ).toEqual([]);
    expect(
      checkedPathsInto(tenant([credential({ issuer: ISSUER1.replace(/\/$/, "") })]), CLUSTER2, "leonard"),
    ).toEqual([]);
  });

  // A flexible credential (Graph beta's claimsMatchingExpression) read through v1.0 has no subject and
  // no expression: it may accept any token of its issuer, so the path is kept, conditional.
  it("a credential with neither subject nor expression makes the path conditional, not absent", () => {
    expect(pathSummary(checkedPathsInto(tenant([credential({ subject: "" })]), CLUSTER2, "leonard"))).toEqual(
      ["cluster-admin in 3 (conditional)"],
    );
  });

  it("an application whose service principal was not read (no app id match) leads nowhere", () => {
    expect(checkedPathsInto(tenant([credential()], { appId: "another-app" }), CLUSTER2, "leonard")).toEqual(
      [],
    );
  });

  it("an admin of the namespace reaches the application too (exec into a pod of the account)", () => {
    const objects = [
      clusterRole("admin", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
      roleBinding("default", "leonard-admin", { kind: "ClusterRole", name: "admin" }, [user("leonard")]),
    ];
    expect(pathSummary(checkedPathsInto(tenant([credential()], { objects }), CLUSTER2, "leonard"))).toEqual([
      "cluster-admin in 3",
    ]);
  });
});
