import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  appIdentity,
  CLUSTER,
  federatedCredential,
  RG,
  ROLE,
  workloadServiceAccount,
} from "@/lib/access/fixtures/access-model-builder";
import { CONTROLS } from "@/lib/findings/controls";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { Finding, FindingStatus } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";
import { clusterFromWire } from "@/lib/model/wire-azure";

// Audit of the rules that judge one ARM setting of a cluster, against the built-in Azure Policy
// definitions they cite (github.com/Azure/azure-policy, built-in-policies/policyDefinitions/...). Each case
// starts from the REST wire shape (clusterFromWire), so a missing or null property is judged the way the
// policy judges it, not the way a hand-built model happens to spell it.

const WIRE_ID =
  "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg-1/providers/Microsoft.ContainerService/managedClusters/aks-1";

/** A managed cluster as ARM returns it, with `properties` replaced or extended by the case. */
function wireCluster(properties: Record<string, unknown>, top: Record<string, unknown> = {}): Cluster {
  const wire = {
    id: WIRE_ID,
    name: "aks-1",
    location: "westeurope",
    identity: { type: "SystemAssigned", principalId: "cp-principal" },
    ...top,
    properties: { nodeResourceGroup: "MC_rg-1_aks-1_westeurope", ...properties },
  };
  const cluster = clusterFromWire(wire);
  expect(cluster.id).toBe(CLUSTER);
  return cluster;
}

function findingsOf(ruleId: string, model: TenantModel): Finding[] {
  const rule = FINDING_RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return evaluateFindings(model, undefined, { rules: [rule] });
}

function only(ruleId: string, cluster: Cluster): Finding {
  const findings = findingsOf(ruleId, new AccessModelBuilder(cluster).build());
  expect(findings).toHaveLength(1);
  return findings[0];
}

type Case = [name: string, properties: Record<string, unknown>, expected: FindingStatus];

describe("local-accounts-enabled follows Azure Policy 993c2fcd (disableLocalAccounts notEquals true)", () => {
  // AKS_DisableLocalAccounts_Deny.json: non-compliant when
  // Microsoft.ContainerService/managedClusters/disableLocalAccounts notEquals true — absent counts as enabled.
  it.each<Case>([
    ["disableLocalAccounts absent (clusters created before the property)", {}, "fail"],
    ["disableLocalAccounts null", { disableLocalAccounts: null }, "fail"],
    ["disableLocalAccounts false", { disableLocalAccounts: false }, "fail"],
    ["disableLocalAccounts true", { disableLocalAccounts: true }, "pass"],
  ])("%s → %s", (_name, properties, expected) => {
    expect(only("local-accounts-enabled", wireCluster(properties)).status).toBe(expected);
  });

  // learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad: "After disabling local user accounts
  // on an existing AKS cluster where users might have authenticated with local accounts, the administrator must
  // rotate the cluster certificates to revoke certificates they might have had access to." `az aks rotate-certs`
  // is the command (Azure/azure-cli src/azure-cli/azure/cli/command_modules/acs/commands.py).
  it.each(["local-accounts-enabled", "admin-credential-via-broad-role"])(
    "%s: the remediation rotates the certificates, or admin kubeconfigs already fetched keep working",
    (ruleId) => {
      const model = new AccessModelBuilder({ localAccountsDisabled: false })
        .principal("penny")
        .assign(ROLE.contributor, "penny", RG)
        .build();
      const failing = findingsOf(ruleId, model).filter((finding) => finding.status === "fail");
      expect(failing.length).toBeGreaterThan(0);
      for (const finding of failing) {
        expect(finding.remediation.azCli).toContain(
          "az aks update --resource-group rg-1 --name aks-1 --disable-local-accounts",
        );
        expect(finding.remediation.azCli).toContain("az aks rotate-certs --resource-group rg-1 --name aks-1");
        expect(finding.remediation.summary).toMatch(/rotate/i);
      }
    },
  );

  // Same page, note: "On clusters without Microsoft Entra integration enabled and
  // properties.disableLocalAccounts set to true, any attempt to authenticate with user or admin credentials
  // will fail." — disabling them alone locks everyone out; the page's command enables Entra with it.
  it("without managed Entra integration the remediation enables it in the same update", () => {
    const finding = only(
      "local-accounts-enabled",
      wireCluster({ disableLocalAccounts: false, aadProfile: null }),
    );
    expect(finding.remediation.azCli).toContain(
      "az aks update --resource-group rg-1 --name aks-1 --enable-aad --aad-admin-group-object-ids <group-object-id> --disable-local-accounts",
    );
  });
});

