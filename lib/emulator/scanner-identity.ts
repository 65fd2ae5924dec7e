import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { guidFromText } from "@/lib/emulator/ids";
import type { TenantPrincipal, WireRoleAssignment, WireRoleDefinition } from "@/lib/model/wire/azure";
import { type KubernetesObject, kubernetesObjectSchema } from "@/lib/model/wire/kubernetes";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

/**
 * Marker on every object the emulator adds for the scanner's own identity (service principal tag,
 * role description, role assignment description, Kubernetes label), so the product can recognise
 * its own scanner if it wants to.
 */
export const SCANNER_MARKER = "aks-identity-atlas:scanner";
export const SCANNER_DISPLAY_NAME = "aks-identity-atlas-scanner";
const OBJECT_ID_PLACEHOLDER = "<scanner-object-id>";

const defaultPermissionsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../docs/permissions",
);

/** The custom role as `az role definition create --role-definition @file.json` takes it. */
const cliRoleDefinitionSchema = z.object({
  Name: z.string().min(1),
  IsCustom: z.literal(true),
  Description: z.string(),
  Actions: z.array(z.string()),
  NotActions: z.array(z.string()).default([]),
  DataActions: z.array(z.string()).default([]),
  NotDataActions: z.array(z.string()).default([]),
  AssignableScopes: z.array(z.string()).min(1),
});

const graphPermissionsSchema = z.object({
  applicationPermissions: z.array(z.string()).min(1),
  leastPrivilegeAlternative: z.array(z.string()).optional(),
});

export type ScannerIdentity = {
  objectId: string;
  appId: string;
  displayName: string;
  principal: TenantPrincipal;
  roleDefinition: WireRoleDefinition;
  roleAssignments: WireRoleAssignment[];
  graphPermissions: string[];
  /** The ClusterRole and its binding to the scanner, for clusters without Azure RBAC. */
  kubernetesObjects: KubernetesObject[];
};

export type ScannerIdentityOptions = {
  permissionsDir?: string;
  /** Override the Graph application permissions granted (e.g. the least-privilege alternative). */
  graphPermissions?: string[];
};

/**
 * Provisions the scanner exactly as docs/permissions tells an administrator to: a service principal,
 * the custom role assigned at the tenant root management group (or each subscription when the file
 * has no management groups), the Graph application permissions, and the Kubernetes ClusterRole.
 * Reading the real files keeps the documentation honest: if the scanner needs more than we tell
 * users to grant, the emulator's integration tests fail.
 */
export async function loadScannerIdentity(
  tenant: TenantFile,
  options: ScannerIdentityOptions = {},
): Promise<ScannerIdentity> {
  const directory = options.permissionsDir ?? defaultPermissionsDir;
  const [roleText, clusterRoleText, graphText] = await Promise.all([
    readFile(path.join(directory, "azure-custom-role.json"), "utf8"),
    readFile(path.join(directory, "kubernetes-clusterrole.yaml"), "utf8"),
    readFile(path.join(directory, "microsoft-graph-permissions.json"), "utf8"),
  ]);
  const role = cliRoleDefinitionSchema.parse(JSON.parse(roleText));
  const graph = graphPermissionsSchema.parse(JSON.parse(graphText));

  const objectId = guidFromText(`${tenant.tenantId}:${SCANNER_DISPLAY_NAME}:object`);
  const appId = guidFromText(`${tenant.tenantId}:${SCANNER_DISPLAY_NAME}:application`);
  const roleGuid = guidFromText(`${tenant.tenantId}:${SCANNER_DISPLAY_NAME}:role`);

  const root = tenant.managementGroups.find((group) => !group.parent);
  const scopes = root
    ? [`/providers/Microsoft.Management/managementGroups/${root.name}`]
    : tenant.subscriptions.map((subscription) => `/subscriptions/${subscription.subscriptionId}`);
  const roleDefinitionId = `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;

  const roleDefinition: WireRoleDefinition = {
    id: roleDefinitionId,
    name: roleGuid,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.Name,
      type: "CustomRole",
      description: `${role.Description} [${SCANNER_MARKER}]`,
      assignableScopes: scopes,
      permissions: [
        {
          actions: role.Actions,
          notActions: role.NotActions,
          dataActions: role.DataActions,
          notDataActions: role.NotDataActions,
        },
      ],
    },
  };

  const roleAssignments: WireRoleAssignment[] = scopes.map((scope) => {
    const name = guidFromText(`${tenant.tenantId}:${SCANNER_DISPLAY_NAME}:assignment:${scope.toLowerCase()}`);
    return {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      type: "Microsoft.Authorization/roleAssignments",
      properties: {
        roleDefinitionId,
        principalId: objectId,
        principalType: "ServicePrincipal",
        scope,
        condition: null,
        conditionVersion: null,
        description: SCANNER_MARKER,
      },
    };
  });

  const principal: TenantPrincipal = {
    id: objectId,
    type: "ServicePrincipal",
    displayName: SCANNER_DISPLAY_NAME,
    appId,
    servicePrincipalType: "Application",
    accountEnabled: true,
    tags: [SCANNER_MARKER],
    notes: "Provisioned by the AKS Identity Atlas emulator with the permissions in docs/permissions.",
  };

  const kubernetesObjects = parseAllDocuments(clusterRoleText.replaceAll(OBJECT_ID_PLACEHOLDER, objectId))
    .map((document) => document.toJS() as unknown)
    .filter((value) => value !== null && value !== undefined)
    .map((value) => {
      const parsed = kubernetesObjectSchema.parse(value);
      return {
        ...parsed,
        metadata: {
          ...parsed.metadata,
          labels: { ...parsed.metadata.labels, [SCANNER_MARKER.replace(":", "/")]: "true" },
        },
      };
    });

  return {
    objectId,
    appId,
    displayName: SCANNER_DISPLAY_NAME,
    principal,
    roleDefinition,
    roleAssignments,
    graphPermissions: options.graphPermissions ?? graph.applicationPermissions,
    kubernetesObjects,
  };
}
