/**
 * Builds the demo tenant (demo-tenant.json) — the scenario of the reference article plus enough
 * teams, clusters and deliberate mistakes to make the dashboard worth exploring. The JSON file is
 * the artifact everything loads; this builder is its source, so ids stay consistent and the file
 * can be regenerated: `tsx lib/emulator/demo/build-demo-tenant.ts`. A unit test checks the
 * committed file equals what this builds. The cast and the expected answers are in README.md.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { deterministicUid } from "@/lib/model/kubernetes-defaults";
import { roleEligibilityScheduleInstance } from "@/lib/model/wire/azure";
import { defaultRoleManagementRules } from "@/lib/model/wire/role-management-policies";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Ids. Human-readable GUIDs: the last group says what the object is.

const guid = (tail: string) => `00000000-0000-0000-0000-${tail.padStart(12, "0")}`;

export const DEMO_TENANT_ID = guid("c0de");
export const PROD_SUBSCRIPTION = guid("5b1");
export const DEV_SUBSCRIPTION = guid("5b2");

export const DEMO_USERS = {
  faye: guid("f1"),
  jet: guid("f2"),
  leonard: guid("f3"),
  penny: guid("f4"),
  spike: guid("f5"),
  sheldon: guid("f6"),
  amy: guid("f7"),
  raj: guid("f8"),
  howard: guid("f9"),
  breakglass: guid("fa"),
  bernadette: guid("fb"),
  /** Referenced by a role assignment and a group, but deleted from the directory. */
  deletedVicious: guid("ff"),
} as const;

export const DEMO_GROUPS = {
  aksAdmins: guid("a1"),
  platformOncall: guid("a2"),
  teamPayments: guid("a3"),
  teamWeb: guid("a4"),
  allDevelopers: guid("a5"),
} as const;

export const DEMO_APPLICATIONS = {
  ciDeployer: { objectId: guid("e1"), appId: guid("1e1") },
  gitopsPayments: { objectId: guid("e2"), appId: guid("1e2") },
  legacyAutomation: { objectId: guid("e3"), appId: guid("1e3") },
} as const;

const CUSTOM_ROLES = {
  everything: "c0570000-0000-0000-0000-000000000001",
  namespaceDeployer: "c0570000-0000-0000-0000-000000000002",
} as const;

const LOCATION = "westeurope";
const CREATED_ON = "2024-03-04T09:15:00.0000000Z";

// ---------------------------------------------------------------------------------------------
// ARM id helpers