describe("kubernetes-rbac-disabled follows Azure Policy ac4a19c2 (enableRBAC exists and equals false)", () => {
  // Security Center/ASC_EnableRBAC_KubernetesService_Audit.json: non-compliant only when enableRBAC exists
  // and equals false; AKS enables Kubernetes RBAC by default, so an absent property is not a failure.
  it.each<Case>([
    ["enableRBAC absent", {}, "pass"],
    ["enableRBAC true", { enableRBAC: true }, "pass"],
    ["enableRBAC false", { enableRBAC: false }, "fail"],
  ])("%s → %s", (_name, properties, expected) => {
    expect(only("kubernetes-rbac-disabled", wireCluster(properties)).status).toBe(expected);
  });
});

describe("run-command-enabled follows Azure Policy 89f2d532 (apiServerAccessProfile.disableRunCommand notEquals true)", () => {
  // Kubernetes/AKS_DisableRunCommand_Audit.json
  it.each<Case>([
    ["apiServerAccessProfile absent", {}, "fail"],
    ["apiServerAccessProfile null", { apiServerAccessProfile: null }, "fail"],
    ["disableRunCommand absent", { apiServerAccessProfile: { enablePrivateCluster: true } }, "fail"],
    ["disableRunCommand false", { apiServerAccessProfile: { disableRunCommand: false } }, "fail"],
    ["disableRunCommand true", { apiServerAccessProfile: { disableRunCommand: true } }, "pass"],
  ])("%s → %s", (_name, properties, expected) => {
    expect(only("run-command-enabled", wireCluster(properties)).status).toBe(expected);
  });
});

describe("workload-identity-disabled follows Azure Policy 2cc2e023 (securityProfile.workloadIdentity.enabled)", () => {
  // Kubernetes/AKS_WorkloadIdentity_Audit.json: non-compliant when the property does not exist or is false.
  const oidc = {
    oidcIssuerProfile: { enabled: true, issuerURL: "https://westeurope.oic.prod-aks.azure.com/t/c/" },
  };
  it.each<Case>([
    ["securityProfile absent", { ...oidc }, "fail"],
    ["workloadIdentity absent", { ...oidc, securityProfile: {} }, "fail"],
    [
      "workloadIdentity.enabled false",
      { ...oidc, securityProfile: { workloadIdentity: { enabled: false } } },
      "fail",
    ],
    [
      "workloadIdentity.enabled true",
      { ...oidc, securityProfile: { workloadIdentity: { enabled: true } } },
      "pass",
    ],
  ])("%s → %s", (_name, properties, expected) => {
    expect(only("workload-identity-disabled", wireCluster(properties)).status).toBe(expected);
  });
});

