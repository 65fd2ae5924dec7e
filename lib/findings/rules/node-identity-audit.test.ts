import { describe, expect, it } from "vitest";
import { AccessModelBuilder, RG, ROLE } from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { FindingStatus } from "@/lib/findings/types";

// kubelet-identity-overprivileged cites CIS AKS 5.1.2 "Minimize cluster access to read-only for Azure Container
// Registry (ACR)": "The Cluster Service Account does not require administrative access to Azure ACR, only
// requiring pull access to containers" (kubescape/regolibrary controls C-0250, whose rule
// ensure-service-principle-has-read-only-permissions fails any action not ending in "read"). The kubelet
// identity is the one that pulls images (learn.microsoft.com/azure/aks/cluster-container-registry-integration:
// "--attach-acr" grants it AcrPull), and every pod that reaches the node's IMDS can use it, so a push or
// delete right on a registry lets any pod replace the images the clusters run — even on that one registry.

const REGISTRY = `${RG}/providers/microsoft.containerregistry/registries/acr`;
const kubelet = FINDING_RULES.find((rule) => rule.id === "kubelet-identity-overprivileged");

function kubeletStatus(roleGuid: string, scope: string): { status: FindingStatus; summary: string } {
  if (!kubelet) throw new Error("rule missing");
  const model = new AccessModelBuilder()
    .assign(roleGuid, "kubelet-object", scope, { principalType: "ServicePrincipal" })
    .build();
  const [finding] = evaluateFindings(model, undefined, { rules: [kubelet] });
  return { status: finding.status, summary: finding.evidence.summary };
}

describe("kubelet-identity-overprivileged and CIS AKS 5.1.2 (read-only registry access)", () => {
  it.each([
    ["AcrPull on the registry", ROLE.acrPull, REGISTRY, "pass"],
    ["AcrPush on the registry", ROLE.acrPush, REGISTRY, "fail"],
    ["AcrPush on the resource group", ROLE.acrPush, RG, "fail"],
    ["Reader on the resource group", ROLE.reader, RG, "pass"],
    [
      "Network Contributor on one virtual network",
      ROLE.networkContributor,
      `${RG}/providers/microsoft.network/virtualnetworks/vnet`,
      "pass",
    ],
  ])("%s → %s", (_name, role, scope, expected) => {
    expect(kubeletStatus(role, scope).status).toBe(expected);
  });

  it("names the registry write it found", () => {
    expect(kubeletStatus(ROLE.acrPush, REGISTRY).summary).toMatch(
      /AcrPush grants "Microsoft\.ContainerRegistry\/registries\/push\/write" \(CIS AKS 5\.1\.2: registry access should be read-only\)/,
    );
  });
});

// A role's Actions say nothing of its DataActions, which read or change the data itself
// (learn.microsoft.com/azure/role-based-access-control/role-definitions, "DataActions"): Key Vault Secrets User
// (data action Microsoft.KeyVault/vaults/secrets/getSecret/action) on a whole resource group lets any pod that
// reaches the node's IMDS read every secret of every vault in it. It passed before: its Actions are empty.
describe("kubelet-identity-overprivileged and data actions", () => {
  const VAULT = `${RG}/providers/microsoft.keyvault/vaults/kv`;
  it.each([
    ["Key Vault Secrets User on the resource group", ROLE.keyVaultSecretsUser, RG, "fail"],
    ["Key Vault Secrets User on one vault", ROLE.keyVaultSecretsUser, VAULT, "pass"],
  ])("%s → %s", (_name, role, scope, expected) => {
    expect(kubeletStatus(role, scope).status).toBe(expected);
  });

  it("names the data action it found", () => {
    expect(kubeletStatus(ROLE.keyVaultSecretsUser, RG).summary).toMatch(
      /Key Vault Secrets User grants data actions \("Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action"\) on a whole resource group/,
    );
  });
});