const rgId = (subscription: string, rg: string) => `/subscriptions/${subscription}/resourceGroups/${rg}`;
const clusterId = (subscription: string, rg: string, name: string) =>
  `${rgId(subscription, rg)}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const identityId = (subscription: string, rg: string, name: string) =>
  `${rgId(subscription, rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const nodeResourceGroup = (rg: string, cluster: string) => `MC_${rg}_${cluster}_${LOCATION}`;
const issuerUrl = (issuerGuid: string) =>
  `https://${LOCATION}.oic.prod-aks.azure.com/${DEMO_TENANT_ID}/${issuerGuid}/`;

// ---------------------------------------------------------------------------------------------
// Principals

const principals: Json[] = [];

/** A demo member user's userPrincipalName: what their token's `upn` claim carries. */
export const demoUpn = (mailNickname: string) => `${mailNickname}@contoso.example`;

function addUser(id: string, displayName: string, mailNickname: string): void {
  principals.push({
    id,
    type: "User",
    displayName,
    userPrincipalName: demoUpn(mailNickname),
    accountEnabled: true,
  });
}

function addGroup(id: string, displayName: string, members: string[], description: string): void {
  principals.push({ id, type: "Group", displayName, description, securityEnabled: true, members });
}

function addApplication(app: { objectId: string; appId: string }, displayName: string): void {
  principals.push({
    id: app.objectId,
    type: "ServicePrincipal",
    displayName,
    appId: app.appId,
    servicePrincipalType: "Application",
  });
}

// ---------------------------------------------------------------------------------------------
// Managed identities: each is an ARM resource and a ServicePrincipal in the directory

interface DemoIdentity {
  id: string;
  name: string;
  clientId: string;
  principalId: string;
}

const resourcesBySubscription = new Map<string, Json[]>([
  [PROD_SUBSCRIPTION, []],
  [DEV_SUBSCRIPTION, []],
]);
let identityCounter = 0;

function addResource(subscription: string, resource: Json): void {
  resourcesBySubscription.get(subscription)?.push(resource);
}

function addIdentity(
  subscription: string,
  rg: string,
  name: string,
  federatedCredentials: { name: string; issuer: string; subject: string }[] = [],
): DemoIdentity {
  identityCounter += 1;
  const serial = identityCounter.toString(16).padStart(3, "0");
  const identity: DemoIdentity = {
    id: identityId(subscription, rg, name),
    name,
    clientId: guid(`c1${serial}`),
    principalId: guid(`d1${serial}`),
  };
  addResource(subscription, {
    id: identity.id,
    name,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    location: LOCATION,
    tags: {},
    properties: {
      clientId: identity.clientId,
      principalId: identity.principalId,
      tenantId: DEMO_TENANT_ID,
      isolationScope: "None",
    },
    federatedIdentityCredentials: federatedCredentials.map((credential) => ({
      id: `${identity.id}/federatedIdentityCredentials/${credential.name}`,
      name: credential.name,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
      properties: {
        issuer: credential.issuer,
        subject: credential.subject,
        audiences: ["api://AzureADTokenExchange"],
      },
    })),
  });
  principals.push({
    id: identity.principalId,
    type: "ServicePrincipal",
    displayName: name,
    appId: identity.clientId,
    servicePrincipalType: "ManagedIdentity",
    alternativeNames: ["isExplicit=True", identity.id],
  });
  return identity;
}

// ---------------------------------------------------------------------------------------------
// Clusters

interface ClusterSpec {
  subscription: string;
  rg: string;
  name: string;
  kubernetesVersion: string;
  /** managed: managed Entra; legacy: the old server/client app integration; none: no Entra. */
  entra: "managed" | "legacy" | "none";
  azureRbac?: boolean;
  adminGroups?: string[];
  disableLocalAccounts: boolean;
  controlPlane:
    | { type: "SystemAssigned"; principalId: string }
    | { type: "UserAssigned"; identity: DemoIdentity };
  kubelet: DemoIdentity;
  addons?: Record<string, { identity?: DemoIdentity; config?: Record<string, string> | null }>;
  oidcIssuerGuid?: string;
  workloadIdentity?: boolean;
  podIdentity?: Json;
  privateCluster?: boolean;
  disableRunCommand?: boolean;
  tags?: Record<string, string>;
}

export interface DemoCluster {
  id: string;
  name: string;
  issuerURL?: string;
}

function addCluster(spec: ClusterSpec): DemoCluster {
  const id = clusterId(spec.subscription, spec.rg, spec.name);
  const identityRef = (identity: DemoIdentity) => ({
    resourceId: identity.id,
    clientId: identity.clientId,
    objectId: identity.principalId,
  });
  const aadProfile =
    spec.entra === "managed"
      ? {
          managed: true,
          enableAzureRBAC: spec.azureRbac ?? false,
          adminGroupObjectIDs: spec.adminGroups ?? [],
          tenantID: DEMO_TENANT_ID,
        }
      : spec.entra === "legacy"
        ? {
            managed: false,
            clientAppID: guid("1a1"),
            serverAppID: guid("1a2"),
            serverAppSecret: null,
            tenantID: DEMO_TENANT_ID,
          }
        : undefined;
  const identity =
    spec.controlPlane.type === "SystemAssigned"
      ? { type: "SystemAssigned", principalId: spec.controlPlane.principalId, tenantId: DEMO_TENANT_ID }
      : {
          type: "UserAssigned",
          principalId: null,
          tenantId: null,
          userAssignedIdentities: {
            [spec.controlPlane.identity.id]: {
              clientId: spec.controlPlane.identity.clientId,
              principalId: spec.controlPlane.identity.principalId,
            },
          },
        };
  const issuerURL = spec.oidcIssuerGuid ? issuerUrl(spec.oidcIssuerGuid) : undefined;
  const fqdnSuffix = deterministicUid(id).slice(0, 8);
  addResource(spec.subscription, {
    id,
    name: spec.name,
    type: "Microsoft.ContainerService/managedClusters",
    location: LOCATION,
    tags: spec.tags ?? {},
    sku: { name: "Base", tier: "Standard" },
    identity,
    properties: {
      provisioningState: "Succeeded",
      powerState: { code: "Running" },
      kubernetesVersion: spec.kubernetesVersion,
      currentKubernetesVersion: spec.kubernetesVersion,
      dnsPrefix: spec.name,
      fqdn: spec.privateCluster ? undefined : `${spec.name}-${fqdnSuffix}.hcp.${LOCATION}.azmk8s.io`,
      privateFQDN: spec.privateCluster
        ? `${spec.name}-${fqdnSuffix}.privatelink.${LOCATION}.azmk8s.io`
        : undefined,
      azurePortalFQDN: `${spec.name}-${fqdnSuffix}.portal.hcp.${LOCATION}.azmk8s.io`,
      agentPoolProfiles: [
        {
          name: "system",
          count: 3,
          vmSize: "Standard_D4s_v5",
          osType: "Linux",
          osSKU: "AzureLinux",
          mode: "System",
          type: "VirtualMachineScaleSets",
          orchestratorVersion: spec.kubernetesVersion,
          currentOrchestratorVersion: spec.kubernetesVersion,
          provisioningState: "Succeeded",
          enableNodePublicIP: false,
          maxPods: 110,
        },
      ],
      nodeResourceGroup: nodeResourceGroup(spec.rg, spec.name),
      enableRBAC: true,
      ...(aadProfile ? { aadProfile } : {}),
      disableLocalAccounts: spec.disableLocalAccounts,
      identityProfile: { kubeletidentity: identityRef(spec.kubelet) },
      addonProfiles: Object.fromEntries(
        Object.entries(spec.addons ?? {}).map(([addon, profile]) => [
          addon,
          {
            enabled: true,
            config: profile.config ?? null,
            ...(profile.identity ? { identity: identityRef(profile.identity) } : {}),
          },
        ]),
      ),
      oidcIssuerProfile: issuerURL ? { enabled: true, issuerURL } : { enabled: false },
      securityProfile: { workloadIdentity: { enabled: spec.workloadIdentity ?? false } },
      podIdentityProfile: spec.podIdentity ?? { enabled: false },
      apiServerAccessProfile: {
        enablePrivateCluster: spec.privateCluster ?? false,
        disableRunCommand: spec.disableRunCommand ?? false,
        authorizedIPRanges: spec.privateCluster ? [] : ["203.0.113.0/24"],
      },
      networkProfile: {
        networkPlugin: "azure",
        networkPolicy: "calico",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
      },
    },
  });
  return { id, name: spec.name, issuerURL };
}

function addPlainResource(
  subscription: string,
  rg: string,
  type: string,
  name: string,
  properties: Json,
): string {
  const id = `${rgId(subscription, rg)}/providers/${type}/${name}`;
  addResource(subscription, { id, name, type, location: LOCATION, tags: {}, properties });
  return id;
}

// ---------------------------------------------------------------------------------------------
// Role assignments

const roleAssignments: Json[] = [];
let assignmentCounter = 0;

function subscriptionOfScope(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/.exec(scope)?.[1];
}

function assign(
  roleGuid: string,
  principalId: string,
  principalType: "User" | "Group" | "ServicePrincipal",
  scope: string,
  description: string | null = null,
): void {
  assignmentCounter += 1;
  const name = `a55a0000-0000-0000-0000-${assignmentCounter.toString(16).padStart(12, "0")}`;
  const subscription = subscriptionOfScope(scope);
  const roleDefinitionId = subscription
    ? `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
  roleAssignments.push({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId,
      principalId,
      principalType,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn: CREATED_ON,
      updatedOn: CREATED_ON,
      createdBy: DEMO_USERS.breakglass,
      updatedBy: DEMO_USERS.breakglass,
      delegatedManagedIdentityResourceId: null,
      description,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects

const clusterObjects = new Map<string, Json[]>();

function k8s(
  cluster: DemoCluster,
  apiVersion: string,
  kind: string,
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  body: Json = {},
): void {
  const objects = clusterObjects.get(cluster.id) ?? [];
  clusterObjects.set(cluster.id, objects);
  const key = `${cluster.id.toLowerCase()}|${kind}|${metadata.namespace ?? ""}|${metadata.name}`;
  objects.push({
    apiVersion,
    kind,
    metadata: {
      ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
      creationTimestamp: "2024-03-05T10:00:00Z",
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      resourceVersion: String(5000 + objects.length),
      uid: deterministicUid(key),
    },
    ...body,
  });
}

const RBAC = "rbac.authorization.k8s.io";
const namespace = (cluster: DemoCluster, name: string, labels: Record<string, string> = {}) =>
  k8s(
    cluster,
    "v1",
    "Namespace",
    { name, labels: { "kubernetes.io/metadata.name": name, ...labels } },
    { spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } },
  );
const subject = (kind: "User" | "Group", name: string) => ({ apiGroup: RBAC, kind, name });
const roleRef = (kind: "Role" | "ClusterRole", name: string) => ({ apiGroup: RBAC, kind, name });

function pod(
  cluster: DemoCluster,
  ns: string,
  name: string,
  serviceAccountName: string,
  labels: Record<string, string>,
  image: string,
  volumes: Json[] = [],
): void {
  k8s(
    cluster,
    "v1",
    "Pod",
    { name, namespace: ns, labels },
    {
      spec: {
        serviceAccountName,
        automountServiceAccountToken: true,
        nodeName: "aks-system-12345678-vmss000000",
        containers: [
          {
            name: name.replace(/-[a-z0-9]+-[a-z0-9]+$/, ""),
            image,
            ...(volumes.length > 0
              ? { volumeMounts: [{ name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true }] }
              : {}),
          },
        ],
        volumes,
      },
      status: { phase: "Running" },
    },
  );
}

const secretsStoreVolume = (secretProviderClass: string) => [
  {
    name: "secrets-store",
    csi: {
      driver: "secrets-store.csi.k8s.io",
      readOnly: true,
      volumeAttributes: { secretProviderClass },
    },
  },
];

function secretProviderClass(
  cluster: DemoCluster,
  ns: string,
  name: string,
  keyvaultName: string,
  identityMode: Record<string, string>,
): void {
  k8s(
    cluster,
    "secrets-store.csi.x-k8s.io/v1",
    "SecretProviderClass",
    { name, namespace: ns },
    {
      spec: {
        provider: "azure",
        parameters: {
          keyvaultName,
          tenantId: DEMO_TENANT_ID,
          cloudName: "",
          ...identityMode,
          objects:
            'array:\n  - |\n    objectName: app-secret\n    objectType: secret\n    objectVersion: ""\n',
        },
      },
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The tenant

export function buildDemoTenant(): Json {
  principals.length = 0;
  roleAssignments.length = 0;
  for (const list of resourcesBySubscription.values()) list.length = 0;
  clusterObjects.clear();
  identityCounter = 0;
  assignmentCounter = 0;

  // People and groups -------------------------------------------------------------------------
  addUser(DEMO_USERS.faye, "Faye Valentine", "faye");
  addUser(DEMO_USERS.jet, "Jet Black", "jet");
  addUser(DEMO_USERS.leonard, "Leonard Hofstadter", "leonard");
  addUser(DEMO_USERS.penny, "Penny", "penny");
  addUser(DEMO_USERS.spike, "Spike Spiegel", "spike");
  addUser(DEMO_USERS.sheldon, "Sheldon Cooper", "sheldon");
  addUser(DEMO_USERS.amy, "Amy Farrah Fowler", "amy");
  addUser(DEMO_USERS.raj, "Raj Koothrappali", "raj");
  addUser(DEMO_USERS.howard, "Howard Wolowitz", "howard");
  addUser(DEMO_USERS.breakglass, "Break-glass administrator", "breakglass");
  addGroup(
    DEMO_GROUPS.aksAdmins,
    "aks-admins",
    [DEMO_USERS.spike, DEMO_GROUPS.platformOncall],
    "Cluster administrators of the production AKS clusters (adminGroupObjectIDs)",
  );
  addGroup(DEMO_GROUPS.platformOncall, "platform-oncall", [DEMO_USERS.sheldon], "Platform on-call rotation");
  addGroup(DEMO_GROUPS.teamPayments, "team-payments", [DEMO_USERS.amy], "Payments product team");
  addGroup(
    DEMO_GROUPS.teamWeb,
    "team-web",
    [DEMO_USERS.raj, DEMO_USERS.deletedVicious],
    "Web storefront team",
  );
  addGroup(
    DEMO_GROUPS.allDevelopers,
    "all-developers",
    [DEMO_GROUPS.teamPayments, DEMO_GROUPS.teamWeb, DEMO_USERS.howard],
    "Every developer in Contoso",
  );
  addApplication(DEMO_APPLICATIONS.ciDeployer, "ci-deployer");
  addApplication(DEMO_APPLICATIONS.gitopsPayments, "gitops-payments");
  addApplication(DEMO_APPLICATIONS.legacyAutomation, "legacy-automation");

  // Shared services -------------------------------------------------------------------------------
  const acrProd = addPlainResource(
    PROD_SUBSCRIPTION,
    "rg-shared-services",
    "Microsoft.ContainerRegistry/registries",
    "acrcontoso",
    {
      loginServer: "acrcontoso.azurecr.io",
      adminUserEnabled: false,
    },
  );
  const acrDev = addPlainResource(
    DEV_SUBSCRIPTION,
    "rg-dev-shared",
    "Microsoft.ContainerRegistry/registries",
    "acrcontosodev",
    {
      loginServer: "acrcontosodev.azurecr.io",
      adminUserEnabled: true,
    },
  );
  const keyVault = (subscription: string, rg: string, name: string) =>
    addPlainResource(subscription, rg, "Microsoft.KeyVault/vaults", name, {
      tenantId: DEMO_TENANT_ID,
      enableRbacAuthorization: true,
      vaultUri: `https://${name}.vault.azure.net/`,
    });
  const kvAks1 = keyVault(PROD_SUBSCRIPTION, "rsg-aksIdentityState1", "kv-aks1-secrets");
  const kvOrders = keyVault(PROD_SUBSCRIPTION, "rsg-aksIdentityState1", "kv-orders");
  const kvInventory = keyVault(PROD_SUBSCRIPTION, "rsg-aksIdentityState2", "kv-inventory");
  const kvPayments = keyVault(PROD_SUBSCRIPTION, "rg-payments-prod", "kv-payments");

  // aks-1: the article's main cluster -------------------------------------------------------------
  const aks1Issuer = "1551e401-0000-4000-8000-000000000001";
  const aks1Rg = "rsg-aksIdentityState1";
  const aks1Node = nodeResourceGroup(aks1Rg, "aks-1");
  const uaiaks1 = addIdentity(PROD_SUBSCRIPTION, aks1Rg, "uaiaks1");
  const aks1Kubelet = addIdentity(PROD_SUBSCRIPTION, aks1Node, "aks-1-agentpool");
  const aks1Policy = addIdentity(PROD_SUBSCRIPTION, aks1Node, "azurepolicy-aks-1");
  const aks1KvAddon = addIdentity(PROD_SUBSCRIPTION, aks1Node, "azurekeyvaultsecretsprovider-aks-1");
  const aks1 = addCluster({
    subscription: PROD_SUBSCRIPTION,
    rg: aks1Rg,
    name: "aks-1",
    kubernetesVersion: "1.30.6",
    entra: "managed",
    azureRbac: true,
    adminGroups: [DEMO_GROUPS.aksAdmins],
    disableLocalAccounts: false,
    controlPlane: { type: "UserAssigned", identity: uaiaks1 },
    kubelet: aks1Kubelet,
    addons: {
      azurepolicy: { identity: aks1Policy },
      azureKeyvaultSecretsProvider: { identity: aks1KvAddon, config: { enableSecretRotation: "true" } },
    },
    oidcIssuerGuid: aks1Issuer,
    workloadIdentity: true,
    tags: { env: "prod", owner: "platform" },
  });

  // Workload identity on aks-1: orders-api is wired correctly; orders-worker's service account is
  // annotated with an identity that has no federated credential. id-orders-api also trusts the
  // issuer of a cluster that no longer exists.
  const idOrdersApi = addIdentity(PROD_SUBSCRIPTION, aks1Rg, "id-orders-api", [
    {
      name: "aks-1-orders-api",
      issuer: aks1.issuerURL ?? "",
      subject: "system:serviceaccount:orders:orders-api",
    },
    {
      name: "aks-old-orders-api",
      issuer: issuerUrl("01d0c1a5-0000-4000-8000-00000000dead"),
      subject: "system:serviceaccount:orders:orders-api",
    },
  ]);
  const idOrdersWorker = addIdentity(PROD_SUBSCRIPTION, aks1Rg, "id-orders-worker");

  // aks-2: Kubernetes RBAC only, system-assigned control plane --------------------------------------
  const aks2Rg = "rsg-aksIdentityState2";
  const aks2Node = nodeResourceGroup(aks2Rg, "aks-2");
  const aks2ControlPlane = guid("d2002");
  principals.push({
    id: aks2ControlPlane,
    type: "ServicePrincipal",
    displayName: "aks-2",
    appId: guid("c2002"),
    servicePrincipalType: "ManagedIdentity",
    alternativeNames: ["isExplicit=False", clusterId(PROD_SUBSCRIPTION, aks2Rg, "aks-2")],
  });
  const aks2Kubelet = addIdentity(PROD_SUBSCRIPTION, aks2Node, "aks-2-agentpool");
  const idInventory = addIdentity(PROD_SUBSCRIPTION, aks2Rg, "id-inventory-legacy");
  const aks2 = addCluster({
    subscription: PROD_SUBSCRIPTION,
    rg: aks2Rg,
    name: "aks-2",
    kubernetesVersion: "1.29.9",
    entra: "managed",
    azureRbac: false,
    adminGroups: [DEMO_GROUPS.aksAdmins],
    disableLocalAccounts: false,
    controlPlane: { type: "SystemAssigned", principalId: aks2ControlPlane },
    kubelet: aks2Kubelet,
    podIdentity: {
      enabled: true,
      allowNetworkPluginKubenet: false,
      userAssignedIdentities: [
        {
          name: "inventory-identity",
          namespace: "legacy-inventory",
          bindingSelector: "inventory",
          identity: {
            resourceId: idInventory.id,
            clientId: idInventory.clientId,
            objectId: idInventory.principalId,
          },
          provisioningState: "Assigned",
        },
      ],
      userAssignedIdentityExceptions: [],
    },
    tags: { env: "prod", owner: "platform" },
  });

  // aks-3: hardened ------------------------------------------------------------------------------
  const aks3Rg = "rsg-aksIdentityState3";
  const aks3Node = nodeResourceGroup(aks3Rg, "aks-3");
  const uaiaks3 = addIdentity(PROD_SUBSCRIPTION, aks3Rg, "uaiaks3");
  const aks3Kubelet = addIdentity(PROD_SUBSCRIPTION, aks3Node, "aks-3-agentpool");
  const aks3Oms = addIdentity(PROD_SUBSCRIPTION, aks3Node, "omsagent-aks-3");
  const aks3 = addCluster({
    subscription: PROD_SUBSCRIPTION,
    rg: aks3Rg,
    name: "aks-3",
    kubernetesVersion: "1.30.6",
    entra: "managed",
    azureRbac: true,
    adminGroups: [DEMO_GROUPS.aksAdmins],
    disableLocalAccounts: true,
    disableRunCommand: true,
    controlPlane: { type: "UserAssigned", identity: uaiaks3 },
    kubelet: aks3Kubelet,
    addons: {
      omsagent: {
        identity: aks3Oms,
        config: {
          logAnalyticsWorkspaceResourceID: `${rgId(PROD_SUBSCRIPTION, "rg-shared-services")}/providers/Microsoft.OperationalInsights/workspaces/law-contoso`,
        },
      },
    },
    tags: { env: "prod", owner: "platform" },
  });

  // aks-payments: a product team's cluster ----------------------------------------------------------
  const paymentsRg = "rg-payments-prod";
  const paymentsNode = nodeResourceGroup(paymentsRg, "aks-payments");
  const paymentsIssuer = "1551e401-0000-4000-8000-000000000004";
  const paymentsKubelet = addIdentity(PROD_SUBSCRIPTION, paymentsNode, "aks-payments-agentpool");
  const paymentsKvAddon = addIdentity(
    PROD_SUBSCRIPTION,
    paymentsNode,
    "azurekeyvaultsecretsprovider-aks-payments",
  );
  const paymentsIssuerUrl = issuerUrl(paymentsIssuer);
  const idPaymentsApi = addIdentity(PROD_SUBSCRIPTION, paymentsRg, "id-payments-api", [
    {
      name: "aks-payments-api",
      issuer: paymentsIssuerUrl,
      subject: "system:serviceaccount:payments:payments-api",
    },
  ]);
  // Dangling trust: no service account payments/payments-batch exists.
  addIdentity(PROD_SUBSCRIPTION, paymentsRg, "id-payments-batch", [
    {
      name: "aks-payments-batch",
      issuer: paymentsIssuerUrl,
      subject: "system:serviceaccount:payments:payments-batch",
    },
  ]);
  const aksPayments = addCluster({
    subscription: PROD_SUBSCRIPTION,
    rg: paymentsRg,
    name: "aks-payments",
    kubernetesVersion: "1.31.2",
    entra: "managed",
    azureRbac: true,
    adminGroups: [DEMO_GROUPS.aksAdmins],
    disableLocalAccounts: true,
    controlPlane: { type: "SystemAssigned", principalId: guid("d2004") },
    kubelet: paymentsKubelet,
    addons: {
      azureKeyvaultSecretsProvider: { identity: paymentsKvAddon, config: { enableSecretRotation: "false" } },
    },
    oidcIssuerGuid: paymentsIssuer,
    workloadIdentity: true,
    tags: { env: "prod", owner: "team-payments" },
  });
  principals.push({
    id: guid("d2004"),
    type: "ServicePrincipal",
    displayName: "aks-payments",
    appId: guid("c2004"),
    servicePrincipalType: "ManagedIdentity",
    alternativeNames: ["isExplicit=False", aksPayments.id],
  });

  // aks-data: private cluster, API server unreachable from the scanner -----------------------------
  const dataRg = "rg-data-prod";
  const dataKubelet = addIdentity(
    PROD_SUBSCRIPTION,
    nodeResourceGroup(dataRg, "aks-data"),
    "aks-data-agentpool",
  );
  const uaiData = addIdentity(PROD_SUBSCRIPTION, dataRg, "uai-aks-data");
  const aksData = addCluster({
    subscription: PROD_SUBSCRIPTION,
    rg: dataRg,
    name: "aks-data",
    kubernetesVersion: "1.30.6",
    entra: "managed",
    azureRbac: true,
    adminGroups: [DEMO_GROUPS.aksAdmins],
    disableLocalAccounts: true,
    privateCluster: true,
    controlPlane: { type: "UserAssigned", identity: uaiData },
    kubelet: dataKubelet,
    tags: { env: "prod", owner: "data" },
  });

  // Dev subscription: aks-dev-1 (legacy Entra integration) and aks-dev-sandbox (no Entra) -----------
  const devRg = "rg-dev-shared";
  const devKubelet = addIdentity(
    DEV_SUBSCRIPTION,
    nodeResourceGroup(devRg, "aks-dev-1"),
    "aks-dev-1-agentpool",
  );
  const aksDev1 = addCluster({
    subscription: DEV_SUBSCRIPTION,
    rg: devRg,
    name: "aks-dev-1",
    kubernetesVersion: "1.28.15",
    entra: "legacy",
    disableLocalAccounts: false,
    controlPlane: { type: "SystemAssigned", principalId: guid("d2006") },
    kubelet: devKubelet,
    tags: { env: "dev", owner: "platform" },
  });
  principals.push({
    id: guid("d2006"),
    type: "ServicePrincipal",
    displayName: "aks-dev-1",
    appId: guid("c2006"),
    servicePrincipalType: "ManagedIdentity",
    alternativeNames: ["isExplicit=False", aksDev1.id],
  });
  const sandboxRg = "rg-dev-sandbox";
  const sandboxKubelet = addIdentity(
    DEV_SUBSCRIPTION,
    nodeResourceGroup(sandboxRg, "aks-dev-sandbox"),
    "aks-dev-sandbox-agentpool",
  );
  const aksSandbox = addCluster({
    subscription: DEV_SUBSCRIPTION,
    rg: sandboxRg,
    name: "aks-dev-sandbox",
    kubernetesVersion: "1.29.9",
    entra: "none",
    disableLocalAccounts: false,
    controlPlane: { type: "SystemAssigned", principalId: guid("d2007") },
    kubelet: sandboxKubelet,
    tags: { env: "dev", owner: "howard" },
  });
  principals.push({
    id: guid("d2007"),
    type: "ServicePrincipal",
    displayName: "aks-dev-sandbox",
    appId: guid("c2007"),
    servicePrincipalType: "ManagedIdentity",
    alternativeNames: ["isExplicit=False", aksSandbox.id],
  });

  // Custom roles -------------------------------------------------------------------------------
  const roleDefinitions: Json[] = [
    {
      id: `/subscriptions/${PROD_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_ROLES.everything}`,
      name: CUSTOM_ROLES.everything,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        roleName: "Contoso Automation Operator",
        type: "CustomRole",
        description: "Legacy automation account role. Grants every action (a '*' custom role).",
        assignableScopes: [`/subscriptions/${PROD_SUBSCRIPTION}`],
        permissions: [{ actions: ["*"], notActions: [], dataActions: [], notDataActions: [] }],
        createdOn: CREATED_ON,
        updatedOn: CREATED_ON,
        createdBy: DEMO_USERS.breakglass,
        updatedBy: DEMO_USERS.breakglass,
      },
    },
    {
      id: `/subscriptions/${PROD_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_ROLES.namespaceDeployer}`,
      name: CUSTOM_ROLES.namespaceDeployer,
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        roleName: "Contoso AKS Namespace Deployer",
        type: "CustomRole",
        description: "Deploys workloads into one namespace through Azure RBAC for Kubernetes.",
        assignableScopes: [`/subscriptions/${PROD_SUBSCRIPTION}`],
        permissions: [
          {
            actions: [
              "Microsoft.ContainerService/managedClusters/read",
              "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
            ],
            notActions: [],
            dataActions: [
              "Microsoft.ContainerService/managedClusters/apps/deployments/*",
              "Microsoft.ContainerService/managedClusters/services/*",
              "Microsoft.ContainerService/managedClusters/configmaps/*",
              "Microsoft.ContainerService/managedClusters/pods/read",
            ],
            notDataActions: [],
          },
        ],
        createdOn: CREATED_ON,
        updatedOn: CREATED_ON,
        createdBy: DEMO_USERS.breakglass,
        updatedBy: DEMO_USERS.breakglass,
      },
    },
  ];

  // Role assignments -----------------------------------------------------------------------------
  const R = BUILT_IN_ROLE_IDS;
  const platformMg = "/providers/Microsoft.Management/managementGroups/platform";
  const prod = `/subscriptions/${PROD_SUBSCRIPTION}`;
  const dev = `/subscriptions/${DEV_SUBSCRIPTION}`;
  const rg1 = rgId(PROD_SUBSCRIPTION, aks1Rg);
  const rg2 = rgId(PROD_SUBSCRIPTION, aks2Rg);
  const rg3 = rgId(PROD_SUBSCRIPTION, aks3Rg);

  // The article's cast.
  assign(R.aksClusterUser, DEMO_USERS.faye, "User", aks1.id);
  for (const cluster of [aks1, aks2]) {
    assign(R.aksClusterUser, DEMO_USERS.jet, "User", cluster.id);
    assign(R.aksRbacReader, DEMO_USERS.jet, "User", cluster.id);
    assign(R.aksClusterUser, DEMO_USERS.leonard, "User", cluster.id);
  }
  for (const cluster of [aks1, aks2, aks3]) assign(R.aksClusterUser, DEMO_USERS.penny, "User", cluster.id);
  for (const rg of [rg1, rg2, rg3]) assign(R.contributor, DEMO_USERS.penny, "User", rg);

  // Platform team and governance.
  assign(R.aksClusterUser, DEMO_GROUPS.aksAdmins, "Group", platformMg, "Admins fetch kubeconfigs everywhere");
  assign(R.reader, DEMO_GROUPS.allDevelopers, "Group", platformMg);
  assign(R.owner, DEMO_USERS.breakglass, "User", prod, "Break-glass account");
  assign(R.userAccessAdministrator, DEMO_GROUPS.platformOncall, "Group", prod);
  // Mistake: a CI service principal with AKS Contributor over the whole production subscription.
  assign(R.aksContributor, DEMO_APPLICATIONS.ciDeployer.objectId, "ServicePrincipal", prod);
  // Mistake: a custom '*' role for a legacy automation account.
  assign(
    CUSTOM_ROLES.everything,
    DEMO_APPLICATIONS.legacyAutomation.objectId,
    "ServicePrincipal",
    rgId(PROD_SUBSCRIPTION, "rg-shared-services"),
  );
  // Mistake: an assignment whose principal was deleted from the directory.
  assign(R.contributor, DEMO_USERS.deletedVicious, "User", dev);

  // Teams.
  assign(R.aksClusterUser, DEMO_GROUPS.teamWeb, "Group", aks1.id);
  assign(R.aksClusterUser, DEMO_GROUPS.teamWeb, "Group", aks2.id);
  assign(R.aksRbacWriter, DEMO_GROUPS.teamWeb, "Group", `${aks1.id}/namespaces/web`);
  assign(R.aksClusterUser, DEMO_GROUPS.teamPayments, "Group", aksPayments.id);
  assign(R.aksRbacWriter, DEMO_GROUPS.teamPayments, "Group", `${aksPayments.id}/namespaces/payments`);
  assign(
    CUSTOM_ROLES.namespaceDeployer,
    DEMO_APPLICATIONS.gitopsPayments.objectId,
    "ServicePrincipal",
    `${aksPayments.id}/namespaces/payments`,
  );
  assign(R.aksRbacReader, DEMO_GROUPS.allDevelopers, "Group", `${aks3.id}/namespaces/reporting`);
  assign(R.aksClusterUser, DEMO_GROUPS.allDevelopers, "Group", aks3.id);
  assign(R.aksClusterUser, DEMO_GROUPS.allDevelopers, "Group", aksDev1.id);
  assign(R.aksClusterAdmin, DEMO_USERS.howard, "User", aksSandbox.id);
  assign(R.aksRbacReader, DEMO_GROUPS.platformOncall, "Group", aksData.id);

  // Control-plane, kubelet and add-on identities.
  assign(R.networkContributor, uaiaks1.principalId, "ServicePrincipal", rg1);
  assign(R.managedIdentityOperator, uaiaks1.principalId, "ServicePrincipal", aks1Kubelet.id);
  assign(R.networkContributor, uaiaks3.principalId, "ServicePrincipal", rg3);
  assign(
    R.privateDnsZoneContributor,
    uaiData.principalId,
    "ServicePrincipal",
    rgId(PROD_SUBSCRIPTION, dataRg),
  );
  for (const kubelet of [aks1Kubelet, aks2Kubelet, aks3Kubelet, paymentsKubelet, dataKubelet]) {
    assign(R.acrPull, kubelet.principalId, "ServicePrincipal", acrProd);
  }
  for (const kubelet of [devKubelet, sandboxKubelet])
    assign(R.acrPull, kubelet.principalId, "ServicePrincipal", acrDev);
  // Mistake: an over-privileged kubelet identity — anything on the dev-1 nodes can act as Contributor.
  assign(R.contributor, devKubelet.principalId, "ServicePrincipal", rgId(DEV_SUBSCRIPTION, devRg));
  assign(R.keyVaultSecretsUser, aks1KvAddon.principalId, "ServicePrincipal", kvAks1);
  assign(R.keyVaultSecretsUser, paymentsKvAddon.principalId, "ServicePrincipal", kvPayments);

  // Workload identities.
  assign(R.keyVaultSecretsUser, idOrdersApi.principalId, "ServicePrincipal", kvOrders);
  assign(R.keyVaultSecretsUser, idOrdersWorker.principalId, "ServicePrincipal", kvOrders);
  assign(R.keyVaultSecretsUser, idPaymentsApi.principalId, "ServicePrincipal", kvPayments);
  assign(R.keyVaultSecretsUser, idInventory.principalId, "ServicePrincipal", kvInventory);

  // Kubernetes: aks-1 ----------------------------------------------------------------------------
  for (const ns of ["calico-system", "gatekeeper-system", "tigera-operator"]) namespace(aks1, ns);
  namespace(aks1, "orders", { team: "orders" });
  namespace(aks1, "web", { team: "web" });
  k8s(
    aks1,
    `${RBAC}/v1`,
    "RoleBinding",
    { name: "defaultnsadmin", namespace: "default" },
    {
      roleRef: roleRef("ClusterRole", "admin"),
      // By UPN, as in the article (`User  leonard@teknews.cloud`): AKS names a member user by the
      // token's `upn` claim, so a binding to Leonard's object id would name nobody
      // (learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id).
      subjects: [subject("User", demoUpn("leonard"))],
    },
  );
  k8s(
    aks1,
    `${RBAC}/v1`,
    "RoleBinding",
    { name: "web-team-edit", namespace: "web" },
    {
      roleRef: roleRef("ClusterRole", "edit"),
      subjects: [subject("Group", DEMO_GROUPS.teamWeb)],
    },
  );
  k8s(aks1, "v1", "ServiceAccount", {
    name: "orders-api",
    namespace: "orders",
    annotations: { "azure.workload.identity/client-id": idOrdersApi.clientId },
  });
  k8s(aks1, "v1", "ServiceAccount", {
    name: "orders-worker",
    namespace: "orders",
    annotations: { "azure.workload.identity/client-id": idOrdersWorker.clientId },
  });
  k8s(aks1, "v1", "ServiceAccount", { name: "default", namespace: "orders" });
  k8s(aks1, "v1", "ServiceAccount", { name: "default", namespace: "web" });
  secretProviderClass(aks1, "orders", "orders-kv", "kv-orders", { clientID: idOrdersApi.clientId });
  secretProviderClass(aks1, "web", "web-kv-addon", "kv-aks1-secrets", {
    usePodIdentity: "false",
    useVMManagedIdentity: "true",
    userAssignedIdentityID: aks1KvAddon.clientId,
  });
  pod(
    aks1,
    "orders",
    "orders-api-7d9f8b6c5-x2x4q",
    "orders-api",
    { app: "orders-api", "azure.workload.identity/use": "true" },
    "acrcontoso.azurecr.io/orders-api:2.4.1",
    secretsStoreVolume("orders-kv"),
  );
  pod(
    aks1,
    "orders",
    "orders-worker-5c8d7f9b4-k7m2p",
    "orders-worker",
    { app: "orders-worker", "azure.workload.identity/use": "true" },
    "acrcontoso.azurecr.io/orders-worker:2.4.1",
  );
  pod(
    aks1,
    "web",
    "storefront-6b7c9d8f5-q9w8e",
    "default",
    { app: "storefront" },
    "acrcontoso.azurecr.io/storefront:5.0.3",
    secretsStoreVolume("web-kv-addon"),
  );

  // Kubernetes: aks-2 (AAD Pod Identity) ----------------------------------------------------------
  namespace(aks2, "legacy-inventory", { team: "inventory" });
  namespace(aks2, "web", { team: "web" });
  k8s(
    aks2,
    "aadpodidentity.k8s.io/v1",
    "AzureIdentity",
    { name: "inventory-identity", namespace: "legacy-inventory" },
    {
      spec: { type: 0, resourceID: idInventory.id, clientID: idInventory.clientId },
    },
  );
  k8s(
    aks2,
    "aadpodidentity.k8s.io/v1",
    "AzureIdentityBinding",
    { name: "inventory-identity-binding", namespace: "legacy-inventory" },
    { spec: { azureIdentity: "inventory-identity", selector: "inventory" } },
  );
  k8s(aks2, "v1", "ServiceAccount", { name: "default", namespace: "legacy-inventory" });
  secretProviderClass(aks2, "legacy-inventory", "inventory-kv", "kv-inventory", {
    usePodIdentity: "true",
    userAssignedIdentityID: idInventory.clientId,
  });
  pod(
    aks2,
    "legacy-inventory",
    "inventory-api-84c6d9f7b-r5t6y",
    "default",
    { app: "inventory-api", aadpodidbinding: "inventory" },
    "acrcontoso.azurecr.io/inventory-api:1.9.0",
    secretsStoreVolume("inventory-kv"),
  );
  k8s(
    aks2,
    `${RBAC}/v1`,
    "RoleBinding",
    { name: "web-team-edit", namespace: "web" },
    {
      roleRef: roleRef("ClusterRole", "edit"),
      subjects: [subject("Group", DEMO_GROUPS.teamWeb)],
    },
  );

  // Kubernetes: aks-3 --------------------------------------------------------------------------------
  namespace(aks3, "reporting", { team: "data" });

  // Kubernetes: aks-payments ----------------------------------------------------------------------
  namespace(aksPayments, "payments", { team: "payments" });
  k8s(aksPayments, "v1", "ServiceAccount", {
    name: "payments-api",
    namespace: "payments",
    annotations: { "azure.workload.identity/client-id": idPaymentsApi.clientId },
    labels: { "azure.workload.identity/use": "true" },
  });
  k8s(aksPayments, "v1", "ServiceAccount", { name: "default", namespace: "payments" });
  secretProviderClass(aksPayments, "payments", "payments-kv", "kv-payments", {
    clientID: idPaymentsApi.clientId,
  });
  pod(
    aksPayments,
    "payments",
    "payments-api-6f5d4c3b2-h8j9k",
    "payments-api",
    { app: "payments-api", "azure.workload.identity/use": "true" },
    "acrcontoso.azurecr.io/payments-api:3.2.0",
    secretsStoreVolume("payments-kv"),
  );
  // Mistake: a ClusterRole that reads secrets in every namespace, bound to a whole team.
  k8s(
    aksPayments,
    `${RBAC}/v1`,
    "ClusterRole",
    { name: "secret-reader" },
    {
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
    },
  );
  k8s(
    aksPayments,
    `${RBAC}/v1`,
    "ClusterRoleBinding",
    { name: "payments-secret-reader" },
    {
      roleRef: roleRef("ClusterRole", "secret-reader"),
      subjects: [subject("Group", DEMO_GROUPS.teamPayments)],
    },
  );

  // Kubernetes: aks-dev-1 ----------------------------------------------------------------------
  namespace(aksDev1, "dev", { env: "dev" });
  // Mistakes: a wildcard ClusterRole for every developer, and cluster-admin for every authenticated user.
  k8s(
    aksDev1,
    `${RBAC}/v1`,
    "ClusterRole",
    { name: "dev-superuser" },
    {
      rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    },
  );
  k8s(
    aksDev1,
    `${RBAC}/v1`,
    "ClusterRoleBinding",
    { name: "dev-superuser-binding" },
    {
      roleRef: roleRef("ClusterRole", "dev-superuser"),
      subjects: [subject("Group", DEMO_GROUPS.allDevelopers)],
    },
  );
  k8s(
    aksDev1,
    `${RBAC}/v1`,
    "ClusterRoleBinding",
    { name: "everyone-is-admin" },
    {
      roleRef: roleRef("ClusterRole", "cluster-admin"),
      subjects: [subject("Group", "system:authenticated")],
    },
  );

  // Kubernetes: aks-dev-sandbox ----------------------------------------------------------------
  namespace(aksSandbox, "sandbox", { env: "dev" });
  k8s(aksSandbox, "v1", "ServiceAccount", { name: "ci-runner", namespace: "sandbox" });
  k8s(
    aksSandbox,
    `${RBAC}/v1`,
    "ClusterRoleBinding",
    { name: "ci-runner-admin" },
    {
      roleRef: roleRef("ClusterRole", "cluster-admin"),
      subjects: [{ kind: "ServiceAccount", name: "ci-runner", namespace: "sandbox" }],
    },
  );

  // Paths across planes — added last so every id above keeps its serial. -----------------------
  // Leonard, admin of namespace default on aks-1, can run a pod as default/release-bot, which is
  // federated to id-release-automation, Contributor on aks-2's resource group: the admin credential
  // of aks-2 (local accounts on) is three steps away. Bernadette may assign roles on aks-3's resource
  // group: one self-assignment of AKS RBAC Cluster Admin away from cluster-admin on aks-3.
  addUser(DEMO_USERS.bernadette, "Bernadette Rostenkowski", "bernadette");
  assign(
    R.userAccessAdministrator,
    DEMO_USERS.bernadette,
    "User",
    rg3,
    "Delegated access management for the aks-3 team",
  );
  const idRelease = addIdentity(PROD_SUBSCRIPTION, aks1Rg, "id-release-automation", [
    {
      name: "aks-1-release-bot",
      issuer: aks1.issuerURL ?? "",
      subject: "system:serviceaccount:default:release-bot",
    },
  ]);
  assign(R.contributor, idRelease.principalId, "ServicePrincipal", rg2, "Release automation deploys aks-2");
  k8s(aks1, "v1", "ServiceAccount", {
    name: "release-bot",
    namespace: "default",
    annotations: { "azure.workload.identity/client-id": idRelease.clientId },
  });
  // Mistake: a namespace opened to unauthenticated callers "for the demo dashboard".
  k8s(
    aksSandbox,
    `${RBAC}/v1`,
    "RoleBinding",
    { name: "anonymous-view", namespace: "sandbox" },
    {
      roleRef: roleRef("ClusterRole", "view"),
      subjects: [subject("Group", "system:unauthenticated")],
    },
  );

  // Access that is not standing (issue 14, PIM for Azure resources): Jet holds nothing on aks-3 but
  // is eligible for Azure Kubernetes Service RBAC Cluster Admin there — one activation away from
  // cluster-admin. Wire shape of roleEligibilityScheduleInstances (api-version 2020-10-01).
  const jetEligibility = "e1160000-0000-0000-0000-000000000001";
  const roleEligibilityScheduleInstances: Json[] = [
    roleEligibilityScheduleInstance({
      scope: aks3.id,
      roleDefinitionId: `/subscriptions/${PROD_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${R.aksRbacClusterAdmin}`,
      principalId: DEMO_USERS.jet,
      principalType: "User",
      name: jetEligibility,
      startDateTime: CREATED_ON,
      endDateTime: null,
    }),
  ];

  // Her activation's settings: the role's PIM policy on aks-3 was never changed, so it holds PIM's
  // defaults (lib/model/wire/role-management-policies.ts): no approval (only MFA and a justification),
  // for up to 8 hours — finding eligible-cluster-admin-without-approval. Wire shapes of
  // roleManagementPolicies / roleManagementPolicyAssignments (api-version 2020-10-01).
  const aks3PolicyName = "e1160000-0000-0000-0000-0000000000a3";
  const aks3PolicyId = `${aks3.id}/providers/Microsoft.Authorization/roleManagementPolicies/${aks3PolicyName}`;
  const roleManagementPolicies: Json[] = [
    {
      id: aks3PolicyId,
      name: aks3PolicyName,
      type: "Microsoft.Authorization/roleManagementPolicies",
      properties: {
        scope: aks3.id,
        displayName: "Default",
        isOrganizationDefault: false,
        rules: defaultRoleManagementRules(),
      },
    },
  ];
  const roleManagementPolicyAssignments: Json[] = [
    {
      id: `${aks3.id}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${aks3PolicyName}_${R.aksRbacClusterAdmin}`,
      name: `${aks3PolicyName}_${R.aksRbacClusterAdmin}`,
      type: "Microsoft.Authorization/roleManagementPolicyAssignments",
      properties: {
        scope: aks3.id,
        roleDefinitionId: `/subscriptions/${PROD_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${R.aksRbacClusterAdmin}`,
        policyId: aks3PolicyId,
      },
    },
  ];

  const clusters: Record<string, Json> = {};
  for (const cluster of [aks1, aks2, aks3, aksPayments, aksData, aksDev1, aksSandbox]) {
    clusters[cluster.id] =
      cluster === aksData
        ? { reachable: false, includeDefaults: true, objects: [] }
        : { reachable: true, includeDefaults: true, objects: clusterObjects.get(cluster.id) ?? [] };
  }

  return {
    version: 1,
    tenantId: DEMO_TENANT_ID,
    displayName: "Contoso",
    principals,
    managementGroups: [
      { name: DEMO_TENANT_ID, displayName: "Tenant Root Group", parent: null, subscriptions: [] },
      {
        name: "platform",
        displayName: "Platform",
        parent: DEMO_TENANT_ID,
        subscriptions: [PROD_SUBSCRIPTION],
      },
      {
        name: "nonprod",
        displayName: "Non-production",
        parent: "platform",
        subscriptions: [DEV_SUBSCRIPTION],
      },
    ],
    roleDefinitions,
    roleAssignments,
    roleEligibilityScheduleInstances,
    roleManagementPolicies,
    roleManagementPolicyAssignments,
    subscriptions: [
      {
        subscriptionId: PROD_SUBSCRIPTION,
        displayName: "prod",
        state: "Enabled",
        resources: resourcesBySubscription.get(PROD_SUBSCRIPTION),
      },
      {
        subscriptionId: DEV_SUBSCRIPTION,
        displayName: "dev",
        state: "Enabled",
        resources: resourcesBySubscription.get(DEV_SUBSCRIPTION),
      },
    ],
    clusters,
    // Access that is not standing (issue 14): Faye owns aks-admins, the admin group of the production
    // clusters, so she can add herself and become cluster-admin on aks-1 without holding anything.
    entra: {
      roleAssignments: [],
      roleEligibilities: [],
      groupEligibilities: [],
      applications: [],
      owners: [{ objectId: DEMO_GROUPS.aksAdmins, ownerIds: [DEMO_USERS.faye] }],
    },
  };
}

/** The JSON text of the demo tenant exactly as committed (2-space indent, trailing newline). */
export function demoTenantJson(): string {
  return `${JSON.stringify(buildDemoTenant(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL("./demo-tenant.json", import.meta.url));
  await writeFile(target, demoTenantJson());
  console.log(`wrote ${target}`);
}