describe("entra-integration-missing and Azure Policy 450d2877 (aadProfile exists false)", () => {
  // Kubernetes/AKS_AAD_Integration_Audit.json flags a cluster only when aadProfile does not exist. The rule
  // also fails the legacy (server/client application) integration, which AKS deprecated in favour of the
  // AKS-managed one (learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id), but the policy
  // finds such a cluster compliant: a legacy finding must not claim to break 450d2877.
  const policy = CONTROLS.policyEntraIntegration.id;

  it("aadProfile absent: critical, and the policy's control", () => {
    const finding = only("entra-integration-missing", wireCluster({}));
    expect([finding.status, finding.severity]).toEqual(["fail", "critical"]);
    expect(finding.controls.map((control) => control.id)).toContain(policy);
  });

  it("aadProfile null: the same as absent", () => {
    const finding = only("entra-integration-missing", wireCluster({ aadProfile: null }));
    expect([finding.status, finding.severity]).toEqual(["fail", "critical"]);
    expect(finding.controls.map((control) => control.id)).toContain(policy);
  });

  it("legacy integration (aadProfile without managed): fails, without the policy's control", () => {
    const finding = only(
      "entra-integration-missing",
      wireCluster({ aadProfile: { clientAppID: "client", serverAppID: "server", tenantID: "tenant-1" } }),
    );
    expect([finding.status, finding.severity]).toEqual(["fail", "high"]);
    expect(finding.controls.map((control) => control.id)).not.toContain(policy);
    expect(finding.controls.map((control) => control.id)).toEqual(
      expect.arrayContaining([CONTROLS.cisAksEntraRbac.id, CONTROLS.guideManagedEntra.id]),
    );
  });

  it("managed integration: passes against the policy's control", () => {
    const finding = only(
      "entra-integration-missing",
      wireCluster({ aadProfile: { managed: true, adminGroupObjectIDs: ["g"], tenantID: "tenant-1" } }),
    );
    expect(finding.status).toBe("pass");
    expect(finding.controls.map((control) => control.id)).toContain(policy);
  });

  // HCL: a block written on one line may hold at most one argument (github.com/hashicorp/hcl,
  // hclsyntax/spec.md "OneLineBlock"), so the suggested block is written over several lines.
  it("the Terraform snippet is valid HCL (a one-line block holds at most one argument)", () => {
    const finding = only("entra-integration-missing", wireCluster({}));
    const block = finding.remediation.terraform ?? "";
    for (const line of block.split("\n")) expect(line).not.toMatch(/\{[^}]*=.*,.*=.*\}/);
    expect(block).toContain("azure_rbac_enabled");
    expect(block).toContain("admin_group_object_ids");
  });
});

describe("control-plane identity rules and Azure Policy da6e2401 (servicePrincipalProfile.clientId notEquals msi)", () => {
  // Kubernetes/AKS_MSI_Audit.json flags a cluster only when servicePrincipalProfile exists and its clientId
  // is not "msi" (the placeholder managed-identity clusters carry). A cluster that reports neither a managed
  // identity nor a real service principal is not shown to use a service principal: never a failure.
  const SP = "11111111-2222-3333-4444-555555555555";
  const cases: [string, Record<string, unknown>, Record<string, unknown>, FindingStatus, FindingStatus][] = [
    // name, properties, top-level fields, not-managed-identity, not-user-assigned
    [
      "a service principal",
      { servicePrincipalProfile: { clientId: SP } },
      { identity: undefined },
      "fail",
      "fail",
    ],
    [
      "identity.type None with a service principal",
      { servicePrincipalProfile: { clientId: SP } },
      { identity: { type: "None" } },
      "fail",
      "fail",
    ],
    ["system-assigned (clientId msi)", { servicePrincipalProfile: { clientId: "msi" } }, {}, "pass", "fail"],
    [
      "user-assigned",
      { servicePrincipalProfile: { clientId: "msi" } },
      {
        identity: {
          type: "UserAssigned",
          userAssignedIdentities: {
            [`${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp`]: {
              principalId: "p",
              clientId: "c",
            },
          },
        },
      },
      "pass",
      "pass",
    ],
    [
      "no identity reported, servicePrincipalProfile msi",
      { servicePrincipalProfile: { clientId: "msi" } },
      { identity: undefined },
      "not-assessed",
      "not-assessed",
    ],
    [
      "no identity and no servicePrincipalProfile",
      {},
      { identity: undefined },
      "not-assessed",
      "not-assessed",
    ],
  ];
  it.each(cases)("%s → %s / %s", (_name, properties, top, managed, userAssigned) => {
    const cluster = wireCluster(properties, top);
    expect(only("control-plane-not-managed-identity", cluster).status).toBe(managed);
    expect(only("control-plane-identity-not-user-assigned", cluster).status).toBe(userAssigned);
  });
});

