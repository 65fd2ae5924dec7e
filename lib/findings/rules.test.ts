import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  group,
  NODE_RG,
  RG,
  ROLE,
  roleBinding,
  SUB,
  serviceAccountSubject,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import type { FindingRule } from "@/lib/findings/rule";
import { type FindingStatus, findingSchema } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

type Build = () => TenantModel;

const builder = (cluster: Partial<Cluster> = {}) => new AccessModelBuilder(cluster);
const subNotRead = (model: TenantModel) => {
  model.coverage[`sub:${SUB}`] = { status: "not-read", reason: "403" };
  return model;
};
const clusterNotRead = (model: TenantModel) => {
  model.coverage[`cluster:${CLUSTER}`] = { status: "not-read", reason: "unreachable" };
  delete model.kubernetes[CLUSTER];
  return model;
};
const directoryPartial = (model: TenantModel) => {
  model.coverage.directory = { status: "partial", reason: "throttled" };
  return model;
};

const ALL = clusterRole("all", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]);
const ISSUER = "https://oidc.example/tenant-1/aks-1/";
const POD_MAKER = clusterRole("pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]);
const KV_ADDON: Cluster["addons"] = [
  {
    name: "azurekeyvaultsecretsprovider",
    enabled: true,
    identity: {
      resourceId: `${NODE_RG}/providers/microsoft.managedidentity/userassignedidentities/kv-addon`,
      clientId: "kv-client",
      objectId: "kv-object",
    },
  },
];
const withWorkloadIdentity = (
  model: TenantModel,
  options: { credential: boolean; serviceAccount: boolean },
) => {
  const identityId = `${RG}/providers/microsoft.managedidentity/userassignedidentities/app`;
  model.identities.push({
    id: identityId,
    name: "app",
    resourceGroup: "rg-1",
    subscriptionId: SUB,
    location: null,
    clientId: "app-client",
    principalId: "app-principal",
    tenantId: null,
  });
  if (options.credential) {
    model.federatedCredentials.push({
      id: `${identityId}/federatedidentitycredentials/fic`,
      name: "fic",
      identityId,
      issuer: ISSUER,
      subject: "system:serviceaccount:app:app-sa",
      audiences: ["api://AzureADTokenExchange"],
      claimsMatchingExpression: null,
    });
  }
  if (options.serviceAccount) {
    model.kubernetes[CLUSTER].serviceAccounts.push({
      clusterId: CLUSTER,
      namespace: "app",
      name: "app-sa",
      annotations: { "azure.workload.identity/client-id": "app-client" },
      labels: {},
      workloadIdentity: { clientId: "app-client", tenantId: null, useLabel: false },
      automountServiceAccountToken: null,
    });
  }
  return model;
};

const CASES: Record<string, { fail: Build; pass: Build; notAssessed: Build }> = {
  "local-accounts-enabled": {
    fail: () => builder({ localAccountsDisabled: false }).build(),
    pass: () => builder({ localAccountsDisabled: true }).build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "admin-credential-via-broad-role": {
    fail: () => builder().principal("penny").assign(ROLE.contributor, "penny", RG).build(),
    // the AKS Cluster Admin Role grants exactly that action: deliberate, not broad
    pass: () => builder().principal("ops").assign(ROLE.aksClusterAdmin, "ops", CLUSTER).build(),
    notAssessed: () =>
      directoryPartial(builder().principal("ops").assign(ROLE.aksClusterAdmin, "ops", CLUSTER).build()),
  },
  "entra-integration-missing": {
    fail: () =>
      builder({ entra: { mode: "legacy", azureRbac: false, adminGroupIds: [], tenantId: null } }).build(),
    pass: () => builder().build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "kubernetes-rbac-disabled": {
    fail: () => builder({ kubernetesRbac: false }).build(),
    pass: () => builder().build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "run-command-enabled": {
    fail: () => builder({ runCommandDisabled: false }).build(),
    pass: () => builder({ runCommandDisabled: true }).build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "cluster-admin-broad-subject": {
    fail: () =>
      builder()
        .kubernetes(ALL, clusterRoleBinding("ci", "all", [serviceAccountSubject("build", "ci")]))
        .build(),
    pass: () =>
      builder()
        .principal("u")
        .kubernetes(ALL, clusterRoleBinding("one", "all", [user("u")]))
        .build(),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "rbac-wildcard-role": {
    fail: () => builder().kubernetes(ALL).build(),
    pass: () =>
      builder()
        .kubernetes(clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }]))
        .build(),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "secrets-read-broad": {
    fail: () =>
      builder()
        .principal("u")
        .kubernetes(
          clusterRole("secrets", [{ verbs: ["list"], apiGroups: [""], resources: ["secrets"] }]),
          clusterRoleBinding("b", "secrets", [user("u")]),
        )
        .build(),
    pass: () =>
      builder()
        .principal("u")
        .kubernetes(ALL, clusterRoleBinding("b", "all", [user("u")]))
        .build(),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "kubelet-identity-overprivileged": {
    fail: () =>
      builder().assign(ROLE.contributor, "kubelet-object", RG, { principalType: "ServicePrincipal" }).build(),
    pass: () =>
      builder()
        .assign(
          ROLE.acrPull,
          "kubelet-object",
          `${RG}/providers/microsoft.containerregistry/registries/acr`,
          { principalType: "ServicePrincipal" },
        )
        .build(),
    notAssessed: () => directoryPartial(builder().build()),
  },
  "addon-identity-overprivileged": {
    fail: () =>
      builder({ addons: KV_ADDON })
        .assign(ROLE.contributor, "kv-object", `/subscriptions/${SUB}`, { principalType: "ServicePrincipal" })
        .build(),
    pass: () =>
      builder({ addons: KV_ADDON })
        .assign(ROLE.keyVaultSecretsUser, "kv-object", `${RG}/providers/microsoft.keyvault/vaults/kv`, {
          principalType: "ServicePrincipal",
        })
        .build(),
    notAssessed: () => directoryPartial(builder({ addons: KV_ADDON }).build()),
  },
  "control-plane-not-managed-identity": {
    fail: () =>
      builder({
        controlPlaneIdentity: {
          type: "ServicePrincipal",
          principalId: null,
          clientId: "sp",
          resourceId: null,
        },
      }).build(),
    pass: () => builder().build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "control-plane-identity-not-user-assigned": {
    fail: () => builder().build(),
    pass: () =>
      builder({
        controlPlaneIdentity: {
          type: "UserAssigned",
          principalId: "p",
          clientId: "c",
          resourceId: `${RG}/providers/microsoft.managedidentity/userassignedidentities/cp`,
        },
      }).build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "workload-identity-disabled": {
    fail: () => builder({ workloadIdentityEnabled: false }).build(),
    pass: () => builder().build(),
    notAssessed: () => subNotRead(builder().build()),
  },
  "pod-identity-in-use": {
    fail: () => builder({ podIdentity: { enabled: true, identities: [], exceptions: [] } }).build(),
    pass: () => builder().build(),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "federated-credential-orphaned": {
    fail: () =>
      withWorkloadIdentity(builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } }).build(), {
        credential: true,
        serviceAccount: false,
      }),
    pass: () =>
      withWorkloadIdentity(builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } }).build(), {
        credential: true,
        serviceAccount: true,
      }),
    notAssessed: () =>
      clusterNotRead(
        withWorkloadIdentity(builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } }).build(), {
          credential: true,
          serviceAccount: false,
        }),
      ),
  },
  "anonymous-access-bound": {
    fail: () =>
      builder()
        .kubernetes(
          clusterRole("pod-reader", [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]),
          clusterRoleBinding("anon-pods", "pod-reader", [group("system:unauthenticated")]),
        )
        .build(),
    // Kubernetes' own bootstrap binding: anyone may GET /healthz, /livez, /readyz and /version.
    pass: () =>
      builder()
        .kubernetes(
          clusterRole("system:public-info-viewer", [
            { verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"] },
          ]),
          clusterRoleBinding("system:public-info-viewer", "system:public-info-viewer", [
            group("system:authenticated"),
            group("system:unauthenticated"),
          ]),
        )
        .build(),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "role-assignment-writers": {
    fail: () => builder().principal("uaa").assign(ROLE.userAccessAdministrator, "uaa", RG).build(),
    pass: () => builder().principal("penny").assign(ROLE.contributor, "penny", RG).build(),
    notAssessed: () =>
      directoryPartial(builder().principal("penny").assign(ROLE.contributor, "penny", RG).build()),
  },
  "workload-identity-privileged": {
    fail: () =>
      withWorkloadIdentity(
        builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } })
          .assign(ROLE.contributor, "app-principal", RG, { principalType: "ServicePrincipal" })
          .build(),
        { credential: true, serviceAccount: true },
      ),
    pass: () =>
      withWorkloadIdentity(
        builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } })
          .assign(ROLE.keyVaultSecretsUser, "app-principal", `${RG}/providers/microsoft.keyvault/vaults/kv`, {
            principalType: "ServicePrincipal",
          })
          .build(),
        { credential: true, serviceAccount: true },
      ),
    notAssessed: () =>
      directoryPartial(
        withWorkloadIdentity(
          builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } })
            .assign(
              ROLE.keyVaultSecretsUser,
              "app-principal",
              `${RG}/providers/microsoft.keyvault/vaults/kv`,
              {
                principalType: "ServicePrincipal",
              },
            )
            .build(),
          { credential: true, serviceAccount: true },
        ),
      ),
  },
  "escalation-to-cluster-admin": {
    // User Access Administrator over an Azure RBAC cluster: one self-assignment away from cluster-admin.
    fail: () => builder().principal("uaa").assign(ROLE.userAccessAdministrator, "uaa", RG).build(),
    pass: () => builder().principal("u").assign(ROLE.aksClusterUser, "u", CLUSTER).build(),
    notAssessed: () =>
      clusterNotRead(builder().principal("u").assign(ROLE.aksClusterUser, "u", CLUSTER).build()),
  },
  "pod-creators-reach-identity": {
    fail: () =>
      withWorkloadIdentity(
        builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } })
          .principal("dev")
          .assign(ROLE.keyVaultSecretsUser, "app-principal", `${RG}/providers/microsoft.keyvault/vaults/kv`, {
            principalType: "ServicePrincipal",
          })
          .kubernetes(
            POD_MAKER,
            roleBinding("app", "dev-pods", { kind: "ClusterRole", name: "pod-maker" }, [user("dev")]),
          )
          .build(),
        { credential: true, serviceAccount: true },
      ),
    pass: () =>
      withWorkloadIdentity(
        builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } })
          .principal("dev")
          .assign(ROLE.keyVaultSecretsUser, "app-principal", `${RG}/providers/microsoft.keyvault/vaults/kv`, {
            principalType: "ServicePrincipal",
          })
          .kubernetes(
            POD_MAKER,
            roleBinding("web", "dev-pods", { kind: "ClusterRole", name: "pod-maker" }, [user("dev")]),
          )
          .build(),
        { credential: true, serviceAccount: true },
      ),
    notAssessed: () => clusterNotRead(builder().build()),
  },
  "service-account-missing-federated-credential": {
    fail: () =>
      withWorkloadIdentity(builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } }).build(), {
        credential: false,
        serviceAccount: true,
      }),
    pass: () =>
      withWorkloadIdentity(builder({ oidcIssuer: { enabled: true, issuerUrl: ISSUER } }).build(), {
        credential: true,
        serviceAccount: true,
      }),
    notAssessed: () => clusterNotRead(builder().build()),
  },
};

