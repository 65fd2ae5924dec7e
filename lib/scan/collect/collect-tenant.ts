import { ArmClients } from "@/lib/azure/arm-clients";
import { readDirectoryWithGovernance } from "@/lib/azure/directory-governance-reader";
import { createGraphClient } from "@/lib/azure/graph-client";
import { withTokenRetries } from "@/lib/azure/retrying-credential";
import { createScanHttpContext, runInScanHttpContext } from "@/lib/azure/scan-http-context";
import type { ScanTarget } from "@/lib/azure/scan-target";
import type {
  Cluster,
  DenyAssignment,
  FederatedCredential,
  ManagedIdentity,
  RoleAssignment,
  RoleAssignmentSchedule,
  RoleDefinition,
  RoleEligibility,
} from "@/lib/model/azure";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  PIM_SOURCE,
} from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";
import type { ClusterKubernetes } from "@/lib/model/kubernetes";
import { withActivation } from "@/lib/model/pim-activation";
import { AZURE_PIM_SOURCE, clusterSource, DIRECTORY_SOURCE, subscriptionSource } from "@/lib/model/sources";
import { emptyTenantModel, type TenantModel, tenantModelSchema } from "@/lib/model/tenant-model";
import { subscriptionFromWire } from "@/lib/model/wire-azure";
import type { SourceError } from "@/lib/net/describe-error";
import { CoverageBook } from "@/lib/scan/collect/coverage-book";
import { managementGroupsSeenAbove } from "@/lib/scan/collect/management-groups-above";
import { PrincipalHintBook } from "@/lib/scan/collect/principal-hints";
import {
  isLicenceError,
  listDenyAssignments,
  listRoleAssignments,
  listRoleDefinitions,
  listRoleEligibilities,
  listTimeBoundAssignments,
} from "@/lib/scan/collect/read-authorization";
import { readCluster } from "@/lib/scan/collect/read-cluster";
import { type ActivationReads, readActivationSettings } from "@/lib/scan/collect/read-pim-policies";
import {
  listClustersThroughArm,
  listFederatedCredentials,
  listIdentitiesThroughArm,
  queryResourceGraph,
  type SubscriptionResources,
} from "@/lib/scan/collect/read-resources";
import {
  homeTenantId,
  listVisibleSubscriptions,
  type ManagementGroupTree,
  readManagementGroups,
  type SubscriptionWire,
} from "@/lib/scan/collect/read-tenant-structure";
import { TaskPool } from "@/lib/scan/collect/task-pool";

// The collection stage: the only stage that does network I/O. It reads a tenant through the official
// SDKs into the normalized model, with per-source coverage. A failing subscription or cluster makes
// the scan partial, never failed: its coverage says why and the rest goes on.

export type CollectProgress = { phase: "collect"; done: number; total: number; current?: string };

export type CollectOptions = {
  /** Bound on concurrent HTTP requests and on concurrent subscription/cluster tasks. Default 8. */
  concurrency?: number;
  /** Time budget of one cluster's Kubernetes read (credential included). Default 120,000 ms. */
  clusterBudgetMs?: number;
  /** Page size asked of every paged API (Resource Graph caps it at 1000). Default 500. */
  pageSize?: number;
  onProgress?: (progress: CollectProgress) => void;
  signal?: AbortSignal;
  /** Transport tuning (tests and benchmarks use short delays). */
  http?: { requestTimeoutMs?: number; maxRetries?: number; retryDelayMs?: number; maxRetryDelayMs?: number };
};

export type CollectResult = {
  model: TenantModel;
  errors: SourceError[];
  /** Requests sent (retries included), by family: arm, resource-graph, graph, entra, kubernetes. */
  apiCalls: Record<string, number>;
  counts: Record<string, number>;
};

/** Kinds of one cluster read at the same time (still within the scan's request bound). */
const PARALLEL_KINDS = 4;

type SubscriptionData = {
  subscription: SubscriptionWire;
  resources: SubscriptionResources | undefined;
  federatedCredentials: FederatedCredential[];
  roleAssignments: RoleAssignment[];
  roleDefinitions: RoleDefinition[];
  roleEligibilities: RoleEligibility[];
  roleAssignmentSchedules: RoleAssignmentSchedule[];
  denyAssignments: DenyAssignment[];
};

