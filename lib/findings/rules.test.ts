import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  appIdentity,
  CLUSTER,
  clusterRole,
  clusterRoleBinding,
  federatedCredential,
  group,
  NODE_RG,
  RG,
  ROLE,
  roleBinding,
  roleEligibility,
  SUB,
  serviceAccountSubject,
  user,
  workloadServiceAccount,
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
  const identity = appIdentity();
  model.identities.push(identity);
  if (options.credential) {
    model.federatedCredentials.push(
      federatedCredential(identity.id, "fic", ISSUER, "system:serviceaccount:app:app-sa"),
    );
  }
  if (options.serviceAccount) {
    model.kubernetes[CLUSTER].serviceAccounts.push(
      workloadServiceAccount(CLUSTER, "app", "app-sa", identity.clientId ?? ""),
    );
  }
  return model;
};

// Access that is not standing (issue #14): PIM eligibility, directory roles, ownership.
const eligible = (model: TenantModel, principalId: string, roleGuid: string, scope: string) => {
  model.roleEligibilities.push(
    roleEligibility({ name: `e-${principalId}`, scope, roleDefinitionId: roleGuid, principalId }),
  );
  return model;
};
const pimRead = (model: TenantModel) => {
  model.coverage["pim:azure"] = { status: "complete" };
  model.coverage["directory:pim"] = { status: "complete" };
  return model;
};
const adminGroupOwnedBy = (model: TenantModel, ownerIds: string[]) => {
  model.directoryOwners = [{ objectId: "admins", objectKind: "Group", displayName: "admins", ownerIds }];
  return model;
};
const withAdminGroup = () =>
  builder({ entra: { mode: "managed", azureRbac: false, adminGroupIds: ["admins"], tenantId: "tenant-1" } });
const directoryRole = (model: TenantModel, principalId: string, templateId: string, roleName: string) => {
  model.directoryRoleAssignments = [
    {
      id: `dr-${principalId}`,
      principalId,
      roleDefinitionId: templateId,
      roleName,
      directoryScopeId: "/",
      eligible: false,
      endDateTime: null,
    },
  ];
  return model;
};
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const GROUPS_ADMIN = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

