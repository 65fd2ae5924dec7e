/**
 * Mutates a tenant file the way a tenant drifts between two scans — role assignments added and
 * removed, cluster settings flipped, Kubernetes bindings added, removed and changed, federated
 * credentials added and removed — and writes a manifest of exactly what changed. The manifest is
 * the ground truth for drift tests.
 *
 * Reading is not streamed: the input is JSON-decoded into memory (a generated tenant with 100,000
 * role assignments and 100,000 bindings is ~130 MB of JSON and fits comfortably). The output is
 * written in the streaming layout, so unchanged objects keep their exact bytes and a line diff of
 * input and output shows only the changes.
 */
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { z } from "zod";
import { hash32, Rng } from "@/lib/emulator/generate/prng";
import { writeTenantDocument } from "@/lib/emulator/generate/tenant-writer";
import { BUILT_IN_ROLE_IDS } from "@/lib/model/builtin-roles";
import { MANAGED_CLUSTER_TYPE, USER_ASSIGNED_IDENTITY_TYPE } from "@/lib/model/wire/azure";
import { parseJsonText, TenantFileError, validateTenantFile } from "@/lib/model/wire/tenant-file";
import { readTenantFileText } from "@/lib/tenant-file/read-tenant-file";

export const MUTATION_KINDS = [
  "roleAssignment",
  "roleEligibility",
  "roleManagementPolicy",
  "cluster",
  "k8s.roleBinding",
  "k8s.clusterRoleBinding",
  "federatedCredential",
] as const;

export const mutationChangeSchema = z.object({
  op: z.enum(["add", "remove", "change"]),
  kind: z.enum(MUTATION_KINDS),
  /** Lower-cased ARM id, or <lower-cased cluster id>|<Kind>|<namespace or "">|<name> for Kubernetes objects. */
  key: z.string(),
  /** For "change": JSON path inside the object, e.g. $.properties.disableLocalAccounts. */
  field: z.string().optional(),
  /** The object (remove) or field value (change) before; absent when the field did not exist. */
  before: z.unknown().optional(),
  /** The object (add) or field value (change) after. */
  after: z.unknown().optional(),
});

export const mutationManifestSchema = z.object({
  version: z.literal(1),
  seed: z.number(),
  share: z.number(),
  changes: z.array(mutationChangeSchema),
});

export type MutationChange = z.infer<typeof mutationChangeSchema>;
export type MutationManifest = z.infer<typeof mutationManifestSchema>;

export const mutateTenantOptionsSchema = z.object({
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  /** Fraction of each kind of object to change, e.g. 0.01. */
  share: z.number().min(0).max(1).default(0.01),
});

export type MutateTenantOptions = z.input<typeof mutateTenantOptionsSchema>;

type JsonObject = Record<string, unknown>;

const RBAC = "rbac.authorization.k8s.io";

function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A deep copy, so manifest "before" values never alias objects that are changed later. */
function snapshot<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** `count` distinct indexes in [0, size), in ascending order. */
function sampleIndexes(rng: Rng, size: number, count: number): number[] {
  const wanted = Math.min(size, count);
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(rng.int(size));
  return [...chosen].sort((a, b) => a - b);
}

function changesFor(total: number, share: number): number {
  if (total === 0 || share === 0) return 0;
  return Math.max(1, Math.round(total * share));
}

interface ClusterEntry {
  resource: JsonObject;
  key: string;
  data: JsonObject | undefined;
}

