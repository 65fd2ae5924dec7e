import type { ControlRef } from "@/lib/findings/types";

// Control references used by the rules. Azure Policy ids are built-in policy definition GUIDs; CIS
// numbers follow the CIS AKS benchmark (as in kubescape's cis-aks frameworks) and the CIS Kubernetes
// benchmark; `aks-identity-guide` ids are ours, one per recommendation of the reference article
// (documented in docs/findings.md).

export const CONTROLS = {
  policyLocalAuthDisabled: {
    framework: "azure-policy",
    id: "993c2fcd-2b29-49d2-9eb0-df2c3a730c32",
    title: "Azure Kubernetes Service Clusters should have local authentication methods disabled",
  },
  policyEntraIntegration: {
    framework: "azure-policy",
    id: "450d2877-ebea-41e8-b00c-e286317d21bf",
    title: "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration",
  },
  policyManagedIdentity: {
    framework: "azure-policy",
    id: "da6e2401-19da-4532-9141-fb8fbde08431",
    title: "Azure Kubernetes Service Clusters should use managed identities",
  },
  policyWorkloadIdentity: {
    framework: "azure-policy",
    id: "2cc2e023-0dac-4046-875b-178f683929d5",
    title: "Azure Kubernetes Service Clusters should enable workload identity",
  },
  policyKubernetesRbac: {
    framework: "azure-policy",
    id: "ac4a19c2-fa67-49b4-8ae5-0b2e78c49457",
    title: "Role-Based Access Control (RBAC) should be used on Kubernetes Services",
  },
  policyCommandInvoke: {
    framework: "azure-policy",
    id: "89f2d532-c53c-4f8f-9afa-4927b1114a0d",
    title: "Azure Kubernetes Service Clusters should disable Command Invoke",
  },
  policyClusterAdminRole: {
    framework: "azure-policy",
    id: "a3dc4946-dba6-43e6-950d-f96532848c9f",
    title: "Kubernetes clusters should ensure that the cluster-admin role is only used where required",
  },
  policyWildcards: {
    framework: "azure-policy",
    id: "ca8d5704-aa2b-40cf-b110-dc19052825ad",
    title: "Kubernetes clusters should minimize wildcard use in role and cluster role",
  },
  cisAksClusterAdmin: {
    framework: "cis-aks",
    id: "4.1.1",
    title: "Ensure that the cluster-admin role is only used where required",
  },
  cisAksSecrets: { framework: "cis-aks", id: "4.1.2", title: "Minimize access to secrets" },
  cisAksWildcards: {
    framework: "cis-aks",
    id: "4.1.3",
    title: "Minimize wildcard use in Roles and ClusterRoles",
  },
  // kubescape/regolibrary frameworks/cis-aks-t1.8.0.json: "CIS-5.1.2 Minimize cluster access to read-only for
  // Azure Container Registry (ACR)" (5.1.3 is "Minimize user access to ...").
  cisAksAcrReadOnly: {
    framework: "cis-aks",
    id: "5.1.2",
    title: "Minimize cluster access to read-only for Azure Container Registry (ACR)",
  },
  cisAksEntraRbac: { framework: "cis-aks", id: "5.5.1", title: "Manage Kubernetes RBAC users with Azure AD" },
  cisK8sClusterAdmin: {
    framework: "cis-k8s",
    id: "5.1.1",
    title: "Ensure that the cluster-admin role is only used where required",
  },
  cisK8sSecrets: { framework: "cis-k8s", id: "5.1.2", title: "Minimize access to secrets" },
  cisK8sWildcards: {
    framework: "cis-k8s",
    id: "5.1.3",
    title: "Minimize wildcard use in Roles and ClusterRoles",
  },
  guideManagedEntra: {
    framework: "aks-identity-guide",
    id: "AIG-CP-1",
    title: "Use managed Entra ID integration for authentication",
  },
  guideDisableLocalAccounts: {
    framework: "aks-identity-guide",
    id: "AIG-CP-2",
    title: "Disable local accounts to avoid uncontrolled privilege escalation",
  },
  guideClusterUserPlusRbac: {
    framework: "aks-identity-guide",
    id: "AIG-CP-3",
    title: "Grant the AKS Cluster User role and use Kubernetes RBAC for granular access",
  },
  guideUserAssignedControlPlane: {
    framework: "aks-identity-guide",
    id: "AIG-CP-4",
    title: "Use a user-assigned managed identity for the control plane",
  },
  guideNodeIdentities: {
    framework: "aks-identity-guide",
    id: "AIG-WP-1",
    title: "Know the kubelet and add-on identities, keep them least-privileged, alert on their use",
  },
  guideWorkloadIdentity: {
    framework: "aks-identity-guide",
    id: "AIG-WL-1",
    title: "Adopt workload identity for workloads that call Azure",
  },
  guideLeavePodIdentity: {
    framework: "aks-identity-guide",
    id: "AIG-WL-2",
    title: "Move workloads off AAD Pod Identity (deprecated) to workload identity",
  },
  guideJustInTime: {
    framework: "aks-identity-guide",
    id: "AIG-CP-5",
    title: "Give administrators just-in-time cluster access (PIM) instead of standing access",
  },
  // CIS Microsoft Azure Foundations Benchmark v5.0.0, section 5.3 (periodic identity reviews): privileged
  // role assignments, whose review PIM's eligible assignments and access reviews serve.
  // https://hub.guardrails.turbot.com/mods/azure/controls/azure-cisv5-0/r050304
  cisAzurePimPrivileged: {
    framework: "cis-azure",
    id: "5.3.4",
    title: "Ensure that all 'privileged' role assignments are periodically reviewed",
  },
  // Microsoft's PIM guidance (learn.microsoft.com/entra/id-governance/privileged-identity-management/).
  pimAzureResources: {
    framework: "microsoft-pim",
    id: "pim-azure-resources",
    title:
      "Assign Azure resource roles as eligible, activated just in time (https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-assign-roles)",
  },
  pimDirectoryRoles: {
    framework: "microsoft-pim",
    id: "pim-deployment-plan",
    title:
      "Keep Global Administrator, Privileged Role Administrator and other privileged directory roles eligible and few (https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan)",
  },
  pimGroups: {
    framework: "microsoft-pim",
    id: "pim-for-groups",
    title:
      "Govern privileged groups' membership and ownership with PIM for Groups (https://learn.microsoft.com/entra/id-governance/privileged-identity-management/concept-pim-for-groups)",
  },
  pimApproval: {
    framework: "microsoft-pim",
    id: "pim-require-approval",
    title:
      "Require approval to activate privileged roles (https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings)",
  },
} as const satisfies Record<string, ControlRef>;
