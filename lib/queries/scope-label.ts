// A role assignment scope the way people say it ("resource group rsg-aks", "cluster aks-1,
// namespace web"), for lists where the full ARM id would drown the answer. The id stays available
// as a tooltip.

const SEGMENT_NAMES: Record<string, string> = {
  "microsoft.containerservice/managedclusters": "cluster",
  "microsoft.keyvault/vaults": "key vault",
  "microsoft.containerregistry/registries": "registry",
  "microsoft.managedidentity/userassignedidentities": "identity",
  "microsoft.compute/virtualmachinescalesets": "scale set",
  "microsoft.network/virtualnetworks": "virtual network",
  "microsoft.storage/storageaccounts": "storage account",
};

export function describeScope(scope: string): string {
  const id = scope.toLowerCase();
  if (id === "/" || id === "") return "the tenant root";
  const group = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(id);
  if (group) return `management group ${group[1]}`;
  const subscription = /^\/subscriptions\/([^/]+)$/.exec(id);
  if (subscription) return `subscription ${subscription[1]}`;
  const resourceGroup = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(id);
  if (resourceGroup) return `resource group ${resourceGroup[1]}`;
  const namespace =
    /\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)\/namespaces\/([^/]+)$/.exec(id);
  if (namespace) return `cluster ${namespace[1]}, namespace ${namespace[2]}`;
  const resource = /\/providers\/([^/]+\/[^/]+)\/([^/]+)$/.exec(id);
  if (resource) return `${SEGMENT_NAMES[resource[1]] ?? resource[1].split("/")[1]} ${resource[2]}`;
  return scope;
}
