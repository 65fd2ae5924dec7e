/**
 * Generates large, realistic tenant files for tests and benchmarks — as a stream. Nothing but a
 * small per-cluster layout is kept in memory: every principal, resource, assignment and
 * Kubernetes object is derived from (seed, kind, index) and written as soon as it is made, so
 * 100,000 role assignments cost no more memory than 100. The same seed and options always give
 * the same bytes.
 *
 * The mix follows the demo tenant's patterns: managed / legacy / no Entra integration, local
 * accounts on and off, Azure RBAC on and off, workload identity with federated credentials (some
 * dangling), AAD Pod Identity, wildcard and secret-reading ClusterRoles, broad bindings, kubelet
 * and add-on identities, role assignments at management-group, subscription, resource-group,
 * cluster, namespace and resource scope with built-in and custom roles, nested groups, and
 * assignments to principals deleted from the directory.
 */
import type { Writable } from "node:stream";
import { z } from "zod";
import { hash32, partition, partOf, type Rng, rngFor } from "@/lib/emulator/generate/prng";
import { TenantStreamWriter } from "@/lib/emulator/generate/tenant-writer";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { roleEligibilityScheduleInstance } from "@/lib/model/wire/azure";
import { defaultRoleManagementRules, roleSettingsKey } from "@/lib/model/wire/role-management-policies";

const count = z.number().int().min(0).max(10_000_000);

export const generateTenantOptionsSchema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    subscriptions: z.number().int().min(1).max(10_000).default(3),
    clusters: z.number().int().min(1).max(100_000).default(10),
    roleAssignments: count.default(500),
    /** Total RoleBindings + ClusterRoleBindings across clusters (wins over bindingsPerCluster). */
    bindings: count.optional(),
    bindingsPerCluster: count.optional(),
    /** Workload user-assigned identities (kubelet, add-on and control-plane identities come with clusters). */
    identities: count.default(50),
    /** Federated identity credentials across the workload identities; default one per identity. */
    federatedCredentials: count.optional(),
    /** Directory users + groups + applications (managed identities come on top). */
    principals: z.number().int().min(10).max(10_000_000).default(200),
    /** PIM eligible role assignments (privileged roles, mostly eligible); default 10% of roleAssignments. */
    roleEligibilities: count.optional(),
    /** Deny assignments on cluster resource groups; default one per 25 clusters. */
    denyAssignments: count.optional(),
  })
  .strict();

export type GenerateTenantOptions = z.input<typeof generateTenantOptionsSchema>;

export interface GenerateTenantStats {
  principals: number;
  subscriptions: number;
  clusters: number;
  resources: number;
  roleAssignments: number;
  roleEligibilities: number;
  /** PIM role management policies written (one per eligible role and scope, bar ~10% left at PIM's defaults) */
  roleManagementPolicies: number;
  /** of those, how many require approval to activate */
  approvalRequiredPolicies: number;
  timeBoundAssignments: number;
  denyAssignments: number;
  bindings: number;
  kubernetesObjects: number;
  federatedCredentials: number;
  bytes: number;
}

// Streams: one per kind of object, so each kind's objects are independent of the others' counts.
const STREAM = {
  tenant: 1,
  subscription: 2,
  cluster: 3,
  user: 4,
  group: 5,
  application: 6,
  identity: 7,
  federatedCredential: 8,
  roleAssignment: 9,
  binding: 10,
  deletedPrincipal: 11,
  kubeletIdentity: 12,
  addonIdentity: 13,
  controlPlaneIdentity: 14,
  customRole: 15,
  clusterObject: 16,
  roleEligibility: 17,
  roleManagementPolicy: 18,
} as const;

const LOCATIONS = ["westeurope", "northeurope", "eastus", "westus2", "uksouth"];
const TEAMS = [
  "payments",
  "web",
  "orders",
  "inventory",
  "search",
  "identity",
  "data",
  "ml",
  "mobile",
  "billing",
  "catalog",
  "shipping",
  "analytics",
  "support",
  "checkout",
  "pricing",
];
const APPS = [
  "api",
  "worker",
  "frontend",
  "gateway",
  "batch",
  "sync",
  "scheduler",
  "indexer",
  "exporter",
  "consumer",
];
const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Grace",
  "Linus",
  "Margaret",
  "Ken",
  "Barbara",
  "Dennis",
  "Frances",
  "John",
  "Radia",
  "Tim",
  "Hedy",
  "Edsger",
  "Katherine",
  "Donald",
  "Shafi",
  "Leslie",
  "Sophie",
  "Niklaus",
];
const LAST_NAMES = [
  "Lovelace",
  "Turing",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Thompson",
  "Liskov",
  "Ritchie",
  "Allen",
  "Backus",
  "Perlman",
  "Berners-Lee",
  "Lamarr",
  "Dijkstra",
  "Johnson",
  "Knuth",
  "Goldwasser",
  "Lamport",
  "Wilson",
  "Wirth",
];
const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
const CREATED_ON = "2024-05-01T08:00:00.0000000Z";
const K8S_CREATED = "2024-05-02T08:00:00Z";
const RBAC = "rbac.authorization.k8s.io";

// ---------------------------------------------------------------------------------------------
// Layout: the few facts every section needs about subscriptions and clusters

interface SubscriptionInfo {
  index: number;
  id: string;
  name: string;
  env: (typeof ENVIRONMENTS)[number];
  managementGroup: string;
  sharedRg: string;
  registryId: string;
  clusterStart: number;
  clusterEnd: number;
}

interface IdentityRef {
  id: string;
  name: string;
  clientId: string;
  principalId: string;
}

interface ClusterInfo {
  index: number;
  subscription: SubscriptionInfo;
  name: string;
  rg: string;
  nodeRg: string;
  id: string;
  location: string;
  team: string;
  entra: "managed" | "legacy" | "none";
  azureRbac: boolean;
  disableLocalAccounts: boolean;
  oidcIssuer: string | undefined;
  workloadIdentity: boolean;
  podIdentity: boolean;
  privateCluster: boolean;
  disableRunCommand: boolean;
  reachable: boolean;
  namespaces: string[];
  adminGroups: number[];
  kubelet: IdentityRef;
  addons: { name: string; identity: IdentityRef }[];
  controlPlane:
    | { type: "SystemAssigned"; principalId: string; appId: string }
    | { type: "UserAssigned"; identity: IdentityRef };
  wildcardRole: boolean;
  secretReaderRole: boolean;
}

