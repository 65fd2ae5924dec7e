import { describe, expect, it } from "vitest";
import { federatedCredentialSchema } from "@/lib/model/azure";
import {
  clusterFromWire,
  federatedCredentialFromWire,
  managedIdentityFromWire,
  roleAssignmentFromWire,
  roleDefinitionFromWire,
} from "@/lib/model/wire-azure";

const SUB = "11111111-1111-1111-1111-111111111111";
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/RG-Prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

const wireCluster = {
  id: CLUSTER_ID,
  name: "aks-prod",
  type: "Microsoft.ContainerService/managedClusters",
  location: "eastus",
  identity: {
    type: "UserAssigned",
    userAssignedIdentities: {
      [`/subscriptions/${SUB}/resourceGroups/RG-Prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai`]:
        {
          clientId: "CLIENT-1",
          principalId: "PRINCIPAL-1",
        },
    },
  },
  properties: {
    kubernetesVersion: "1.31",
    currentKubernetesVersion: "1.31.2",
    fqdn: "aks-prod.hcp.eastus.azmk8s.io",
    nodeResourceGroup: "MC_rg-prod_aks-prod_eastus",
    enableRBAC: true,
    disableLocalAccounts: false,
    aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ["GROUP-A"], tenantID: "T" },
    identityProfile: {
      kubeletidentity: { resourceId: "/subscriptions/x/RG/kubelet", clientId: "K", objectId: "O" },
    },
    oidcIssuerProfile: { enabled: true, issuerURL: "https://oidc.example/t/i/" },
    securityProfile: { workloadIdentity: { enabled: true } },
    apiServerAccessProfile: {
      disableRunCommand: true,
      enablePrivateCluster: true,
      authorizedIPRanges: ["1.2.3.0/24"],
    },
    addonProfiles: {
      azureKeyvaultSecretsProvider: {
        enabled: true,
        identity: { resourceId: "/X/KV", clientId: "C", objectId: "O2" },
      },
      omsAgent: { enabled: false, config: null },
    },
    podIdentityProfile: {
      enabled: true,
      userAssignedIdentities: [
        { name: "pi", namespace: "app", bindingSelector: "sel", identity: { clientId: "c" } },
      ],
      userAssignedIdentityExceptions: [{ name: "ex", namespace: "kube-system", podLabels: { app: "x" } }],
    },
  },
};

describe("clusterFromWire", () => {
  it("normalizes the wire shape", () => {
    const cluster = clusterFromWire(wireCluster);
    expect(cluster.id).toBe(CLUSTER_ID.toLowerCase());
    expect(cluster).toMatchObject({
      name: "aks-prod",
      subscriptionId: SUB,
      resourceGroup: "rg-prod",
      kubernetesVersion: "1.31.2",
      nodeResourceGroup: "mc_rg-prod_aks-prod_eastus",
      entra: { mode: "managed", azureRbac: true, adminGroupIds: ["group-a"], tenantId: "t" },
      kubernetesRbac: true,
      localAccountsDisabled: false,
      runCommandDisabled: true,
      privateCluster: true,
      authorizedIpRanges: ["1.2.3.0/24"],
      controlPlaneIdentity: { type: "UserAssigned", clientId: "client-1", principalId: "principal-1" },
      kubeletIdentity: { resourceId: "/subscriptions/x/rg/kubelet", clientId: "k", objectId: "o" },
      oidcIssuer: { enabled: true, issuerUrl: "https://oidc.example/t/i/" },
      workloadIdentityEnabled: true,
    });
    expect(cluster.addons.map((addon) => [addon.name, addon.enabled])).toEqual([
      ["azurekeyvaultsecretsprovider", true],
      ["omsagent", false],
    ]);
    expect(cluster.podIdentity.identities[0]).toMatchObject({ name: "pi", bindingSelector: "sel" });
    expect(cluster.podIdentity.exceptions[0].podLabels).toEqual({ app: "x" });
  });

  it("reads the CLI's flattened casing too", () => {
    const cluster = clusterFromWire({
      id: CLUSTER_ID,
      name: "aks-prod",
      aadProfile: { managed: true, enableAzureRbac: false, tenantId: "T" },
      disableLocalAccounts: true,
      enableRbac: false,
      oidcIssuerProfile: { enabled: true, issuerUrl: "https://i/" },
      servicePrincipalProfile: { clientId: "SP-APP" },
    });
    expect(cluster).toMatchObject({
      entra: { mode: "managed", azureRbac: false, tenantId: "t" },
      localAccountsDisabled: true,
      kubernetesRbac: false,
      oidcIssuer: { issuerUrl: "https://i/" },
      controlPlaneIdentity: { type: "ServicePrincipal", clientId: "sp-app" },
    });
  });

  it.each([
    [{}, "none", false],
    [{ aadProfile: { serverAppID: "s", clientAppID: "c", tenantID: "t" } }, "legacy", false],
    [{ aadProfile: { managed: false, enableAzureRBAC: true } }, "legacy", false],
    [{ aadProfile: { managed: true } }, "managed", false],
  ])("Entra mode of %j is %s", (properties, mode, azureRbac) => {
    const cluster = clusterFromWire({ id: CLUSTER_ID, properties });
    expect(cluster.entra.mode).toBe(mode);
    expect(cluster.entra.azureRbac).toBe(azureRbac);
  });

  it("treats msi service principals and missing identities as None, system-assigned as such", () => {
    expect(
      clusterFromWire({ id: CLUSTER_ID, properties: { servicePrincipalProfile: { clientId: "msi" } } })
        .controlPlaneIdentity.type,
    ).toBe("None");
    expect(
      clusterFromWire({ id: CLUSTER_ID, identity: { type: "SystemAssigned", principalId: "P" } })
        .controlPlaneIdentity,
    ).toEqual({ type: "SystemAssigned", principalId: "p", clientId: null, resourceId: null });
  });

  it("rejects an object without a resource id", () => {
    expect(() => clusterFromWire({ name: "x" })).toThrow(/id/);
    expect(() => clusterFromWire({ id: "/subscriptions/x" })).toThrow(/resource id/);
  });
});