/** Applies the mutation to a JSON-decoded tenant in place and returns the changes. */
export function mutateTenantDocument(tenant: JsonObject, options: MutateTenantOptions): MutationChange[] {
  const { seed, share } = mutateTenantOptionsSchema.parse(options);
  const rng = new Rng(hash32(seed, 0x6d757461));
  const changes: MutationChange[] = [];

  const principals = asArray(tenant.principals).map(asObject);
  const groupIds = principals
    .filter((principal) => principal.type === "Group")
    .map((principal) => String(principal.id));
  // How a binding names a user: a member by UPN (AKS's webhook names members by the token's `upn`
  // claim, learn.microsoft.com/azure/aks/kubernetes-rbac-entra-id), anyone else by object id.
  const userNames = principals
    .filter((principal) => principal.type === "User")
    .map((principal) => {
      const upn = typeof principal.userPrincipalName === "string" ? principal.userPrincipalName : "";
      return upn && !upn.toUpperCase().includes("#EXT#") ? upn : String(principal.id);
    });
  const subscriptions = asArray(tenant.subscriptions).map(asObject);
  const resources = subscriptions.flatMap((subscription) => asArray(subscription.resources).map(asObject));
  const clusterDataByKey = new Map<string, JsonObject>();
  for (const [key, data] of Object.entries(asObject(tenant.clusters)))
    clusterDataByKey.set(key.toLowerCase(), asObject(data));
  const clusters: ClusterEntry[] = resources
    .filter((resource) => String(resource.type).toLowerCase() === MANAGED_CLUSTER_TYPE.toLowerCase())
    .map((resource) => {
      const key = String(resource.id).toLowerCase();
      return { resource, key, data: clusterDataByKey.get(key) };
    });

  // Role assignments: remove some, add as many ------------------------------------------------------
  const assignments = asArray(tenant.roleAssignments).map(asObject);
  const assignmentChanges = changesFor(assignments.length, share);
  const removals = new Set(sampleIndexes(rng, assignments.length, Math.floor(assignmentChanges / 2)));
  for (const index of removals) {
    changes.push({
      op: "remove",
      kind: "roleAssignment",
      key: String(assignments[index].id).toLowerCase(),
      before: snapshot(assignments[index]),
    });
  }
  const kept = assignments.filter((_, index) => !removals.has(index));
  const assignablePrincipals = principals.filter((principal) =>
    ["User", "Group"].includes(String(principal.type)),
  );
  const additions = assignmentChanges - removals.size;
  for (let n = 0; n < additions && clusters.length > 0 && assignablePrincipals.length > 0; n++) {
    const cluster = rng.pick(clusters);
    const principal = rng.pick(assignablePrincipals);
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(String(cluster.resource.id))?.[1] ?? "";
    const namespaces = namespacesOf(cluster);
    const scope =
      rng.chance(0.3) && namespaces.length > 0
        ? `${cluster.resource.id}/namespaces/${rng.pick(namespaces)}`
        : String(cluster.resource.id);
    const role = scope.includes("/namespaces/")
      ? rng.pick([BUILT_IN_ROLE_IDS.aksRbacReader, BUILT_IN_ROLE_IDS.aksRbacWriter])
      : rng.pick([
          BUILT_IN_ROLE_IDS.aksClusterUser,
          BUILT_IN_ROLE_IDS.aksRbacReader,
          BUILT_IN_ROLE_IDS.aksRbacAdmin,
        ]);
    const name = rng.uuid();
    const assignment = {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      type: "Microsoft.Authorization/roleAssignments",
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
        principalId: principal.id,
        principalType: principal.type,
        scope,
        condition: null,
        conditionVersion: null,
        createdOn: "2024-06-01T08:00:00.0000000Z",
        updatedOn: "2024-06-01T08:00:00.0000000Z",
      },
    };
    kept.push(assignment);
    changes.push({
      op: "add",
      kind: "roleAssignment",
      key: assignment.id.toLowerCase(),
      after: snapshot(assignment),
    });
  }
  tenant.roleAssignments = kept;

  // PIM eligibility: some withdrawn, as many granted (privileged roles on clusters) ----------------
  // Its own random stream, so the draws of every other kind stay what they were before PIM existed.
  const pimRng = new Rng(hash32(seed, 0x70696d21));
  if (Array.isArray(tenant.roleEligibilityScheduleInstances)) {
    const eligibilities = tenant.roleEligibilityScheduleInstances.map(asObject);
    const eligibilityChanges = changesFor(eligibilities.length, share);
    const withdrawn = new Set(
      sampleIndexes(pimRng, eligibilities.length, Math.floor(eligibilityChanges / 2)),
    );
    for (const index of withdrawn) {
      changes.push({
        op: "remove",
        kind: "roleEligibility",
        key: String(eligibilities[index].id).toLowerCase(),
        before: snapshot(eligibilities[index]),
      });
    }
    const remaining = eligibilities.filter((_, index) => !withdrawn.has(index));
    for (
      let n = 0;
      n < eligibilityChanges - withdrawn.size && clusters.length > 0 && assignablePrincipals.length > 0;
      n++
    ) {
      const cluster = pimRng.pick(clusters);
      const principal = pimRng.pick(assignablePrincipals);
      const scope = String(cluster.resource.id);
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? "";
      const role = pimRng.pick([BUILT_IN_ROLE_IDS.aksRbacClusterAdmin, BUILT_IN_ROLE_IDS.aksClusterAdmin]);
      const name = pimRng.uuid();
      const eligibility = {
        id: `${scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/${name}`,
        name,
        type: "Microsoft.Authorization/roleEligibilityScheduleInstances",
        properties: {
          scope,
          roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: principal.id,
          principalType: principal.type,
          status: "Provisioned",
          startDateTime: "2024-06-01T08:00:00Z",
          endDateTime: null,
          memberType: "Direct",
        },
      };
      remaining.push(eligibility);
      changes.push({
        op: "add",
        kind: "roleEligibility",
        key: eligibility.id.toLowerCase(),
        after: snapshot(eligibility),
      });
    }
    tenant.roleEligibilityScheduleInstances = remaining;
  }

  // PIM role settings: approval switched on or off for some roles at some scopes (the drift that
  // turns eligible-cluster-admin-without-approval). Own stream, so the other kinds draw as before.
  const policyRng = new Rng(hash32(seed, 0x706f6c21));
  if (Array.isArray(tenant.roleManagementPolicies)) {
    const policies = tenant.roleManagementPolicies.map(asObject);
    const withApprovalRule = policies.flatMap((policy) => {
      const rules = asArray(asObject(policy.properties).rules).map(asObject);
      const position = rules.findIndex((rule) => rule.id === "Approval_EndUser_Assignment");
      return position >= 0 ? [{ policy, rule: rules[position], position }] : [];
    });
    const picked = sampleIndexes(
      policyRng,
      withApprovalRule.length,
      changesFor(withApprovalRule.length, share),
    );
    for (const index of picked) {
      const { policy, rule, position } = withApprovalRule[index];
      const before = rule.setting === undefined ? undefined : snapshot(asObject(rule.setting));
      const required = asObject(rule.setting).isApprovalRequired === true;
      const after = {
        ...asObject(rule.setting),
        isApprovalRequired: !required,
        approvalStages:
          required || groupIds.length === 0
            ? []
            : [
                {
                  approvalStageTimeOutInDays: 1,
                  isApproverJustificationRequired: true,
                  escalationTimeInMinutes: 0,
                  primaryApprovers: [
                    {
                      id: policyRng.pick(groupIds),
                      description: "Platform approvers",
                      isBackup: false,
                      userType: "Group",
                    },
                  ],
                  isEscalationEnabled: false,
                  escalationApprovers: [],
                },
              ],
      };
      rule.setting = after;
      changes.push({
        op: "change",
        kind: "roleManagementPolicy",
        key: String(policy.id).toLowerCase(),
        field: `$.properties.rules[${position}].setting`,
        ...(before === undefined ? {} : { before }),
        after: snapshot(after),
      });
    }
  }

  // Cluster settings ----------------------------------------------------------------------------
  for (const index of sampleIndexes(rng, clusters.length, changesFor(clusters.length, share))) {
    const cluster = clusters[index];
    const properties = asObject(cluster.resource.properties);
    cluster.resource.properties = properties;
    const aadProfile =
      properties.aadProfile === undefined || properties.aadProfile === null
        ? undefined
        : asObject(properties.aadProfile);
    const options: string[] = ["disableLocalAccounts"];
    if (aadProfile?.managed === true) options.push("enableAzureRBAC", "adminGroupObjectIDs");
    const setting = rng.pick(options);
    if (setting === "disableLocalAccounts") {
      const before = properties.disableLocalAccounts;
      const after = !(before === true);
      properties.disableLocalAccounts = after;
      changes.push(fieldChange(cluster.key, "$.properties.disableLocalAccounts", before, after));
    } else if (setting === "enableAzureRBAC" && aadProfile) {
      const before = aadProfile.enableAzureRBAC;
      aadProfile.enableAzureRBAC = !(before === true);
      changes.push(
        fieldChange(
          cluster.key,
          "$.properties.aadProfile.enableAzureRBAC",
          before,
          aadProfile.enableAzureRBAC,
        ),
      );
    } else if (aadProfile) {
      const before = aadProfile.adminGroupObjectIDs;
      const current = asArray(before).map(String);
      const candidates = groupIds.filter((group) => !current.includes(group));
      const after =
        current.length > 1 || candidates.length === 0
          ? current.slice(0, -1)
          : [...current, rng.pick(candidates)];
      aadProfile.adminGroupObjectIDs = after;
      changes.push(fieldChange(cluster.key, "$.properties.aadProfile.adminGroupObjectIDs", before, after));
    }
  }

  // Kubernetes bindings (only in reachable clusters, where a scan can see them) -------------------
  const reachable = clusters.filter((cluster) => cluster.data && cluster.data.reachable !== false);
  const bindingRefs: { cluster: ClusterEntry; object: JsonObject }[] = [];
  for (const cluster of reachable) {
    for (const object of asArray(cluster.data?.objects).map(asObject)) {
      if (object.kind === "RoleBinding" || object.kind === "ClusterRoleBinding")
        bindingRefs.push({ cluster, object });
    }
  }
  const bindingChanges = changesFor(bindingRefs.length, share);
  const touched = sampleIndexes(rng, bindingRefs.length, bindingChanges - Math.floor(bindingChanges / 3));
  const removedBindings = new Set<JsonObject>();
  touched.forEach((bindingIndex, position) => {
    const { cluster, object } = bindingRefs[bindingIndex];
    const key = kubernetesKey(cluster.key, object);
    const kind = object.kind === "RoleBinding" ? "k8s.roleBinding" : "k8s.clusterRoleBinding";
    if (position % 2 === 0) {
      removedBindings.add(object);
      changes.push({ op: "remove", kind, key, before: snapshot(object) });
      return;
    }
    // roleRef is immutable in Kubernetes; a binding changes by its subjects.
    const before = object.subjects;
    const subject =
      groupIds.length > 0
        ? { apiGroup: RBAC, kind: "Group", name: rng.pick(groupIds) }
        : { apiGroup: RBAC, kind: "User", name: rng.pick(userNames) };
    const after = [...asArray(before), subject];
    object.subjects = after;
    changes.push({
      op: "change",
      kind,
      key,
      field: "$.subjects",
      ...(before === undefined ? {} : { before: snapshot(before) }),
      after: snapshot(after),
    });
  });
  for (const cluster of reachable) {
    if (!cluster.data) continue;
    cluster.data.objects = asArray(cluster.data.objects).filter(
      (object) => !removedBindings.has(asObject(object)),
    );
  }
  for (let n = 0; n < Math.floor(bindingChanges / 3) && reachable.length > 0; n++) {
    const cluster = rng.pick(reachable);
    const namespaces = namespacesOf(cluster);
    const namespace = namespaces.length > 0 ? rng.pick(namespaces) : "default";
    const name = `drift-${rng.uuid().slice(0, 8)}`;
    const binding = {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: {
        creationTimestamp: "2024-06-01T08:00:00Z",
        name,
        namespace,
        resourceVersion: String(9_000_000 + n),
        uid: rng.uuid(),
      },
      roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: rng.pick(["view", "edit", "admin"]) },
      subjects: [
        groupIds.length > 0
          ? { apiGroup: RBAC, kind: "Group", name: rng.pick(groupIds) }
          : { apiGroup: RBAC, kind: "User", name: rng.pick(userNames) },
      ],
    };
    const objects = asArray(cluster.data?.objects);
    objects.push(binding);
    if (cluster.data) cluster.data.objects = objects;
    changes.push({
      op: "add",
      kind: "k8s.roleBinding",
      key: kubernetesKey(cluster.key, binding),
      after: snapshot(binding),
    });
  }

  // Federated identity credentials ------------------------------------------------------------
  const identities = resources.filter(
    (resource) => String(resource.type).toLowerCase() === USER_ASSIGNED_IDENTITY_TYPE.toLowerCase(),
  );
  const credentialRefs = identities.flatMap((identity) =>
    asArray(identity.federatedIdentityCredentials).map((credential) => ({
      identity,
      credential: asObject(credential),
    })),
  );
  const issuers = clusters
    .map((cluster) => asObject(asObject(asObject(cluster.resource.properties).oidcIssuerProfile)).issuerURL)
    .filter((issuer): issuer is string => typeof issuer === "string");
  const credentialChanges = changesFor(credentialRefs.length, share);
  const removedCredentials = new Set<JsonObject>();
  for (const index of sampleIndexes(rng, credentialRefs.length, Math.floor(credentialChanges / 2))) {
    const { credential } = credentialRefs[index];
    removedCredentials.add(credential);
    changes.push({
      op: "remove",
      kind: "federatedCredential",
      key: String(credential.id).toLowerCase(),
      before: snapshot(credential),
    });
  }
  for (const identity of identities) {
    if (!Array.isArray(identity.federatedIdentityCredentials)) continue;
    identity.federatedIdentityCredentials = identity.federatedIdentityCredentials.filter(
      (credential) => !removedCredentials.has(asObject(credential)),
    );
  }
  for (
    let n = 0;
    n < credentialChanges - Math.floor(credentialChanges / 2) && identities.length > 0 && issuers.length > 0;
    n++
  ) {
    const identity = rng.pick(identities);
    const name = `drift-fic-${rng.uuid().slice(0, 8)}`;
    const credential = {
      id: `${identity.id}/federatedIdentityCredentials/${name}`,
      name,
      type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
      properties: {
        issuer: rng.pick(issuers),
        subject: `system:serviceaccount:drift:${name}`,
        audiences: ["api://AzureADTokenExchange"],
      },
    };
    identity.federatedIdentityCredentials = [...asArray(identity.federatedIdentityCredentials), credential];
    changes.push({
      op: "add",
      kind: "federatedCredential",
      key: credential.id.toLowerCase(),
      after: snapshot(credential),
    });
  }

  return changes;
}