describe("remediation commands use the flags az defines", () => {
  // `az identity federated-credential create` defines --audiences (Azure/azure-cli
  // src/azure-cli/azure/cli/command_modules/identity/aaz/latest/identity/federated_credential/_create.py:
  // options=["--audiences"]); "--audience" only works through argparse's prefix matching.
  it("pod-identity-in-use and service-account-missing-federated-credential spell --audiences", () => {
    const model = new AccessModelBuilder({
      podIdentity: { enabled: true, identities: [], exceptions: [] },
    }).build();
    const identity = appIdentity();
    model.identities.push(identity);
    model.kubernetes[CLUSTER].serviceAccounts.push(
      workloadServiceAccount(CLUSTER, "app", "app-sa", identity.clientId),
    );
    for (const ruleId of ["pod-identity-in-use", "service-account-missing-federated-credential"]) {
      const failing = findingsOf(ruleId, model).filter((finding) => finding.status === "fail");
      expect(failing.length, ruleId).toBeGreaterThan(0);
      for (const finding of failing) {
        expect(finding.remediation.azCli).toContain("--audiences api://AzureADTokenExchange");
        expect(finding.remediation.azCli).not.toMatch(/--audience\s/);
      }
    }
  });

  // The pod identity flags are not in the core CLI's `aks update` (acs/_params.py) but in the aks-preview
  // extension (Azure/azure-cli-extensions src/aks-preview/azext_aks_preview/_params.py: disable_pod_identity);
  // learn.microsoft.com/azure/aks/use-azure-ad-pod-identity installs it first.
  it("pod-identity-in-use installs the aks-preview extension before --disable-pod-identity", () => {
    const model = new AccessModelBuilder({
      podIdentity: { enabled: true, identities: [], exceptions: [] },
    }).build();
    const [finding] = findingsOf("pod-identity-in-use", model);
    const lines = (finding.remediation.azCli ?? "").split("\n");
    const extension = lines.findIndex((line) => line.startsWith("az extension add --name aks-preview"));
    const disable = lines.findIndex((line) => line.includes("--disable-pod-identity"));
    expect(extension).toBeGreaterThanOrEqual(0);
    expect(extension).toBeLessThan(disable);
  });

  // Every flag an `az aks update` / `az aks create` line quotes is one the core CLI defines for that command
  // (Azure/azure-cli src/azure-cli/azure/cli/command_modules/acs/_params.py, argument contexts 'aks update'
  // and 'aks create', plus the common --resource-group/--name); --disable-pod-identity is aks-preview's.
  const AKS_UPDATE = new Set([
    "--resource-group",
    "--name",
    "--disable-local-accounts",
    "--enable-local-accounts",
    "--enable-aad",
    "--enable-azure-rbac",
    "--disable-azure-rbac",
    "--aad-admin-group-object-ids",
    "--aad-tenant-id",
    "--enable-oidc-issuer",
    "--enable-workload-identity",
    "--disable-workload-identity",
    "--enable-managed-identity",
    "--assign-identity",
    "--disable-run-command",
    "--enable-run-command",
    "--disable-pod-identity",
  ]);
  const AKS_CREATE = new Set([
    "--resource-group",
    "--name",
    "--enable-aad",
    "--enable-azure-rbac",
    "--aad-admin-group-object-ids",
    "--disable-local-accounts",
    "--disable-run-command",
    "--enable-oidc-issuer",
    "--enable-workload-identity",
  ]);

  it("no rule quotes an az aks flag the CLI does not define", () => {
    // A cluster where every configuration rule fails, so every remediation is produced.
    const model = new AccessModelBuilder({
      entra: { mode: "none", azureRbac: false, adminGroupIds: [], tenantId: null },
      kubernetesRbac: false,
      localAccountsDisabled: false,
      runCommandDisabled: false,
      workloadIdentityEnabled: false,
      oidcIssuer: { enabled: false, issuerUrl: null },
      podIdentity: { enabled: true, identities: [], exceptions: [] },
      controlPlaneIdentity: { type: "ServicePrincipal", principalId: null, clientId: "sp", resourceId: null },
    })
      .principal("penny")
      .assign(ROLE.contributor, "penny", RG)
      .build();
    const lines = evaluateFindings(model)
      .flatMap((finding) => (finding.remediation.azCli ?? "").split("\n"))
      .filter((line) => /^az aks (update|create) /.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const known = line.startsWith("az aks update") ? AKS_UPDATE : AKS_CREATE;
      const flags = (line.split("#")[0].match(/--[a-z][a-z-]*/g) ?? []).filter((flag) => !known.has(flag));
      expect(flags, line).toEqual([]);
    }
  });
});