function byId<T extends { id: string }>(items: Iterable<T>): T[] {
  const unique = new Map<string, T>();
  for (const item of items) unique.set(item.id, item);
  return [...unique.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export async function collectTenant(
  target: ScanTarget,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const concurrency = options.concurrency ?? 8;
  const pageSize = options.pageSize ?? 500;
  const clusterBudgetMs = options.clusterBudgetMs ?? 120_000;
  const http = createScanHttpContext({
    concurrency,
    ...(options.signal ? { signal: options.signal } : {}),
    ...options.http,
  });
  // Every SDK client and the cluster token requests share one credential that retries flows MSAL gave up on.
  const credential = withTokenRetries(target.credential, http);
  const scanTarget: ScanTarget = { ...target, credential };
  return runInScanHttpContext(http, async () => {
    const clients = new ArmClients(scanTarget, http);
    const book = new CoverageBook();
    book.open(DIRECTORY_SOURCE);
    const counts: Record<string, number> = { resourceGraphFallbacks: 0 };

    let done = 0;
    let total = 1; // the directory
    const progress = (current?: string) =>
      options.onProgress?.({ phase: "collect", done, total, ...(current ? { current } : {}) });
    progress("subscriptions");

    // 1. Subscriptions and management groups.
    const configured = target.subscriptions?.map(normalizeGuid);
    let visible: SubscriptionWire[] = [];
    try {
      visible = await listVisibleSubscriptions(clients);
      book.succeeded(DIRECTORY_SOURCE);
    } catch (error) {
      book.failed(DIRECTORY_SOURCE, "listing subscriptions", error);
    }
    const visibleById = new Map(
      visible.map((subscription) => [normalizeGuid(subscription.subscriptionId), subscription]),
    );
    let subscriptions: SubscriptionWire[];
    if (configured) {
      subscriptions = [];
      for (const id of configured) {
        const found = visibleById.get(id);
        if (found) subscriptions.push(found);
        else {
          book.markNotRead(subscriptionSource(id), "the subscription is not visible to the scanner");
          book.failedWith(
            subscriptionSource(id),
            "subscription",
            "SubscriptionNotFound",
            `subscription ${id} is configured but not visible to the scanner`,
          );
        }
      }
    } else {
      subscriptions = visible;
    }
    const tenantId =
      normalizeGuid(target.tenantId || subscriptions[0]?.tenantId || "") ||
      ((await homeTenantId(clients).catch(() => undefined)) ?? "");

    const managementGroupsRead: Promise<ManagementGroupTree | undefined> = readManagementGroups(
      clients,
      target.armEndpoint,
    )
      .then((tree) => {
        book.succeeded(DIRECTORY_SOURCE);
        return tree;
      })
      .catch((error: unknown) => {
        book.failed(DIRECTORY_SOURCE, "reading management groups", error);
        return undefined;
      });

    // 2. Clusters and identities through Resource Graph, in one query for all subscriptions.
    const subscriptionIds = subscriptions.map((subscription) => normalizeGuid(subscription.subscriptionId));
    for (const id of subscriptionIds) book.open(subscriptionSource(id));
    progress("Resource Graph");
    const graphResult = await queryResourceGraph(clients, subscriptionIds, pageSize);

    // 3. Per subscription (ARM fallback, federated credentials, RBAC) and per cluster, in one pool.
    const pool = new TaskPool(concurrency);
    const subscriptionData = new Map<string, SubscriptionData>();
    const activationReads: ActivationReads = new Map();
    const kubernetes: Record<string, ClusterKubernetes> = {};
    let kubernetesObjects = 0;

    const scheduleCluster = (cluster: Cluster) => {
      const source = clusterSource(cluster.id);
      book.open(source);
      total += 1;
      pool.add(async () => {
        const outcome = await readCluster(
          cluster,
          { clients, credential, http },
          {
            budgetMs: clusterBudgetMs,
            pageSize,
            parallelKinds: PARALLEL_KINDS,
          },
        );
        if (outcome.status === "failed") {
          book.markNotRead(source, `${outcome.stage}: ${outcome.code}: ${outcome.message}`);
          book.failedWith(source, outcome.stage, outcome.code, outcome.message);
        } else {
          const { read } = outcome;
          if (read.unreachable) {
            book.markNotRead(
              source,
              `the API server cannot be reached: ${read.unreachable.code}: ${read.unreachable.message}`,
            );
            book.failedWith(source, "Kubernetes API", read.unreachable.code, read.unreachable.message);
          } else {
            for (const kind of read.kinds) {
              if (kind.error)
                book.failedWith(source, `list ${kind.kind}`, kind.error.code, kind.error.message);
              else book.succeeded(source);
            }
            // A cluster none of whose kinds could be listed has no inventory (not an empty one).
            if (read.kinds.some((kind) => !kind.error)) {
              kubernetes[cluster.id] = read.inventory;
              kubernetesObjects += read.objectCount;
            }
          }
        }
        done += 1;
        progress(cluster.name);
      });
    };

    book.open(AZURE_PIM_SOURCE);
    total += subscriptions.length;
    for (const subscription of subscriptions) {
      const subscriptionId = normalizeGuid(subscription.subscriptionId);
      const source = subscriptionSource(subscriptionId);
      const data: SubscriptionData = {
        subscription,
        resources: graphResult.bySubscription.get(subscriptionId),
        federatedCredentials: [],
        roleAssignments: [],
        roleDefinitions: [],
        roleEligibilities: [],
        roleAssignmentSchedules: [],
        denyAssignments: [],
      };
      subscriptionData.set(subscriptionId, data);
      if (data.resources) {
        book.succeeded(source);
        for (const cluster of data.resources.clusters) scheduleCluster(cluster);
      }
      pool.add(async () => {
        const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
          try {
            const value = await read();
            book.succeeded(source);
            return value;
          } catch (error) {
            book.failed(source, what, error);
            return undefined;
          }
        };
        if (!data.resources) {
          // Resource Graph could not answer for this subscription: the ARM lists instead.
          counts.resourceGraphFallbacks = (counts.resourceGraphFallbacks ?? 0) + 1;
          const [clusters, identities] = await Promise.all([
            attempt("listing managed clusters", () => listClustersThroughArm(clients, subscriptionId)),
            attempt("listing user-assigned identities", () =>
              listIdentitiesThroughArm(clients, subscriptionId),
            ),
          ]);
          data.resources = { clusters: clusters ?? [], identities: identities ?? [] };
          for (const cluster of data.resources.clusters) scheduleCluster(cluster);
        }
        const [assignments, definitions] = await Promise.all([
          attempt("listing role assignments", () => listRoleAssignments(clients, subscriptionId)),
          attempt("listing role definitions", () => listRoleDefinitions(clients, subscriptionId)),
        ]);
        data.roleAssignments = assignments ?? [];
        data.roleDefinitions = definitions ?? [];
        // PIM is its own source: a tenant without Entra ID P2 answers AadPremiumLicenseRequired,
        // which makes that source partial and leaves the subscription complete.
        const pim = async <T>(what: string, read: () => Promise<T[]>): Promise<T[]> => {
          try {
            const value = await read();
            book.succeeded(AZURE_PIM_SOURCE);
            return value;
          } catch (error) {
            if (isLicenceError(error))
              book.limitedBy(AZURE_PIM_SOURCE, `${what} in ${subscriptionId}`, error);
            else book.failed(AZURE_PIM_SOURCE, `${what} in ${subscriptionId}`, error);
            return [];
          }
        };
        const [eligibilities, schedules, denies] = await Promise.all([
          pim("listing role eligibility schedule instances", () =>
            listRoleEligibilities(clients, subscriptionId),
          ).then(async (found) => {
            // Their activation settings (approval, maximum duration): without them each eligibility
            // is still known, its settings not (the PIM source says why).
            if (found.length === 0) return found;
            try {
              return withActivation(
                found,
                await readActivationSettings(clients, subscriptionId, found, activationReads),
              );
            } catch (error) {
              const what = `reading PIM role settings (roleManagementPolicyAssignments) in ${subscriptionId}`;
              if (isLicenceError(error)) book.limitedBy(AZURE_PIM_SOURCE, what, error);
              else book.failed(AZURE_PIM_SOURCE, what, error);
              return found;
            }
          }),
          pim("listing role assignment schedule instances", () =>
            listTimeBoundAssignments(clients, subscriptionId),
          ),
          attempt("listing deny assignments", () => listDenyAssignments(clients, subscriptionId)),
        ]);
        data.roleEligibilities = eligibilities;
        data.roleAssignmentSchedules = schedules;
        data.denyAssignments = denies ?? [];
        for (const identity of data.resources.identities) {
          const credentials = await attempt(`listing federated credentials of ${identity.name}`, () =>
            listFederatedCredentials(clients, identity),
          );
          data.federatedCredentials.push(...(credentials ?? []));
        }
        done += 1;
        progress(subscription.displayName ?? subscriptionId);
      });
    }
    await pool.drain();
    const managementGroups = await managementGroupsRead;

    // 4. Assemble the Azure side (duplicates come from inherited assignments and shared roles).
    const clusters = byId([...subscriptionData.values()].flatMap((data) => data.resources?.clusters ?? []));
    const identities: ManagedIdentity[] = byId(
      [...subscriptionData.values()].flatMap((data) => data.resources?.identities ?? []),
    );
    const roleAssignments = byId([...subscriptionData.values()].flatMap((data) => data.roleAssignments));
    const roleEligibilities = byId([...subscriptionData.values()].flatMap((data) => data.roleEligibilities));
    const roleAssignmentSchedules = byId(
      [...subscriptionData.values()].flatMap((data) => data.roleAssignmentSchedules),
    );
    const denyAssignments = byId([...subscriptionData.values()].flatMap((data) => data.denyAssignments));
    const definitionsByGuid = new Map<string, RoleDefinition>();
    for (const data of subscriptionData.values()) {
      for (const definition of data.roleDefinitions) definitionsByGuid.set(definition.guid, definition);
    }

    // 5. The directory: every principal the scan saw, and the groups among them.
    progress("directory");
    const hints = new PrincipalHintBook();
    for (const identity of identities) hints.add(identity.principalId, "ManagedIdentity");
    for (const cluster of clusters) {
      hints.add(cluster.controlPlaneIdentity.principalId, "ManagedIdentity");
      hints.add(cluster.kubeletIdentity?.objectId, "ManagedIdentity");
      for (const addon of cluster.addons) hints.add(addon.identity?.objectId, "ManagedIdentity");
      for (const entry of cluster.podIdentity.identities)
        hints.add(entry.identity?.objectId, "ManagedIdentity");
      for (const groupId of cluster.entra.adminGroupIds) hints.add(groupId, "Group");
    }
    for (const assignment of roleAssignments) hints.addAssignment(assignment);
    for (const eligibility of roleEligibilities) hints.addAssignment(eligibility);
    for (const deny of denyAssignments) {
      // Group principals of a deny assignment are expanded like any group; "everyone" is no object.
      for (const principal of [...deny.principals, ...deny.excludePrincipals]) {
        if (principal.type === "Group") hints.add(principal.id, "Group");
        else if (principal.type === "User" || principal.type === "ServicePrincipal")
          hints.add(principal.id, principal.type);
      }
    }
    for (const inventory of Object.values(kubernetes)) {
      for (const binding of [...inventory.clusterRoleBindings, ...inventory.roleBindings]) {
        for (const subject of binding.subjects) {
          if (subject.kind !== "ServiceAccount")
            hints.add(subject.name, subject.kind === "Group" ? "Group" : "User");
        }
      }
    }
    const graph = createGraphClient(scanTarget, http);
    let directory: Awaited<ReturnType<typeof readDirectoryWithGovernance>>;
    try {
      directory = await readDirectoryWithGovernance(graph.client, hints.map(), { concurrency });
    } finally {
      graph.close();
    }
    for (const error of directory.errors)
      book.failedWith(error.source, "directory", error.code, error.message);
    if (directory.complete) book.succeeded(DIRECTORY_SOURCE);
    // PIM eligibility is its own source: without P2 it is not read, and that is all it costs.
    book.open(PIM_SOURCE);
    for (let part = 0; part < directory.pimPartsRead; part++) book.succeeded(PIM_SOURCE);
    // Administrative units too: refused (403), they are not read, and unit-scoped roles stay conditional.
    book.open(ADMINISTRATIVE_UNITS_SOURCE);
    for (let part = 0; part < directory.administrativeUnitPartsRead; part++)
      book.succeeded(ADMINISTRATIVE_UNITS_SOURCE);
    // Applications' federated credentials too: a refused list leaves them unknown, closing none stored.
    book.open(APPLICATION_CREDENTIALS_SOURCE);
    for (let part = 0; part < directory.applicationCredentialPartsRead; part++)
      book.succeeded(APPLICATION_CREDENTIALS_SOURCE);
    done += 1;
    progress();

    options.signal?.throwIfAborted();

    // 6. The model, validated.
    const model = emptyTenantModel(tenantId);
    const parentOf = new Map((managementGroups?.groups ?? []).map((group) => [group.id, group.parentId]));
    model.subscriptions = subscriptions
      .map((subscription) => {
        const subscriptionId = normalizeGuid(subscription.subscriptionId);
        const parent = managementGroups?.parentOfSubscription.get(subscriptionId) ?? null;
        const model = subscriptionFromWire(
          { ...subscription, tenantId: subscription.tenantId ?? tenantId },
          parent,
        );
        // What its own lists show above it that the hierarchy (if read at all) does not
        const known = new Set<string>();
        for (let at: string | null | undefined = parent; at && !known.has(at); at = parentOf.get(at))
          known.add(at);
        const data = subscriptionData.get(subscriptionId);
        const above = data
          ? managementGroupsSeenAbove(
              [...data.roleAssignments, ...data.roleEligibilities, ...data.denyAssignments],
              known,
            )
          : [];
        return above.length > 0 ? { ...model, managementGroupsAbove: above } : model;
      })
      .sort((a, b) => a.id.localeCompare(b.id));
    model.managementGroups = byId(managementGroups?.groups ?? []);
    model.clusters = clusters;
    model.identities = identities;
    model.federatedCredentials = byId(
      [...subscriptionData.values()].flatMap((data) => data.federatedCredentials),
    );
    model.roleDefinitions = [...definitionsByGuid.values()].sort((a, b) => a.id.localeCompare(b.id));
    model.roleAssignments = roleAssignments;
    model.roleEligibilities = roleEligibilities;
    model.roleAssignmentSchedules = roleAssignmentSchedules;
    model.denyAssignments = denyAssignments;
    model.principals = directory.principals;
    model.groupMemberships = directory.groupMemberships;
    model.directoryRoleAssignments = directory.directoryRoleAssignments;
    model.groupEligibilities = directory.groupEligibilities;
    model.directoryOwners = directory.directoryOwners;
    model.administrativeUnits = directory.administrativeUnits;
    model.applicationFederatedCredentials = directory.applicationFederatedCredentials;
    model.graphAppRoleAssignments = directory.graphAppRoleAssignments;
    // Clusters finish in any order; the model lists them by id so that two scans of one tenant agree.
    model.kubernetes = Object.fromEntries(Object.entries(kubernetes).sort(([a], [b]) => a.localeCompare(b)));
    model.coverage = book.coverage();
    const validated = tenantModelSchema.parse(model);

    const throttled = http.counter.throttledSnapshot();
    Object.assign(counts, {
      subscriptions: validated.subscriptions.length,
      managementGroups: validated.managementGroups.length,
      clusters: validated.clusters.length,
      clustersRead: Object.keys(kubernetes).length,
      identities: validated.identities.length,
      federatedCredentials: validated.federatedCredentials.length,
      roleDefinitions: validated.roleDefinitions.length,
      roleAssignments: validated.roleAssignments.length,
      roleEligibilities: validated.roleEligibilities.length,
      roleAssignmentSchedules: validated.roleAssignmentSchedules.length,
      denyAssignments: validated.denyAssignments.length,
      principals: validated.principals.length,
      deletedPrincipals: validated.principals.filter((principal) => principal.deleted).length,
      groups: validated.groupMemberships.length,
      kubernetesObjects,
      throttledResponses: Object.values(throttled).reduce((sum, value) => sum + value, 0),
      pacedMs: Math.round(http.governor.totalPausedMs),
    });
    return { model: validated, errors: book.errors, apiCalls: http.counter.snapshot(), counts };
  });
}
