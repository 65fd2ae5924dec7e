import { armError } from "@/lib/emulator/arm/common";
import { type EmulatorResponse, queryValue } from "@/lib/emulator/http-kit";

// ARM refuses a request without `api-version`, and one whose api-version the resource type does not
// support, before any resource provider sees it:
//   400 {"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter (?api-version=) is required for all requests."}}
//   400 {"error":{"code":"InvalidApiVersionParameter","message":"The api-version '2021-03-01' is invalid. The supported versions are '2024-08-01,2024-06-01-preview,…'."}}
// (messages as ARM returns them: MicrosoftDocs/feedback#2279, ansible-collections/azure#1739,
// Azure/azure-cli#28038). Provider-backed types answer an unknown version with
// NoRegisteredProviderFound in Azure (Azure/azure-cli#28368); the emulator uses ARM's own code for
// every type (docs/emulator.md, known differences).
//
// The table holds each emulated type's versions, newest first, and must include every version the
// SDKs the scanner uses send (the SDK tests against the emulator fail otherwise):
// @azure/arm-containerservice 25.5.0 → 2026-06-01; @azure/arm-msi 2.2.0 → 2024-11-30 (the scanner
// reads federated credentials at 2025-01-31-preview); @azure/arm-authorization 9.0.0 → 2022-04-01;
// @azure/arm-resources-subscriptions 3.0.0 → 2022-12-01; @azure/arm-resourcegraph 5.0.0 →
// 2024-04-01; management groups (read on the SDK pipeline) → 2021-04-01.

/** ARM's own resource types (subscriptions, tenants, resource groups, resources): one shared list. */
const ARM_VERSIONS = [
  "2025-04-01",
  "2025-03-01",
  "2025-01-01",
  "2024-11-01",
  "2024-08-01",
  "2024-07-01",
  "2024-06-01-preview",
  "2024-03-01",
  "2023-07-01",
  "2023-07-01-preview",
  "2023-03-01-preview",
  "2022-12-01",
  "2022-11-01-preview",
  "2022-09-01",
  "2022-06-01",
  "2022-05-01",
  "2022-03-01-preview",
  "2022-01-01",
  "2021-04-01",
  "2021-01-01",
  "2020-10-01",
  "2020-09-01",
  "2020-08-01",
  "2020-07-01",
  "2020-06-01",
  "2020-05-01",
  "2020-01-01",
  "2019-11-01",
  "2019-10-01",
  "2019-09-01",
  "2019-08-01",
  "2019-07-01",
  "2019-06-01",
  "2019-05-10",
  "2019-05-01",
  "2019-03-01",
  "2018-11-01",
  "2018-09-01",
  "2018-08-01",
  "2018-07-01",
  "2018-06-01",
  "2018-05-01",
  "2018-02-01",
  "2018-01-01",
  "2017-12-01",
  "2017-08-01",
  "2017-06-01",
  "2017-05-10",
  "2017-05-01",
  "2017-03-01",
  "2016-09-01",
  "2016-07-01",
  "2016-06-01",
  "2016-02-01",
  "2015-11-01",
  "2015-01-01",
  "2014-04-01-preview",
  "2014-04-01",
  "2014-01-01",
];

/** Microsoft.ContainerService/managedClusters (azure-rest-api-specs, containerservice/…/aks/stable). */
const MANAGED_CLUSTER_VERSIONS = [
  "2026-06-01",
  "2025-10-01",
  "2025-09-01",
  "2025-08-01",
  "2025-07-01",
  "2025-06-01",
  "2025-05-01",
  "2025-04-01",
  "2025-03-01",
  "2025-02-01",
  "2025-01-01",
  "2024-10-01",
  "2024-09-01",
  "2024-08-01",
  "2024-07-01",
  "2024-05-01",
  "2024-02-01",
  "2024-01-01",
  "2023-11-01",
  "2023-10-01",
  "2023-09-01",
  "2023-08-01",
  "2023-07-01",
  "2023-06-01",
  "2023-05-01",
  "2023-04-01",
  "2023-03-01",
  "2023-02-01",
  "2023-01-01",
  "2022-11-01",
  "2022-09-01",
  "2022-08-01",
  "2022-07-01",
  "2022-06-01",
  "2022-04-01",
  "2022-03-01",
  "2022-02-01",
  "2022-01-01",
  "2021-10-01",
  "2021-09-01",
  "2021-08-01",
  "2021-07-01",
  "2021-05-01",
  "2021-03-01",
  "2021-02-01",
  "2020-12-01",
  "2020-11-01",
  "2020-09-01",
  "2020-07-01",
  "2020-06-01",
  "2020-04-01",
  "2020-03-01",
  "2020-02-01",
  "2020-01-01",
  "2019-11-01",
  "2019-10-01",
  "2019-08-01",
  "2019-06-01",
  "2019-04-01",
  "2019-02-01",
  "2018-03-31",
  "2017-08-31",
];

/**
 * Microsoft.ManagedIdentity (azure-rest-api-specs, specification/msi/resource-manager): federated
 * identity credentials exist from 2022-01-31-preview.
 */
const MANAGED_IDENTITY_VERSIONS = [
  "2026-05-31",
  "2025-05-31-preview",
  "2025-01-31-preview",
  "2024-11-30",
  "2023-07-31-preview",
  "2023-01-31",
  "2022-01-31-preview",
  "2021-09-30-preview",
  "2018-11-30",
  "2015-08-31-preview",
];
const FEDERATED_CREDENTIAL_VERSIONS = MANAGED_IDENTITY_VERSIONS.slice(
  0,
  MANAGED_IDENTITY_VERSIONS.indexOf("2022-01-31-preview") + 1,
);