function statusesOf(rule: FindingRule, model: TenantModel): FindingStatus[] {
  const findings = evaluateFindings(model, undefined, { rules: [rule] });
  for (const finding of findings) expect(() => findingSchema.parse(finding)).not.toThrow();
  return [...new Set(findings.map((finding) => finding.status))].sort();
}

describe("every rule has a failing, a passing and a not-assessed case", () => {
  it("covers all rules", () => {
    expect(Object.keys(CASES).sort()).toEqual(FINDING_RULES.map((rule) => rule.id).sort());
  });

  describe.each(FINDING_RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
    it("fails", () => expect(statusesOf(rule, CASES[id].fail())).toEqual(["fail"]));
    it("passes", () => expect(statusesOf(rule, CASES[id].pass())).toEqual(["pass"]));
    it("is not assessed when its data was not read (never pass)", () => {
      expect(statusesOf(rule, CASES[id].notAssessed())).toEqual(["not-assessed"]);
    });
  });
});

describe("rule metadata", () => {
  it.each(FINDING_RULES.map((rule) => [rule.id, rule] as const))(
    "%s has a file named after it and controls",
    (id, rule) => {
      expect(rule.controls.length).toBeGreaterThan(0);
      expect(id).toMatch(/^[a-z0-9-]+$/);
    },
  );
});