const CASES: Record<string, { fail: Build | null; pass: Build; notAssessed: Build }> = {
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
  "pim-not-used-for-cluster-admin": {
    // standing AKS RBAC Cluster Admin for a person, where an eligible assignment would do
    fail: () => builder().principal("ops").assign(ROLE.aksRbacClusterAdmin, "ops", CLUSTER).build(),
    // the same role, eligible through PIM; and a break-glass account's standing Owner is left out by design
    pass: () =>
      eligible(
        builder()
          .principal("ops")
          .principal("bg", "User", { userPrincipalName: "breakglass@contoso.example" })
          .assign(ROLE.owner, "bg", RG)
          .build(),
        "ops",
        ROLE.aksRbacClusterAdmin,
        CLUSTER,
      ),
    notAssessed: () =>
      subNotRead(builder().principal("ops").assign(ROLE.aksRbacClusterAdmin, "ops", CLUSTER).build()),
  },
  "admin-group-owned-by-non-admins": {
    // Faye's story: she owns the admin group and is no cluster-admin herself
    fail: () => adminGroupOwnedBy(withAdminGroup().principal("faye").group("admins", []).build(), ["faye"]),
    // the owner is a member of the group: already a standing cluster-admin
    pass: () =>
      adminGroupOwnedBy(withAdminGroup().principal("lead").group("admins", ["lead"]).build(), ["lead"]),
    notAssessed: () =>
      directoryPartial(
        adminGroupOwnedBy(withAdminGroup().principal("lead").group("admins", ["lead"]).build(), ["lead"]),
      ),
  },
  "directory-role-reaches-clusters": {
    // Global Administrator elevates access to User Access Administrator at / and takes the cluster
    fail: () => directoryRole(builder().principal("ga").build(), "ga", GLOBAL_ADMIN, "Global Administrator"),
    // Groups Administrator over a cluster without admin groups leads nowhere
    pass: () => directoryRole(builder().principal("ga").build(), "ga", GROUPS_ADMIN, "Groups Administrator"),
    notAssessed: () =>
      directoryPartial(
        directoryRole(builder().principal("ga").build(), "ga", GROUPS_ADMIN, "Groups Administrator"),
      ),
  },
  "eligible-cluster-admin-without-approval": {
    // Approval is the eligibility's PIM role setting (activation); unknown settings are "approval
    // not known", never a pass (rules/eligible-cluster-admin-without-approval.test.ts).
    fail: () => {
      const model = pimRead(
        eligible(builder().principal("ops").build(), "ops", ROLE.aksRbacClusterAdmin, CLUSTER),
      );
      model.roleEligibilities[0].activation = {
        approvalRequired: false,
        maximumDuration: "PT8H",
        policyId: null,
      };
      return model;
    },
    pass: () => pimRead(builder().principal("u").assign(ROLE.aksClusterUser, "u", CLUSTER).build()),
    notAssessed: () =>
      pimRead(eligible(builder().principal("ops").build(), "ops", ROLE.aksRbacClusterAdmin, CLUSTER)),
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
    const fail = CASES[id].fail;
    it.skipIf(fail === null)("fails", () =>
      expect(statusesOf(rule, fail?.() ?? builder().build())).toEqual(["fail"]),
    );
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

describe("eligible-cluster-admin-without-approval", () => {
  const rule = FINDING_RULES.find((candidate) => candidate.id === "eligible-cluster-admin-without-approval");
  it("names the eligible holder and says approval is not known; unread PIM is not a pass", () => {
    if (!rule) throw new Error("rule missing");
    const model = pimRead(
      eligible(builder().principal("ops").build(), "ops", ROLE.aksRbacClusterAdmin, CLUSTER),
    );
    const [finding] = evaluateFindings(model, undefined, { rules: [rule] });
    expect(finding.status).toBe("not-assessed");
    expect(finding.evidence.objects[0].id).toBe("ops");
    expect(finding.evidence.summary).toMatch(/approval not known/);
    expect(finding.evidence.paths?.[0].map((step) => step.kind)).toContain("roleEligibility");
    const unread = builder().principal("u").build();
    expect(statusesOf(rule, unread)).toEqual(["not-assessed"]);
  });
});

describe("pim-not-used-for-cluster-admin: break-glass and time-bound", () => {
  const rule = FINDING_RULES.find((candidate) => candidate.id === "pim-not-used-for-cluster-admin");
  it("leaves break-glass accounts out by name and says so", () => {
    if (!rule) throw new Error("rule missing");
    const model = builder()
      .principal("Break-glass administrator")
      .assign(ROLE.owner, "Break-glass administrator", RG)
      .build();
    const [finding] = evaluateFindings(model, undefined, { rules: [rule] });
    expect(finding.status).toBe("pass");
    expect(finding.evidence.summary).toMatch(/break-glass accounts left out: Break-glass administrator/);
  });
  it("reports a group holding the role once, not its members", () => {
    if (!rule) throw new Error("rule missing");
    const model = builder()
      .principal("a")
      .group("admins", ["a"])
      .assign(ROLE.aksClusterAdmin, "admins", CLUSTER, { principalType: "Group" })
      .build();
    const findings = evaluateFindings(model, undefined, { rules: [rule] });
    expect(findings.map((finding) => finding.evidence.objects[0].id)).toEqual(["admins"]);
  });
  // Every standing cluster-admin that rests on a role assignment, whatever the engine's route: the user
  // kubeconfig of a cluster without Entra integration is a cluster-admin certificate (route `user-credential`;
  // learn.microsoft.com/azure/aks/control-kubeconfig-access: on a non-Entra cluster the Cluster User Role's
  // kubeconfig gives admin access), and a binding completed by a subscription's Azure RBAC role (route
  // `kubernetes-rbac`: the two authorizers add up, learn.microsoft.com/azure/aks/manage-azure-rbac) is
  // cluster-admin only while that assignment stands. Both were passed over, the rule reading two routes only.
  it("fails a standing cluster-admin through the user kubeconfig of a cluster without Entra integration", () => {
    if (!rule) throw new Error("rule missing");
    const model = builder({ entra: { mode: "none" } as Cluster["entra"], localAccountsDisabled: false })
      .principal("uma")
      .assign(ROLE.aksClusterUser, "uma", CLUSTER)
      .build();
    const findings = evaluateFindings(model, undefined, { rules: [rule] });
    expect(findings.map((finding) => [finding.status, finding.evidence.objects[0]?.id])).toEqual([
      ["fail", "uma"],
    ]);
    expect(findings[0].evidence.summary).toMatch(
      /standing through Azure Kubernetes Service Cluster User Role/,
    );
  });
  it("fails a standing cluster-admin that a subscription's Azure RBAC role completes with a binding", () => {
    if (!rule) throw new Error("rule missing");
    const model = builder({
      entra: { mode: "managed", azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
    })
      .principal("dana")
      .assign(ROLE.aksRbacAdmin, "dana", `/subscriptions/${SUB}`)
      .kubernetes(
        clusterRole("ordinary-verbs", [
          {
            apiGroups: ["*"],
            resources: ["*"],
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
          },
        ]),
        clusterRoleBinding("dana-all", "ordinary-verbs", [user("dana")]),
      )
      .build();
    const findings = evaluateFindings(model, undefined, { rules: [rule] });
    expect(findings.map((finding) => [finding.status, finding.evidence.objects[0]?.id])).toEqual([
      ["fail", "dana"],
    ]);
    expect(findings[0].evidence.summary).toMatch(/standing through Azure Kubernetes Service RBAC Admin/);
  });
});