describe("control references", () => {
  // Titles of the built-in definitions, verbatim (properties.displayName in github.com/Azure/azure-policy).
  it.each([
    [
      CONTROLS.policyLocalAuthDisabled,
      "Azure Kubernetes Service Clusters should have local authentication methods disabled",
    ],
    [
      CONTROLS.policyEntraIntegration,
      "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration",
    ],
    [CONTROLS.policyManagedIdentity, "Azure Kubernetes Service Clusters should use managed identities"],
    [CONTROLS.policyWorkloadIdentity, "Azure Kubernetes Service Clusters should enable workload identity"],
    [CONTROLS.policyKubernetesRbac, "Role-Based Access Control (RBAC) should be used on Kubernetes Services"],
    [CONTROLS.policyCommandInvoke, "Azure Kubernetes Service Clusters should disable Command Invoke"],
    [
      CONTROLS.policyClusterAdminRole,
      "Kubernetes clusters should ensure that the cluster-admin role is only used where required",
    ],
    [CONTROLS.policyWildcards, "Kubernetes clusters should minimize wildcard use in role and cluster role"],
  ])("Azure Policy %o", (control, title) => {
    expect(control.title).toBe(title);
  });

  // CIS AKS numbers and titles as kubescape's cis-aks-t1.8.0 framework lists them
  // (github.com/kubescape/regolibrary frameworks/cis-aks-t1.8.0.json).
  it.each([
    [CONTROLS.cisAksClusterAdmin, "4.1.1", "Ensure that the cluster-admin role is only used where required"],
    [CONTROLS.cisAksSecrets, "4.1.2", "Minimize access to secrets"],
    [CONTROLS.cisAksWildcards, "4.1.3", "Minimize wildcard use in Roles and ClusterRoles"],
    [
      CONTROLS.cisAksAcrReadOnly,
      "5.1.2",
      "Minimize cluster access to read-only for Azure Container Registry (ACR)",
    ],
    [CONTROLS.cisAksEntraRbac, "5.5.1", "Manage Kubernetes RBAC users with Azure AD"],
  ])("CIS AKS %o", (control, id, title) => {
    expect([control.id, control.title]).toEqual([id, title]);
  });
});

describe("subtle behaviour, pinned", () => {
  // A federated credential trusts the cluster's OIDC issuer whether or not the workload identity webhook is
  // on: the webhook only injects the projected token and environment (learn.microsoft.com/azure/aks/
  // workload-identity-overview, "mutating admission webhook"); any pod can request a service account token
  // with audience api://AzureADTokenExchange itself (kubernetes.io/docs/tasks/configure-pod-container/
  // configure-service-account/#serviceaccount-token-volume-projection). So the identity stays usable from pods.
  it("workload-identity-privileged still fails with the workload identity add-on off but the issuer on", () => {
    const issuer = "https://westeurope.oic.prod-aks.azure.com/tenant-1/aks-1/";
    const model = new AccessModelBuilder({
      workloadIdentityEnabled: false,
      oidcIssuer: { enabled: true, issuerUrl: issuer },
    })
      .assign(ROLE.contributor, "app-principal", RG, { principalType: "ServicePrincipal" })
      .build();
    const identity = appIdentity();
    model.identities.push(identity);
    model.federatedCredentials.push(
      federatedCredential(identity.id, "fic", issuer, "system:serviceaccount:app:app-sa"),
    );
    const statuses = findingsOf("workload-identity-privileged", model).map((finding) => finding.status);
    expect(statuses).toEqual(["fail"]);
  });
});