describe("role definitions and assignments", () => {
  it("joins assignments on the lower-cased GUID and lower-cases the scope", () => {
    const assignment = roleAssignmentFromWire({
      id: `/subscriptions/${SUB}/resourceGroups/RG/providers/Microsoft.Authorization/roleAssignments/A1`,
      properties: {
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/B24988AC-6180-42A0-AB88-20F7382DD24C`,
        principalId: "AAAA",
        principalType: "User",
        scope: `/subscriptions/${SUB}/resourceGroups/RG/`,
      },
    });
    expect(assignment).toEqual({
      id: `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.authorization/roleassignments/a1`,
      scope: `/subscriptions/${SUB}/resourcegroups/rg`,
      roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c",
      principalId: "aaaa",
      principalType: "User",
      condition: null,
    });
  });

  it("derives the scope from the id when it is missing, keeps conditions, maps odd principal types", () => {
    const assignment = roleAssignmentFromWire({
      id: "/providers/Microsoft.Management/managementGroups/MG/providers/Microsoft.Authorization/roleAssignments/x",
      roleDefinitionId: "guid-1",
      principalId: "p",
      principalType: "Robot",
      condition: "@Resource[x] StringEquals 'y'",
    });
    expect(assignment.scope).toBe("/providers/microsoft.management/managementgroups/mg");
    expect(assignment.principalType).toBe("Unknown");
    expect(assignment.condition).toContain("StringEquals");
  });

  it("gives built-in roles their tenant-level id and keeps custom role ids", () => {
    const builtIn = roleDefinitionFromWire({
      id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ACDD72A7-3385-48EF-BD42-F606FBA81AE7`,
      name: "ACDD72A7-3385-48EF-BD42-F606FBA81AE7",
      properties: {
        roleName: "Reader",
        type: "BuiltInRole",
        permissions: [{ actions: ["*/read"] }],
        assignableScopes: ["/"],
      },
    });
    expect(builtIn.id).toBe(
      "/providers/microsoft.authorization/roledefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
    );
    expect(builtIn.permissions).toEqual([
      { actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [] },
    ]);
    const custom = roleDefinitionFromWire({
      id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/C1`,
      name: "C1",
      roleName: "Custom",
      roleType: "CustomRole",
      assignableScopes: [`/subscriptions/${SUB}`],
    });
    expect(custom).toMatchObject({
      id: `/subscriptions/${SUB}/providers/microsoft.authorization/roledefinitions/c1`,
      type: "CustomRole",
    });
  });
});

describe("identities and federated credentials", () => {
  it("flattens properties and derives the owning identity of a credential", () => {
    const identityId = `/subscriptions/${SUB}/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai`;
    expect(
      managedIdentityFromWire({
        id: identityId,
        name: "uai",
        properties: { clientId: "C", principalId: "P", tenantId: "T" },
      }),
    ).toMatchObject({
      id: identityId.toLowerCase(),
      resourceGroup: "rg",
      subscriptionId: SUB,
      clientId: "c",
      principalId: "p",
    });
    const credential = federatedCredentialFromWire({
      id: `${identityId}/federatedIdentityCredentials/fic`,
      name: "fic",
      properties: {
        issuer: "https://Issuer/",
        subject: "system:serviceaccount:app:sa",
        audiences: ["api://AzureADTokenExchange"],
      },
    });
    expect(credential).toMatchObject({
      identityId: identityId.toLowerCase(),
      issuer: "https://Issuer/",
      subject: "system:serviceaccount:app:sa",
      claimsMatchingExpression: null,
    });
  });

  it("reads a flexible federated credential's claimsMatchingExpression", () => {
    // Wire shape of Microsoft.ManagedIdentity 2025-01-31-preview (azure-rest-api-specs,
    // specification/msi/resource-manager/Microsoft.ManagedIdentity/ManagedIdentity/preview/
    // 2025-01-31-preview/examples/FlexibleFederatedIdentityCredentialGet.json): no subject.
    const identityId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai`;
    const credential = federatedCredentialFromWire({
      id: `${identityId}/federatedIdentityCredentials/flexible`,
      name: "flexible",
      type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
      properties: {
        issuer: "https://oidc.prod-aks.azure.com/tenant/issuer",
        audiences: ["api://AzureADTokenExchange"],
        claimsMatchingExpression: {
          languageVersion: 1,
          value: "claims['sub'] matches 'system:serviceaccount:ci:*'",
        },
      },
    });
    expect(credential.subject).toBe("");
    expect(credential.claimsMatchingExpression).toEqual({
      value: "claims['sub'] matches 'system:serviceaccount:ci:*'",
      languageVersion: 1,
    });
    expect(federatedCredentialSchema.parse(credential)).toEqual(credential);
    // Stored before the field existed: parses with the default.
    const { claimsMatchingExpression: _dropped, ...legacy } = credential;
    expect(federatedCredentialSchema.parse(legacy).claimsMatchingExpression).toBeNull();
    // An expression without a value is no expression.
    expect(
      federatedCredentialFromWire({
        id: `${identityId}/federatedIdentityCredentials/x`,
        properties: { issuer: "i", claimsMatchingExpression: { languageVersion: 1 } },
      }).claimsMatchingExpression,
    ).toBeNull();
  });
});