/**
 * The api-versions at which Microsoft.ManagedIdentity returns `properties.claimsMatchingExpression`
 * (flexible federated identity credentials; examples FederatedIdentityCredentialList.json of
 * 2025-01-31-preview, 2025-05-31-preview and 2026-05-31). Older versions omit it.
 */
export const CLAIMS_MATCHING_EXPRESSION_VERSIONS: ReadonlySet<string> = new Set([
  "2025-01-31-preview",
  "2025-05-31-preview",
  "2026-05-31",
]);

const ROLE_ASSIGNMENT_VERSIONS = [
  "2022-04-01",
  "2022-01-01-preview",
  "2021-04-01-preview",
  "2020-10-01-preview",
  "2020-08-01-preview",
  "2020-04-01-preview",
  "2020-03-01-preview",
  "2018-09-01-preview",
  "2018-01-01-preview",
  "2017-10-01-preview",
  "2015-07-01",
];
const ROLE_DEFINITION_VERSIONS = [
  "2022-05-01-preview",
  "2022-04-01",
  "2018-01-01-preview",
  "2017-05-01",
  "2015-07-01",
];
const MANAGEMENT_GROUP_VERSIONS = [
  "2023-04-01",
  "2021-04-01",
  "2020-10-01",
  "2020-05-01",
  "2020-02-01",
  "2019-11-01",
  "2018-03-01-preview",
  "2018-01-01-preview",
  "2017-11-01-preview",
  "2017-08-31-preview",
];

/**
 * PIM for Azure resources (azure-rest-api-specs Microsoft.Authorization stable/2020-10-01 and the
 * RoleManagement previews); @azure/arm-authorization 9.0.0 sends 2020-10-01.
 */
const ROLE_MANAGEMENT_VERSIONS = [
  "2024-09-01-preview",
  "2024-02-01-preview",
  "2022-04-01-preview",
  "2020-10-01",
  "2020-10-01-preview",
];
/** Deny assignments (authorization-DenyAssignmentCalls.json); @azure/arm-authorization 9.0.0 sends 2022-04-01. */
const DENY_ASSIGNMENT_VERSIONS = ["2024-07-01-preview", "2022-04-01", "2018-07-01-preview", "2015-07-01"];

/** Lower-cased resource type → supported versions, newest first. */
const SUPPORTED: Record<string, readonly string[]> = {
  subscriptions: ARM_VERSIONS,
  tenants: ARM_VERSIONS,
  resourcegroups: ARM_VERSIONS,
  resources: ARM_VERSIONS,
  "microsoft.containerservice/managedclusters": MANAGED_CLUSTER_VERSIONS,
  "microsoft.managedidentity/userassignedidentities": MANAGED_IDENTITY_VERSIONS,
  "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials":
    FEDERATED_CREDENTIAL_VERSIONS,
  "microsoft.authorization/roleassignments": ROLE_ASSIGNMENT_VERSIONS,
  "microsoft.authorization/roledefinitions": ROLE_DEFINITION_VERSIONS,
  "microsoft.authorization/roleeligibilityscheduleinstances": ROLE_MANAGEMENT_VERSIONS,
  "microsoft.authorization/roleassignmentscheduleinstances": ROLE_MANAGEMENT_VERSIONS,
  "microsoft.authorization/rolemanagementpolicies": ROLE_MANAGEMENT_VERSIONS,
  "microsoft.authorization/rolemanagementpolicyassignments": ROLE_MANAGEMENT_VERSIONS,
  "microsoft.authorization/denyassignments": DENY_ASSIGNMENT_VERSIONS,
  "microsoft.management/managementgroups": MANAGEMENT_GROUP_VERSIONS,
};

/**
 * The resource type a request addresses: the types after the last `providers/<namespace>` (every
 * other segment: type, name, type, name — an action such as `listClusterUserCredential` after a
 * name belongs to that type), or ARM's own subscriptions / resourceGroups / resources / tenants.
 */
export function resourceTypeOf(lower: readonly string[]): string | undefined {
  const at = lower.lastIndexOf("providers");
  if (at >= 0 && lower[at + 1]) {
    const types: string[] = [];
    for (let index = at + 2; index < lower.length; index += 2) types.push(lower[index]);
    if (types.length === 0) return undefined;
    const full = `${lower[at + 1]}/${types.join("/")}`;
    // The last segment of an odd tail is either a child collection (`…/identity-1/
    // federatedIdentityCredentials`) or an action on the named resource (`…/aks-1/
    // listClusterUserCredential`), which takes the resource's versions.
    if (SUPPORTED[full] || types.length === 1 || (lower.length - (at + 2)) % 2 === 0) return full;
    return `${lower[at + 1]}/${types.slice(0, -1).join("/")}`;
  }
  if (lower[0] === "tenants") return "tenants";
  if (lower[0] !== "subscriptions") return undefined;
  if (lower.length <= 2) return "subscriptions";
  if (lower[2] === "resources") return "resources";
  if (lower[2] === "resourcegroups") return lower[4] === "resources" ? "resources" : "resourcegroups";
  return undefined;
}

export function supportedApiVersions(resourceType: string): readonly string[] | undefined {
  return SUPPORTED[resourceType];
}

/** A 400 in ARM's words when the api-version is missing or unsupported for the type; undefined when fine. */
export function checkApiVersion(
  query: URLSearchParams,
  lower: readonly string[],
): EmulatorResponse | undefined {
  const apiVersion = queryValue(query, "api-version");
  if (!apiVersion) {
    return armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const type = resourceTypeOf(lower);
  const supported = type ? SUPPORTED[type] : undefined;
  if (!supported || supported.includes(apiVersion)) return undefined;
  return armError(
    400,
    "InvalidApiVersionParameter",
    `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(",")}'.`,
  );
}