interface Layout {
  seed: number;
  tenantId: string;
  rootGroup: string;
  users: number;
  groups: number;
  applications: number;
  subscriptions: SubscriptionInfo[];
  clusters: ClusterInfo[];
  identities: number;
  identityStarts: number[];
  federatedCredentials: number;
  ficStarts: number[];
  bindings: number;
  bindingStarts: number[];
  roleAssignments: number;
  customRoles: { id: string; name: string; kind: "star" | "namespaceDeployer" | "readerPlus" }[];
}

const identityResourceId = (subscription: string, rg: string, name: string) =>
  `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

function identityRef(rng: Rng, subscription: string, rg: string, name: string): IdentityRef {
  return {
    id: identityResourceId(subscription, rg, name),
    name,
    clientId: rng.uuid(),
    principalId: rng.uuid(),
  };
}

function buildLayout(options: z.output<typeof generateTenantOptionsSchema>): Layout {
  const { seed } = options;
  const tenantRng = rngFor(seed, STREAM.tenant, 0);
  const tenantId = tenantRng.uuid();
  const groups = Math.max(4, Math.floor(options.principals / 20));
  const applications = Math.max(2, Math.floor(options.principals / 50));
  const users = Math.max(1, options.principals - groups - applications);

  const clusterStarts = partition(options.clusters, options.subscriptions);
  const subscriptions: SubscriptionInfo[] = [];
  for (let index = 0; index < options.subscriptions; index++) {
    const rng = rngFor(seed, STREAM.subscription, index);
    const id = rng.uuid();
    const env = ENVIRONMENTS[index % ENVIRONMENTS.length];
    const sharedRg = `rg-shared-${env}-${index}`;
    subscriptions.push({
      index,
      id,
      name: `contoso-${env}-${index}`,
      env,
      managementGroup: env === "prod" ? "corp" : env === "staging" ? "online" : "sandbox",
      sharedRg,
      registryId: `/subscriptions/${id}/resourceGroups/${sharedRg}/providers/Microsoft.ContainerRegistry/registries/acr${env}${index}`,
      clusterStart: clusterStarts[index],
      clusterEnd: clusterStarts[index + 1],
    });
  }

  const clusters: ClusterInfo[] = [];
  for (let index = 0; index < options.clusters; index++) {
    const subscription = subscriptions[partOf(clusterStarts, index)];
    const rng = rngFor(seed, STREAM.cluster, index);
    const team = rng.pick(TEAMS);
    const name = `aks-${team}-${subscription.env}-${index}`;
    const rg = `rg-${team}-${subscription.env}-${index}`;
    const location = rng.pick(LOCATIONS);
    const nodeRg = `MC_${rg}_${name}_${location}`;
    const id = `/subscriptions/${subscription.id}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
    const entra = rng.weighted([
      ["managed", 0.75],
      ["legacy", 0.1],
      ["none", 0.15],
    ] as const);
    const oidc = rng.chance(0.65);
    const namespaceCount = rng.between(2, 8);
    const namespaces: string[] = [];
    for (let n = 0; n < namespaceCount; n++)
      namespaces.push(`${TEAMS[(TEAMS.indexOf(team) + n) % TEAMS.length]}-${n}`);
    const identityRng = rngFor(seed, STREAM.kubeletIdentity, index);
    const addons: { name: string; identity: IdentityRef }[] = [];
    const addonRng = rngFor(seed, STREAM.addonIdentity, index);
    if (rng.chance(0.5))
      addons.push({
        name: "azurepolicy",
        identity: identityRef(addonRng, subscription.id, nodeRg, `azurepolicy-${name}`),
      });
    if (rng.chance(0.5)) {
      addons.push({
        name: "azureKeyvaultSecretsProvider",
        identity: identityRef(addonRng, subscription.id, nodeRg, `azurekeyvaultsecretsprovider-${name}`),
      });
    }
    if (rng.chance(0.3))
      addons.push({
        name: "omsagent",
        identity: identityRef(addonRng, subscription.id, nodeRg, `omsagent-${name}`),
      });
    const controlPlaneRng = rngFor(seed, STREAM.controlPlaneIdentity, index);
    const controlPlane: ClusterInfo["controlPlane"] = rng.chance(0.4)
      ? { type: "UserAssigned", identity: identityRef(controlPlaneRng, subscription.id, rg, `uai-${name}`) }
      : { type: "SystemAssigned", principalId: controlPlaneRng.uuid(), appId: controlPlaneRng.uuid() };
    const adminGroups = entra === "managed" ? (rng.chance(0.8) ? [0] : [0, 2 + rng.int(groups - 2)]) : [];
    clusters.push({
      index,
      subscription,
      name,
      rg,
      nodeRg,
      id,
      location,
      team,
      entra,
      azureRbac: entra === "managed" && rng.chance(0.55),
      disableLocalAccounts: entra === "managed" && rng.chance(0.45),
      oidcIssuer: oidc ? `https://${location}.oic.prod-aks.azure.com/${tenantId}/${rng.uuid()}/` : undefined,
      workloadIdentity: oidc && rng.chance(0.85),
      podIdentity: rng.chance(0.1),
      privateCluster: rng.chance(0.1),
      disableRunCommand: rng.chance(0.3),
      reachable: rng.chance(0.96),
      namespaces,
      adminGroups,
      kubelet: identityRef(identityRng, subscription.id, nodeRg, `${name}-agentpool`),
      addons,
      controlPlane,
      wildcardRole: rng.chance(0.08),
      secretReaderRole: rng.chance(0.12),
    });
  }

  const customRoleRng = rngFor(seed, STREAM.customRole, 0);
  const firstSubscription = subscriptions[0].id;
  const customRoles: Layout["customRoles"] = (
    [
      ["Contoso Automation Operator", "star"],
      ["Contoso AKS Namespace Deployer", "namespaceDeployer"],
      ["Contoso Cluster Reader Plus", "readerPlus"],
    ] as const
  ).map(([name, kind]) => {
    const guid = customRoleRng.uuid();
    return {
      id: `/subscriptions/${firstSubscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      name,
      kind,
    };
  });

  const bindings = options.bindings ?? (options.bindingsPerCluster ?? 30) * options.clusters;
  // Credentials hang off workload identities: without identities there is nothing to federate.
  const federatedCredentials =
    options.identities === 0 ? 0 : (options.federatedCredentials ?? options.identities);
  return {
    seed,
    tenantId,
    rootGroup: tenantId,
    users,
    groups,
    applications,
    subscriptions,
    clusters,
    identities: options.identities,
    identityStarts: partition(options.identities, options.clusters),
    federatedCredentials,
    ficStarts: partition(federatedCredentials, options.identities),
    bindings,
    bindingStarts: partition(bindings, options.clusters),
    roleAssignments: options.roleAssignments,
    customRoles,
  };
}

// ---------------------------------------------------------------------------------------------
// Per-index objects

interface UserInfo {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

function userAt(layout: Layout, index: number): UserInfo {
  const rng = rngFor(layout.seed, STREAM.user, index);
  const id = rng.uuid();
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return {
    id,
    displayName: `${first} ${last}`,
    userPrincipalName: `${first}.${last}.${index}@contoso.example`.toLowerCase(),
  };
}

function groupIdAt(layout: Layout, index: number): string {
  return rngFor(layout.seed, STREAM.group, index).uuid();
}

function groupName(index: number): string {
  if (index === 0) return "aks-admins";
  if (index === 1) return "platform-oncall";
  return `team-${TEAMS[index % TEAMS.length]}-${index}`;
}

function applicationAt(layout: Layout, index: number): { id: string; appId: string; displayName: string } {
  const rng = rngFor(layout.seed, STREAM.application, index);
  return {
    id: rng.uuid(),
    appId: rng.uuid(),
    displayName: index === 0 ? "ci-deployer" : `app-${rng.pick(APPS)}-${index}`,
  };
}

function deletedPrincipalAt(layout: Layout, index: number): string {
  return rngFor(layout.seed, STREAM.deletedPrincipal, index).uuid();
}

interface WorkloadIdentityInfo extends IdentityRef {
  index: number;
  cluster: ClusterInfo;
  namespace: string;
  serviceAccount: string;
  annotated: boolean;
  usesPodIdentity: boolean;
}

function workloadIdentityAt(layout: Layout, index: number): WorkloadIdentityInfo {
  const cluster = layout.clusters[partOf(layout.identityStarts, index)];
  const rng = rngFor(layout.seed, STREAM.identity, index);
  const app = rng.pick(APPS);
  const namespace = rng.pick(cluster.namespaces);
  const name = `id-${namespace}-${app}-${index}`;
  return {
    index,
    cluster,
    namespace,
    serviceAccount: `${app}-${index}`,
    annotated: rng.chance(0.9),
    usesPodIdentity: cluster.podIdentity && rng.chance(0.5),
    ...identityRef(rng, cluster.subscription.id, cluster.rg, name),
  };
}

function federatedCredentialAt(
  layout: Layout,
  index: number,
): { identity: WorkloadIdentityInfo; value: unknown } {
  const identity = workloadIdentityAt(layout, partOf(layout.ficStarts, index));
  const rng = rngFor(layout.seed, STREAM.federatedCredential, index);
  const roll = rng.next();
  const otherCluster = layout.clusters[rng.int(layout.clusters.length)];
  const issuer =
    identity.cluster.oidcIssuer ??
    otherCluster.oidcIssuer ??
    `https://${identity.cluster.location}.oic.prod-aks.azure.com/${layout.tenantId}/${rng.uuid()}/`;
  // Mostly the identity's own service account; some dangling (no such account), some cross-namespace.
  const subject =
    roll < 0.92
      ? `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`
      : roll < 0.97
        ? `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}-old`
        : `system:serviceaccount:${rng.pick(identity.cluster.namespaces)}:${rng.pick(APPS)}-shared`;
  const name = `fic-${identity.cluster.name}-${index}`;
  return {
    identity,
    value: {
      id: `${identity.id}/federatedIdentityCredentials/${name}`,
      name,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
      properties: { issuer, subject, audiences: ["api://AzureADTokenExchange"] },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sections

async function writePrincipals(layout: Layout, writer: TenantStreamWriter): Promise<number> {
  let written = 0;
  await writer.openArray("principals");
  for (let index = 0; index < layout.users; index++) {
    const user = userAt(layout, index);
    await writer.item({
      id: user.id,
      type: "User",
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      accountEnabled: true,
    });
    written++;
  }
  for (let index = 0; index < layout.groups; index++) {
    const rng = rngFor(layout.seed, STREAM.group, index);
    const id = rng.uuid();
    const size = rng.between(2, Math.max(3, Math.ceil((layout.users / layout.groups) * 2)));
    const members = new Set<string>();
    for (let member = 0; member < size; member++) members.add(userAt(layout, rng.int(layout.users)).id);
    // Nesting only points at higher-numbered groups, so membership never cycles.
    if (index === 0 && layout.groups > 1) members.add(groupIdAt(layout, 1));
    else if (index + 1 < layout.groups && rng.chance(0.3)) {
      members.add(groupIdAt(layout, index + 1 + rng.int(layout.groups - index - 1)));
    }
    if (rng.chance(0.05)) members.add(deletedPrincipalAt(layout, rng.int(1000)));
    await writer.item({
      id,
      type: "Group",
      displayName: groupName(index),
      securityEnabled: true,
      members: [...members],
    });
    written++;
  }
  for (let index = 0; index < layout.applications; index++) {
    const app = applicationAt(layout, index);
    await writer.item({
      id: app.id,
      type: "ServicePrincipal",
      displayName: app.displayName,
      appId: app.appId,
      servicePrincipalType: "Application",
    });
    written++;
  }
  const managedIdentity = async (identity: IdentityRef) => {
    await writer.item({
      id: identity.principalId,
      type: "ServicePrincipal",
      displayName: identity.name,
      appId: identity.clientId,
      servicePrincipalType: "ManagedIdentity",
      alternativeNames: ["isExplicit=True", identity.id],
    });
    written++;
  };
  for (const cluster of layout.clusters) {
    await managedIdentity(cluster.kubelet);
    for (const addon of cluster.addons) await managedIdentity(addon.identity);
    if (cluster.controlPlane.type === "UserAssigned") await managedIdentity(cluster.controlPlane.identity);
    else {
      await writer.item({
        id: cluster.controlPlane.principalId,
        type: "ServicePrincipal",
        displayName: cluster.name,
        appId: cluster.controlPlane.appId,
        servicePrincipalType: "ManagedIdentity",
        alternativeNames: ["isExplicit=False", cluster.id],
      });
      written++;
    }
  }
  for (let index = 0; index < layout.identities; index++)
    await managedIdentity(workloadIdentityAt(layout, index));
  await writer.closeArray();
  return written;
}

async function writeManagementGroups(layout: Layout, writer: TenantStreamWriter): Promise<void> {
  const subscriptionsIn = (group: string) =>
    layout.subscriptions
      .filter((subscription) => subscription.managementGroup === group)
      .map((subscription) => subscription.id);
  await writer.openArray("managementGroups");
  await writer.item({
    name: layout.rootGroup,
    displayName: "Tenant Root Group",
    parent: null,
    subscriptions: [],
  });
  await writer.item({
    name: "platform",
    displayName: "Platform",
    parent: layout.rootGroup,
    subscriptions: [],
  });
  await writer.item({
    name: "landing-zones",
    displayName: "Landing zones",
    parent: layout.rootGroup,
    subscriptions: [],
  });
  await writer.item({
    name: "corp",
    displayName: "Corp",
    parent: "landing-zones",
    subscriptions: subscriptionsIn("corp"),
  });
  await writer.item({
    name: "online",
    displayName: "Online",
    parent: "landing-zones",
    subscriptions: subscriptionsIn("online"),
  });
  await writer.item({
    name: "sandbox",
    displayName: "Sandbox",
    parent: layout.rootGroup,
    subscriptions: subscriptionsIn("sandbox"),
  });
  await writer.closeArray();
}

async function writeRoleDefinitions(layout: Layout, writer: TenantStreamWriter): Promise<void> {
  const permissionsOf = (kind: Layout["customRoles"][number]["kind"]) => {
    switch (kind) {
      case "star":
        return { actions: ["*"], notActions: [], dataActions: [], notDataActions: [] };
      case "namespaceDeployer":
        return {
          actions: [
            "Microsoft.ContainerService/managedClusters/read",
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
          ],
          notActions: [],
          dataActions: [
            "Microsoft.ContainerService/managedClusters/apps/deployments/*",
            "Microsoft.ContainerService/managedClusters/services/*",
            "Microsoft.ContainerService/managedClusters/configmaps/*",
          ],
          notDataActions: [],
        };
      case "readerPlus":
        return {
          actions: ["Microsoft.ContainerService/managedClusters/read"],
          notActions: [],
          dataActions: ["Microsoft.ContainerService/managedClusters/*/read"],
          notDataActions: ["Microsoft.ContainerService/managedClusters/secrets/read"],
        };
    }
  };
  await writer.openArray("roleDefinitions");
  for (const role of layout.customRoles) {
    await writer.item({
      id: role.id,
      name: role.id.split("/").at(-1),
      type: "Microsoft.Authorization/roleDefinitions",
      properties: {
        roleName: role.name,
        type: "CustomRole",
        description: `${role.name} (generated)`,
        assignableScopes: layout.subscriptions.map((subscription) => `/subscriptions/${subscription.id}`),
        permissions: [permissionsOf(role.kind)],
        createdOn: CREATED_ON,
        updatedOn: CREATED_ON,
      },
    });
  }
  await writer.closeArray();
}

const R = BUILT_IN_ROLE_IDS;
const BROAD_SCOPE_ROLES: [string, number][] = [
  [R.reader, 0.3],
  [R.aksClusterUser, 0.2],
  [R.contributor, 0.13],
  [R.aksRbacReader, 0.1],
  [R.aksRbacWriter, 0.05],
  [R.aksContributor, 0.05],
  [R.owner, 0.03],
  [R.aksClusterAdmin, 0.03],
  [R.managedIdentityOperator, 0.03],
  [R.userAccessAdministrator, 0.02],
  [R.virtualMachineContributor, 0.02],
  ["custom:star", 0.01],
  ["custom:readerPlus", 0.03],
];
const CLUSTER_SCOPE_ROLES: [string, number][] = [
  [R.aksClusterUser, 0.4],
  [R.aksRbacReader, 0.18],
  [R.aksRbacWriter, 0.12],
  [R.aksRbacAdmin, 0.06],
  [R.aksRbacClusterAdmin, 0.05],
  [R.aksClusterAdmin, 0.05],
  [R.aksContributor, 0.04],
  [R.contributor, 0.04],
  [R.reader, 0.04],
  ["custom:readerPlus", 0.02],
];
const NAMESPACE_SCOPE_ROLES: [string, number][] = [
  [R.aksRbacReader, 0.45],
  [R.aksRbacWriter, 0.35],
  [R.aksRbacAdmin, 0.1],
  ["custom:namespaceDeployer", 0.1],
];

function roleAssignmentAt(layout: Layout, index: number): unknown {
  const rng = rngFor(layout.seed, STREAM.roleAssignment, index);
  const name = rng.uuid();
  const cluster = layout.clusters[rng.int(layout.clusters.length)];
  const subscription = cluster.subscription;
  // Governed tenants keep broad scopes rare: a few hundred assignments at management-group or
  // subscription scope, the rest at resource groups, clusters, namespaces and single resources.
  // (At 2% + 8%, a 100,000-assignment tenant would hand ~10,000 broad roles to every cluster below.)
  // The first two are broad on purpose, so even a small tenant has both kinds.
  const broad = index === 0 ? "managementGroup" : index === 1 ? "subscription" : null;
  const scopeKind =
    broad ??
    rng.weighted([
      ["managementGroup", 0.002],
      ["subscription", 0.01],
      ["resourceGroup", 0.2],
      ["cluster", 0.35],
      ["namespace", 0.25],
      ["resource", 0.188],
    ] as const);

  let scope: string;
  let role: string;
  let principal: { id: string; type: "User" | "Group" | "ServicePrincipal" } | undefined;
  switch (scopeKind) {
    case "managementGroup":
      scope = `/providers/Microsoft.Management/managementGroups/${rng.pick(["platform", "landing-zones", "corp", "online", "sandbox"])}`;
      role = rng.weighted(BROAD_SCOPE_ROLES);
      break;
    case "subscription":
      scope = `/subscriptions/${subscription.id}`;
      role = rng.weighted(BROAD_SCOPE_ROLES);
      break;
    case "resourceGroup":
      scope = `/subscriptions/${subscription.id}/resourceGroups/${rng.chance(0.8) ? cluster.rg : cluster.nodeRg}`;
      role = rng.weighted(BROAD_SCOPE_ROLES);
      break;
    case "cluster":
      scope = cluster.id;
      role = rng.weighted(CLUSTER_SCOPE_ROLES);
      break;
    case "namespace":
      scope = `${cluster.id}/namespaces/${rng.pick(cluster.namespaces)}`;
      role = rng.weighted(NAMESPACE_SCOPE_ROLES);
      break;
    case "resource":
      if (rng.chance(0.6)) {
        // Registry pulls for kubelet identities of the subscription's clusters.
        scope = subscription.registryId;
        role = rng.chance(0.85) ? R.acrPull : R.acrPush;
        const kubeletOwner =
          layout.clusters[
            subscription.clusterStart + rng.int(subscription.clusterEnd - subscription.clusterStart)
          ];
        principal = { id: kubeletOwner.kubelet.principalId, type: "ServicePrincipal" };
      } else {
        scope = cluster.kubelet.id;
        role = R.managedIdentityOperator;
        if (cluster.controlPlane.type === "UserAssigned") {
          principal = { id: cluster.controlPlane.identity.principalId, type: "ServicePrincipal" };
        }
      }
      break;
  }
  if (role.startsWith("custom:")) {
    const kind = role.slice("custom:".length);
    role =
      layout.customRoles
        .find((custom) => custom.kind === kind)
        ?.id.split("/")
        .at(-1) ?? R.reader;
  }
  if (!principal) {
    const principalKind = rng.weighted([
      ["user", 0.45],
      ["group", 0.35],
      ["application", 0.05],
      ["managedIdentity", 0.13],
      ["deleted", 0.02],
    ] as const);
    switch (principalKind) {
      case "user":
        principal = { id: userAt(layout, rng.int(layout.users)).id, type: "User" };
        break;
      case "group":
        principal = { id: groupIdAt(layout, rng.int(layout.groups)), type: "Group" };
        break;
      case "application":
        principal = { id: applicationAt(layout, rng.int(layout.applications)).id, type: "ServicePrincipal" };
        break;
      case "managedIdentity":
        principal = {
          id:
            layout.identities > 0 && rng.chance(0.7)
              ? workloadIdentityAt(layout, rng.int(layout.identities)).principalId
              : cluster.kubelet.principalId,
          type: "ServicePrincipal",
        };
        break;
      case "deleted":
        principal = { id: deletedPrincipalAt(layout, rng.int(1000)), type: "User" };
        break;
    }
  }
  const roleDefinitionId = scope.startsWith("/subscriptions/")
    ? `/subscriptions/${subscription.id}/providers/Microsoft.Authorization/roleDefinitions/${role}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId,
      principalId: principal.id,
      principalType: principal.type,
      scope,
      condition: null,
      conditionVersion: null,
      createdOn: CREATED_ON,
      updatedOn: CREATED_ON,
    },
  };
}

function managedClusterResource(layout: Layout, cluster: ClusterInfo): unknown {
  const ref = (identity: IdentityRef) => ({
    resourceId: identity.id,
    clientId: identity.clientId,
    objectId: identity.principalId,
  });
  const aadProfile =
    cluster.entra === "managed"
      ? {
          managed: true,
          enableAzureRBAC: cluster.azureRbac,
          adminGroupObjectIDs: cluster.adminGroups.map((group) => groupIdAt(layout, group)),
          tenantID: layout.tenantId,
        }
      : cluster.entra === "legacy"
        ? {
            managed: false,
            clientAppID: applicationAt(layout, 0).appId,
            serverAppID: applicationAt(layout, layout.applications - 1).appId,
            tenantID: layout.tenantId,
          }
        : undefined;
  const podIdentities = cluster.podIdentity ? podIdentitiesOf(layout, cluster) : [];
  return {
    id: cluster.id,
    name: cluster.name,
    type: "Microsoft.ContainerService/managedClusters",
    location: cluster.location,
    tags: { env: cluster.subscription.env, team: cluster.team },
    sku: { name: "Base", tier: cluster.subscription.env === "prod" ? "Standard" : "Free" },
    identity:
      cluster.controlPlane.type === "SystemAssigned"
        ? { type: "SystemAssigned", principalId: cluster.controlPlane.principalId, tenantId: layout.tenantId }
        : {
            type: "UserAssigned",
            principalId: null,
            tenantId: null,
            userAssignedIdentities: {
              [cluster.controlPlane.identity.id]: {
                clientId: cluster.controlPlane.identity.clientId,
                principalId: cluster.controlPlane.identity.principalId,
              },
            },
          },
    properties: {
      provisioningState: "Succeeded",
      kubernetesVersion: "1.30.6",
      currentKubernetesVersion: "1.30.6",
      dnsPrefix: cluster.name,
      ...(cluster.privateCluster
        ? { privateFQDN: `${cluster.name}.privatelink.${cluster.location}.azmk8s.io` }
        : { fqdn: `${cluster.name}.hcp.${cluster.location}.azmk8s.io` }),
      agentPoolProfiles: [
        {
          name: "system",
          count: 3,
          vmSize: "Standard_D4s_v5",
          osType: "Linux",
          mode: "System",
          type: "VirtualMachineScaleSets",
        },
      ],
      nodeResourceGroup: cluster.nodeRg,
      enableRBAC: true,
      ...(aadProfile ? { aadProfile } : {}),
      disableLocalAccounts: cluster.disableLocalAccounts,
      identityProfile: { kubeletidentity: ref(cluster.kubelet) },
      addonProfiles: Object.fromEntries(
        cluster.addons.map((addon) => [
          addon.name,
          { enabled: true, config: null, identity: ref(addon.identity) },
        ]),
      ),
      oidcIssuerProfile: cluster.oidcIssuer
        ? { enabled: true, issuerURL: cluster.oidcIssuer }
        : { enabled: false },
      securityProfile: { workloadIdentity: { enabled: cluster.workloadIdentity } },
      podIdentityProfile: cluster.podIdentity
        ? {
            enabled: true,
            userAssignedIdentities: podIdentities.map((identity) => ({
              name: `${identity.serviceAccount}-identity`,
              namespace: identity.namespace,
              bindingSelector: identity.serviceAccount,
              identity: ref(identity),
            })),
          }
        : { enabled: false },
      apiServerAccessProfile: {
        enablePrivateCluster: cluster.privateCluster,
        disableRunCommand: cluster.disableRunCommand,
      },
    },
  };
}

function podIdentitiesOf(layout: Layout, cluster: ClusterInfo): WorkloadIdentityInfo[] {
  const identities: WorkloadIdentityInfo[] = [];
  for (
    let index = layout.identityStarts[cluster.index];
    index < layout.identityStarts[cluster.index + 1];
    index++
  ) {
    const identity = workloadIdentityAt(layout, index);
    if (identity.usesPodIdentity) identities.push(identity);
  }
  return identities;
}

function userAssignedIdentityResource(layout: Layout, identity: IdentityRef, fics: unknown[]): unknown {
  return {
    id: identity.id,
    name: identity.name,
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    location: "westeurope",
    tags: {},
    properties: { clientId: identity.clientId, principalId: identity.principalId, tenantId: layout.tenantId },
    federatedIdentityCredentials: fics,
  };
}

async function writeSubscriptions(
  layout: Layout,
  writer: TenantStreamWriter,
): Promise<{ resources: number; fics: number }> {
  let resources = 0;
  let fics = 0;
  await writer.openSubscriptions();
  for (const subscription of layout.subscriptions) {
    await writer.openSubscription({
      subscriptionId: subscription.id,
      displayName: subscription.name,
      state: "Enabled",
    });
    await writer.item({
      id: subscription.registryId,
      name: subscription.registryId.split("/").at(-1),
      type: "Microsoft.ContainerRegistry/registries",
      location: "westeurope",
      tags: {},
      properties: { adminUserEnabled: subscription.env === "dev" },
    });
    resources++;
    for (
      let clusterIndex = subscription.clusterStart;
      clusterIndex < subscription.clusterEnd;
      clusterIndex++
    ) {
      const cluster = layout.clusters[clusterIndex];
      await writer.item(managedClusterResource(layout, cluster));
      await writer.item(userAssignedIdentityResource(layout, cluster.kubelet, []));
      resources += 2;
      for (const addon of cluster.addons) {
        await writer.item(userAssignedIdentityResource(layout, addon.identity, []));
        resources++;
      }
      if (cluster.controlPlane.type === "UserAssigned") {
        await writer.item(userAssignedIdentityResource(layout, cluster.controlPlane.identity, []));
        resources++;
      }
      for (
        let index = layout.identityStarts[clusterIndex];
        index < layout.identityStarts[clusterIndex + 1];
        index++
      ) {
        const identity = workloadIdentityAt(layout, index);
        const credentials: unknown[] = [];
        for (let fic = layout.ficStarts[index]; fic < layout.ficStarts[index + 1]; fic++) {
          credentials.push(federatedCredentialAt(layout, fic).value);
        }
        fics += credentials.length;
        await writer.item(userAssignedIdentityResource(layout, identity, credentials));
        resources++;
      }
    }
    await writer.closeSubscription();
  }
  await writer.closeSubscriptions();
  return { resources, fics };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects

function metadata(
  rng: Rng,
  name: string,
  namespace: string | undefined,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
) {
  return {
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    creationTimestamp: K8S_CREATED,
    ...(extra.labels ? { labels: extra.labels } : {}),
    name,
    ...(namespace ? { namespace } : {}),
    resourceVersion: String(1000 + rng.int(9_000_000)),
    uid: rng.uuid(),
  };
}

function bindingAt(layout: Layout, cluster: ClusterInfo, index: number): unknown {
  const rng = rngFor(layout.seed, STREAM.binding, index);
  const subjects: unknown[] = [];
  const subjectCount = rng.between(1, 3);
  const isClusterBinding = rng.chance(0.2);
  const namespace = rng.pick(cluster.namespaces);
  for (let n = 0; n < subjectCount; n++) {
    // Most bindings in a real cluster serve controllers, operators and pipelines (service accounts);
    // people come in through a few Entra groups, rarely by name.
    const kind = rng.weighted([
      ["group", 0.22],
      ["user", 0.1],
      ["serviceAccount", 0.65],
      ["broad", 0.03],
    ] as const);
    if (kind === "group")
      subjects.push({ apiGroup: RBAC, kind: "Group", name: groupIdAt(layout, rng.int(layout.groups)) });
    else if (kind === "user") {
      // Every generated user is a member, whom AKS names by the token's `upn` claim
      // (learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id: same-tenant users by UPN). One
      // binding subject in twenty names the object id instead, a real-world mistake that grants
      // nothing; chosen by hash, not drawn, so the binding's random stream stays as it was.
      const person = userAt(layout, rng.int(layout.users));
      const byObjectId = hash32(layout.seed, STREAM.binding, index, n) % 20 === 0;
      subjects.push({
        apiGroup: RBAC,
        kind: "User",
        name: byObjectId ? person.id : person.userPrincipalName,
      });
    } else if (kind === "serviceAccount") {
      const name = rng.pick(["default", "deployer", "controller", "ci-runner", "metrics-reader"]);
      subjects.push({ kind: "ServiceAccount", name, namespace });
    } else {
      subjects.push({
        apiGroup: RBAC,
        kind: "Group",
        name: rng.pick([
          "system:authenticated",
          "system:serviceaccounts",
          `system:serviceaccounts:${namespace}`,
        ]),
      });
    }
  }
  if (isClusterBinding) {
    const roleName = rng.weighted([
      ["view", 0.5],
      ["edit", 0.15],
      ["cluster-admin", 0.1],
      [cluster.wildcardRole ? "ops-superuser" : "view", 0.12],
      [cluster.secretReaderRole ? "secret-reader" : "view", 0.13],
    ] as const);
    return {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: metadata(rng, `${roleName}-${cluster.team}-${index}`, undefined),
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: roleName },
      subjects,
    };
  }
  const useRole = rng.chance(0.25);
  const roleName = useRole ? "deployer" : rng.pick(["admin", "edit", "edit", "view", "view"]);
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "RoleBinding",
    metadata: metadata(rng, `${roleName}-${namespace}-${index}`, namespace),
    roleRef: { apiGroup: RBAC, kind: useRole ? "Role" : "ClusterRole", name: roleName },
    subjects,
  };
}

async function writeClusterObjects(
  layout: Layout,
  cluster: ClusterInfo,
  writer: TenantStreamWriter,
): Promise<number> {
  let written = 0;
  const rng = rngFor(layout.seed, STREAM.clusterObject, cluster.index);
  const item = async (value: unknown) => {
    await writer.item(value);
    written++;
  };
  for (const namespace of cluster.namespaces) {
    await item({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: metadata(rng, namespace, undefined, {
        labels: { "kubernetes.io/metadata.name": namespace, team: cluster.team },
      }),
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
    await item({ apiVersion: "v1", kind: "ServiceAccount", metadata: metadata(rng, "default", namespace) });
    await item({
      apiVersion: `${RBAC}/v1`,
      kind: "Role",
      metadata: metadata(rng, "deployer", namespace),
      rules: [
        {
          apiGroups: ["apps"],
          resources: ["deployments", "replicasets"],
          verbs: ["get", "list", "watch", "create", "update", "patch"],
        },
        {
          apiGroups: [""],
          resources: ["services", "configmaps"],
          verbs: ["get", "list", "watch", "create", "update", "patch"],
        },
        { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
      ],
    });
  }
  if (cluster.wildcardRole) {
    await item({
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRole",
      metadata: metadata(rng, "ops-superuser", undefined),
      rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    });
  }
  if (cluster.secretReaderRole) {
    await item({
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRole",
      metadata: metadata(rng, "secret-reader", undefined),
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
    });
  }
  for (
    let index = layout.identityStarts[cluster.index];
    index < layout.identityStarts[cluster.index + 1];
    index++
  ) {
    const identity = workloadIdentityAt(layout, index);
    if (identity.usesPodIdentity) {
      await item({
        apiVersion: "aadpodidentity.k8s.io/v1",
        kind: "AzureIdentity",
        metadata: metadata(rng, `${identity.serviceAccount}-identity`, identity.namespace),
        spec: { type: 0, resourceID: identity.id, clientID: identity.clientId },
      });
      await item({
        apiVersion: "aadpodidentity.k8s.io/v1",
        kind: "AzureIdentityBinding",
        metadata: metadata(rng, `${identity.serviceAccount}-binding`, identity.namespace),
        spec: { azureIdentity: `${identity.serviceAccount}-identity`, selector: identity.serviceAccount },
      });
      await item({
        apiVersion: "v1",
        kind: "Pod",
        metadata: metadata(rng, `${identity.serviceAccount}-0`, identity.namespace, {
          labels: { app: identity.serviceAccount, aadpodidbinding: identity.serviceAccount },
        }),
        spec: {
          serviceAccountName: "default",
          containers: [{ name: "app", image: `acr.azurecr.io/${identity.serviceAccount}:1.0` }],
        },
        status: { phase: "Running" },
      });
      continue;
    }
    await item({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: metadata(rng, identity.serviceAccount, identity.namespace, {
        ...(identity.annotated
          ? { annotations: { "azure.workload.identity/client-id": identity.clientId } }
          : {}),
      }),
    });
    await item({
      apiVersion: "v1",
      kind: "Pod",
      metadata: metadata(rng, `${identity.serviceAccount}-0`, identity.namespace, {
        labels: { app: identity.serviceAccount, "azure.workload.identity/use": "true" },
      }),
      spec: {
        serviceAccountName: identity.serviceAccount,
        containers: [{ name: "app", image: `acr.azurecr.io/${identity.serviceAccount}:1.0` }],
      },
      status: { phase: "Running" },
    });
  }
  for (
    let index = layout.bindingStarts[cluster.index];
    index < layout.bindingStarts[cluster.index + 1];
    index++
  ) {
    await item(bindingAt(layout, cluster, index));
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// Access that is not standing: governed tenants hold most privileged access as PIM eligibility,
// a few active assignments are time-bound, and deployment stacks leave deny assignments.

const ELIGIBLE_ROLES = [
  [R.aksRbacClusterAdmin, 0.3],
  [R.aksRbacAdmin, 0.15],
  [R.aksClusterAdmin, 0.15],
  [R.contributor, 0.25],
  [R.owner, 0.1],
  [R.userAccessAdministrator, 0.05],
] as const;

/** Every ~100th role assignment is a time-bound active one (ends within the year after CREATED_ON). */
function isTimeBound(index: number): boolean {
  return index % 97 === 3;
}

function roleEligibilityAt(layout: Layout, index: number): unknown {
  const rng = rngFor(layout.seed, STREAM.roleEligibility, index);
  const name = rng.uuid();
  const cluster = layout.clusters[rng.int(layout.clusters.length)];
  const subscription = cluster.subscription;
  const scope = rng.weighted([
    [cluster.id, 0.5],
    [`/subscriptions/${subscription.id}/resourceGroups/${cluster.rg}`, 0.3],
    [`/subscriptions/${subscription.id}`, 0.2],
  ] as const);
  const role = rng.weighted(ELIGIBLE_ROLES);
  const principal = rng.chance(0.6)
    ? { id: userAt(layout, rng.int(layout.users)).id, type: "User" as const }
    : { id: groupIdAt(layout, rng.int(layout.groups)), type: "Group" as const };
  // PIM's default: eligible for a year; some are permanent.
  const endDateTime = rng.chance(0.6) ? `202${5 + rng.int(3)}-0${1 + rng.int(9)}-15T08:00:00Z` : null;
  return roleEligibilityScheduleInstance({
    scope,
    roleDefinitionId: `/subscriptions/${subscription.id}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: principal.id,
    principalType: principal.type,
    name,
    startDateTime: "2024-05-01T08:00:00Z",
    endDateTime,
  });
}

// PIM role settings: a governed tenant configures the roles it hands out as eligible — most of the
// roles that reach cluster-admin need an approver's yes, some were never configured (PIM's defaults:
// no approval, learn.microsoft.com/entra/id-governance/privileged-identity-management/
// pim-resource-roles-configure-role-settings), some were set to self-activation on purpose.

/** Roles whose activation is cluster-admin (directly, or through roleAssignments/write). */
const CLUSTER_ADMIN_ELIGIBLE: ReadonlySet<string> = new Set([
  R.aksRbacClusterAdmin,
  R.aksClusterAdmin,
  R.owner,
  R.userAccessAdministrator,
]);
/** Share of eligible (scope, role) pairs with no policy in the file (they get PIM's defaults). */
const UNCONFIGURED_SHARE = 0.1;

type RoleAtScope = { scope: string; roleDefinitionId: string; roleGuid: string };

/** The policy and its assignment for the `index`-th distinct eligible (scope, role), or null: left at defaults. */
function roleManagementPolicyAt(
  layout: Layout,
  index: number,
  target: RoleAtScope,
): { policy: Record<string, unknown>; assignment: Record<string, unknown>; approval: boolean } | null {
  const rng = rngFor(layout.seed, STREAM.roleManagementPolicy, index);
  if (rng.chance(UNCONFIGURED_SHARE)) return null;
  const name = rng.uuid();
  const approval = layout.groups > 0 && rng.chance(CLUSTER_ADMIN_ELIGIBLE.has(target.roleGuid) ? 0.8 : 0.5);
  const maximumDuration = rng.weighted([
    ["PT8H", 0.5],
    ["PT4H", 0.25],
    ["PT1H", 0.15],
    ["P1D", 0.1],
  ] as const);
  const approvers = approval
    ? [
        {
          id: groupIdAt(layout, rng.int(layout.groups)),
          description: "Platform approvers",
          isBackup: false,
          userType: "Group",
        },
      ]
    : [];
  const rules = defaultRoleManagementRules().map((rule) => {
    if (rule.id === "Approval_EndUser_Assignment" && rule.ruleType === "RoleManagementPolicyApprovalRule")
      return {
        ...rule,
        setting: {
          ...rule.setting,
          isApprovalRequired: approval,
          approvalStages: approval
            ? [
                {
                  approvalStageTimeOutInDays: 1,
                  isApproverJustificationRequired: true,
                  escalationTimeInMinutes: 0,
                  primaryApprovers: approvers,
                  isEscalationEnabled: false,
                  escalationApprovers: [],
                },
              ]
            : [],
        },
      };
    if (rule.id === "Expiration_EndUser_Assignment") return { ...rule, maximumDuration };
    return rule;
  });
  const policyId = `${target.scope}/providers/Microsoft.Authorization/roleManagementPolicies/${name}`;
  const assignmentName = `${name}_${target.roleGuid}`;
  return {
    approval,
    policy: {
      id: policyId,
      name,
      type: "Microsoft.Authorization/roleManagementPolicies",
      properties: {
        scope: target.scope,
        displayName: "Default",
        description: "Role settings set by the platform team",
        isOrganizationDefault: false,
        lastModifiedDateTime: "2024-05-01T08:00:00Z",
        rules,
      },
    },
    assignment: {
      id: `${target.scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${assignmentName}`,
      name: assignmentName,
      type: "Microsoft.Authorization/roleManagementPolicyAssignments",
      properties: { scope: target.scope, roleDefinitionId: target.roleDefinitionId, policyId },
    },
  };
}

function timeBoundInstanceAt(layout: Layout, index: number): unknown {
  const assignment = roleAssignmentAt(layout, index) as {
    id: string;
    name: string;
    properties: { scope: string; roleDefinitionId: string; principalId: string; principalType: string };
  };
  const { scope, roleDefinitionId, principalId, principalType } = assignment.properties;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/${assignment.name}`,
    name: assignment.name,
    type: "Microsoft.Authorization/roleAssignmentScheduleInstances",
    properties: {
      scope,
      roleDefinitionId,
      principalId,
      principalType,
      status: "Provisioned",
      startDateTime: "2024-05-01T08:00:00Z",
      endDateTime: `2025-0${1 + (index % 9)}-01T08:00:00Z`,
      memberType: "Direct",
      assignmentType: "Assigned",
      originRoleAssignmentId: assignment.id,
    },
  };
}

function denyAssignmentAt(layout: Layout, index: number): unknown {
  const cluster = layout.clusters[(index * 25) % layout.clusters.length];
  const scope = `/subscriptions/${cluster.subscription.id}/resourceGroups/${cluster.rg}`;
  const name = `de000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/denyAssignments/${name}`,
    name,
    type: "Microsoft.Authorization/denyAssignments",
    properties: {
      denyAssignmentName: `Deployment stack deny settings for ${cluster.rg}`,
      description: "Created by a deployment stack (denySettingsMode: denyWriteAndDelete)",
      permissions: [
        {
          actions: [
            "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
            "Microsoft.ContainerService/managedClusters/accessProfiles/listCredential/action",
          ],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ],
      scope,
      doNotApplyToChildScopes: false,
      principals: [{ id: "00000000-0000-0000-0000-000000000000", type: "SystemDefined" }],
      excludePrincipals: layout.groups > 0 ? [{ id: groupIdAt(layout, 0), type: "Group" }] : [],
      isSystemProtected: true,
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** Writes a generated tenant to `out` (which is flushed, not ended). Deterministic by seed. */
export async function generateTenant(
  options: GenerateTenantOptions,
  out: Writable,
): Promise<GenerateTenantStats> {
  const parsed = generateTenantOptionsSchema.parse(options);
  const layout = buildLayout(parsed);
  const roleEligibilities = parsed.roleEligibilities ?? Math.ceil(parsed.roleAssignments * 0.1);
  const denyAssignments = parsed.denyAssignments ?? Math.ceil(parsed.clusters / 25);
  const writer = new TenantStreamWriter(out);
  await writer.header({
    version: 1,
    tenantId: layout.tenantId,
    displayName: `Generated tenant (seed ${layout.seed})`,
  });
  const principals = await writePrincipals(layout, writer);
  await writeManagementGroups(layout, writer);
  await writeRoleDefinitions(layout, writer);
  await writer.openArray("roleAssignments");
  for (let index = 0; index < layout.roleAssignments; index++)
    await writer.item(roleAssignmentAt(layout, index));
  await writer.closeArray();
  await writer.openArray("roleEligibilityScheduleInstances");
  // The distinct (scope, role) pairs the eligibilities name, in order of first appearance: each gets a
  // role management policy. Memory: one entry per pair, at most 6 roles × the clusters' scopes.
  const eligibleRoles = new Map<string, RoleAtScope>();
  for (let index = 0; index < roleEligibilities; index++) {
    const eligibility = roleEligibilityAt(layout, index) as {
      properties: { scope: string; roleDefinitionId: string };
    };
    await writer.item(eligibility);
    const { scope, roleDefinitionId } = eligibility.properties;
    const key = roleSettingsKey(scope, roleDefinitionId);
    if (!eligibleRoles.has(key))
      eligibleRoles.set(key, { scope, roleDefinitionId, roleGuid: roleDefinitionId.split("/").at(-1) ?? "" });
  }
  await writer.closeArray();
  const policies = [...eligibleRoles.values()].map((target, index) =>
    roleManagementPolicyAt(layout, index, target),
  );
  await writer.openArray("roleManagementPolicies");
  let roleManagementPolicies = 0;
  let approvalRequiredPolicies = 0;
  for (const written of policies) {
    if (!written) continue;
    await writer.item(written.policy);
    roleManagementPolicies += 1;
    if (written.approval) approvalRequiredPolicies += 1;
  }
  await writer.closeArray();
  await writer.openArray("roleManagementPolicyAssignments");
  for (const written of policies) if (written) await writer.item(written.assignment);
  await writer.closeArray();
  await writer.openArray("roleAssignmentScheduleInstances");
  let timeBoundAssignments = 0;
  for (let index = 0; index < layout.roleAssignments; index++) {
    if (!isTimeBound(index)) continue;
    await writer.item(timeBoundInstanceAt(layout, index));
    timeBoundAssignments += 1;
  }
  await writer.closeArray();
  await writer.openArray("denyAssignments");
  for (let index = 0; index < denyAssignments; index++) await writer.item(denyAssignmentAt(layout, index));
  await writer.closeArray();
  const { resources, fics } = await writeSubscriptions(layout, writer);
  await writer.openClusters();
  let kubernetesObjects = 0;
  for (const cluster of layout.clusters) {
    await writer.openCluster(cluster.id, { reachable: cluster.reachable, includeDefaults: true });
    kubernetesObjects += await writeClusterObjects(layout, cluster, writer);
    await writer.closeCluster();
  }
  await writer.finish();
  return {
    principals,
    subscriptions: layout.subscriptions.length,
    clusters: layout.clusters.length,
    resources,
    roleAssignments: layout.roleAssignments,
    roleEligibilities,
    roleManagementPolicies,
    approvalRequiredPolicies,
    timeBoundAssignments,
    denyAssignments,
    bindings: layout.bindings,
    kubernetesObjects,
    federatedCredentials: fics,
    bytes: writer.bytesWritten,
  };
}