function fieldChange(key: string, field: string, before: unknown, after: unknown): MutationChange {
  return {
    op: "change",
    kind: "cluster",
    key,
    field,
    ...(before === undefined ? {} : { before: snapshot(before) }),
    after: snapshot(after),
  };
}

function kubernetesKey(clusterKey: string, object: JsonObject): string {
  const metadata = asObject(object.metadata);
  return `${clusterKey}|${String(object.kind)}|${metadata.namespace === undefined ? "" : String(metadata.namespace)}|${String(metadata.name)}`;
}

function namespacesOf(cluster: ClusterEntry): string[] {
  return asArray(cluster.data?.objects)
    .map(asObject)
    .filter((object) => object.kind === "Namespace")
    .map((object) => String(asObject(object.metadata).name));
}

/**
 * Reads `inputPath`, mutates about `share` of its objects, writes the result to `outPath` and the
 * manifest to `manifestPath`. The input must be a valid tenant file.
 */
export async function mutateTenant(
  inputPath: string,
  options: MutateTenantOptions,
  outPath: string,
  manifestPath: string,
): Promise<MutationManifest> {
  const parsedOptions = mutateTenantOptionsSchema.parse(options);
  const text = await readTenantFileText(inputPath);
  const document = parseJsonText(text, inputPath);
  const validation = validateTenantFile(document);
  if (validation.errors.length > 0) {
    throw new TenantFileError(
      `Invalid tenant file ${inputPath}: ${validation.errors.length} problems`,
      validation.errors,
    );
  }
  const tenant = asObject(document);
  const changes = mutateTenantDocument(tenant, parsedOptions);
  const out = createWriteStream(outPath);
  await writeTenantDocument(tenant, out);
  out.end();
  await finished(out);
  const manifest: MutationManifest = {
    version: 1,
    seed: parsedOptions.seed,
    share: parsedOptions.share,
    changes,
  };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