describe("findingsToRecords", () => {
  it("keys findings by rule, cluster and subject", () => {
    const model = builder()
      .principal("penny")
      .principal("ci")
      .assign(ROLE.contributor, "penny", RG)
      .assign(ROLE.owner, "ci", RG)
      .build();
    const records = findingsToRecords(evaluateFindings(model));
    const keys = records.map((record) => record.naturalKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(`admin-credential-via-broad-role|${CLUSTER}|penny`);
    expect(keys).toContain(`admin-credential-via-broad-role|${CLUSTER}|ci`);
    expect(keys).toContain(`local-accounts-enabled|${CLUSTER}|cluster`);
    expect(records.every((record) => record.kind === "finding" && record.source === "analysis")).toBe(true);
  });
});

describe("node identities: scope breadth", () => {
  const kubelet = FINDING_RULES.find((rule) => rule.id === "kubelet-identity-overprivileged");
  it.each([
    ["a management group", "/providers/microsoft.management/managementgroups/platform", "fail"],
    ["the subscription", `/subscriptions/${SUB}`, "fail"],
    ["a resource group", RG, "fail"],
    ["one resource", `${RG}/providers/microsoft.network/virtualnetworks/vnet`, "pass"],
  ])("Network Contributor on %s", (_name, scope, expected) => {
    if (!kubelet) throw new Error("rule missing");
    const model = builder()
      .assign(ROLE.networkContributor, "kubelet-object", scope, { principalType: "ServicePrincipal" })
      .build();
    expect(statusesOf(kubelet, model)).toEqual([expected]);
  });
});
