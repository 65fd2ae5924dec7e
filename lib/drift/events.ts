import type { z } from "zod";
import { BESIDE_SHORTEST, ESCALATION_ACTION } from "@/lib/access/labels";
import {
  type AccessEscalationData,
  type AccessGrantData,
  accessEscalationDataSchema,
  accessGrantDataSchema,
} from "@/lib/access/records";
import type { AccessPrincipal, PathStep } from "@/lib/access/types";
import { type Finding, findingSchema } from "@/lib/findings/types";
import { roleEligibilitySchema } from "@/lib/model/azure";
import {
  type DirectoryOwnership,
  directoryOwnershipSchema,
  directoryRoleAssignmentSchema,
  groupEligibilitySchema,
} from "@/lib/model/directory";
import type { ChangedRecord } from "./changed-records";
import { diffJson } from "./json-diff";
import { clusterIdWithin, type LabelBook } from "./labels";
import { driftClusterHref, driftObjectHref, principalHref } from "./links";
import {
  accessGainedSeverity,
  accessLostSeverity,
  eligibleGainedSeverity,
  escalationGainedSeverity,
  inventorySeverity,
  ownerAddedSeverity,
  SEVERITY_RANK,
} from "./severity";
import type { DriftEvent, DriftEventKind, EvidenceLink, FieldChange } from "./types";

// One drift event per changed record: access grants and escalations become "gained/lost", findings
// "opened/resolved", inventory objects "added/removed/changed". Pure: the records and the names come in,
// the events go out.

// The access record format is lib/access/records.ts's (one definition for writer and readers).
const grantDataSchema = accessGrantDataSchema;
type GrantData = AccessGrantData;
const escalationDataSchema = accessEscalationDataSchema;
type EscalationData = AccessEscalationData;

export type EventContext = { from: bigint; to: bigint; labels: LabelBook };

const PRINCIPAL_KIND_LABEL: Record<AccessPrincipal["kind"], string> = {
  User: "User",
  Group: "Group",
  ServicePrincipal: "Application",
  ManagedIdentity: "Managed identity",
  KubernetesUser: "Kubernetes user",
  KubernetesGroup: "Kubernetes group",
  ServiceAccount: "Service account",
};

const INVENTORY_KIND_LABEL: Record<string, string> = {
  subscription: "Subscription",
  managementGroup: "Management group",
  cluster: "Cluster",
  identity: "Managed identity",
  federatedCredential: "Federated credential",
  roleDefinition: "Role definition",
  roleAssignment: "Role assignment",
  principal: "Principal",
  groupMembership: "Group membership",
  "k8s.clusterRole": "ClusterRole",
  "k8s.clusterRoleBinding": "ClusterRoleBinding",
  "k8s.role": "Role",
  "k8s.roleBinding": "RoleBinding",
  "k8s.namespace": "Namespace",
  "k8s.serviceAccount": "Service account",
  "k8s.pod": "Pod",
  "k8s.azureIdentity": "AzureIdentity",
  "k8s.azureIdentityBinding": "AzureIdentityBinding",
  "k8s.azurePodIdentityException": "AzurePodIdentityException",
  "k8s.secretProviderClass": "SecretProviderClass",
  roleEligibility: "PIM eligibility",
  groupEligibility: "PIM for Groups eligibility",
  directoryRoleAssignment: "Directory role",
  directoryOwnership: "Owners of",
  administrativeUnit: "Administrative unit",
  applicationFederatedCredential: "Application federated credential",
  graphAppRoleAssignment: "Microsoft Graph application permission",
  denyAssignment: "Deny assignment",
};

export function inventoryKindLabel(kind: string): string {
  return INVENTORY_KIND_LABEL[kind] ?? kind;
}

export function principalLabel(principal: AccessPrincipal): string {
  return `${PRINCIPAL_KIND_LABEL[principal.kind]} ${principal.displayName}`;
}

/** The event a changed record makes. */
export function driftEvent(change: ChangedRecord, ctx: EventContext): DriftEvent {
  switch (change.kind) {
    case "access.grant": {
      const event = grantEvent(change, ctx);
      if (event) return event;
      break;
    }
    case "access.escalation": {
      const event = escalationEvent(change, ctx);
      if (event) return event;
      break;
    }
    case "finding": {
      const event = findingEvent(change, ctx);
      if (event) return event;
      break;
    }
    case "roleEligibility":
    case "groupEligibility":
    case "directoryRoleAssignment": {
      const event = eligibilityEvent(change, ctx);
      if (event) return event;
      break;
    }
    case "directoryOwnership": {
      const event = ownershipEvent(change, ctx);
      if (event) return event;
      break;
    }
  }
  return objectEvent(change, ctx);
}

/** Most severe first, then by kind and message, so output is stable. */
export function compareEvents(a: DriftEvent, b: DriftEvent): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.kind.localeCompare(b.kind) ||
    a.message.localeCompare(b.message) ||
    a.subject.key.localeCompare(b.subject.key)
  );
}

function parsed<T>(schema: z.ZodType<T>, data: unknown): T | null | undefined {
  if (data === null || data === undefined) return null;
  const result = schema.safeParse(data);
  return result.success ? result.data : undefined;
}

function endsOf<T>(schema: z.ZodType<T>, change: ChangedRecord) {
  const before = parsed(schema, change.before?.data);
  const after = parsed(schema, change.after?.data);
  // undefined = stored data this version does not understand: fall back to a plain object event.
  if (before === undefined || after === undefined) return null;
  const current = after ?? before;
  if (!current) return null;
  return { before, after, current };
}

function namespaceText(namespace: string | null): string {
  return namespace === null ? "" : ` in namespace ${namespace}`;
}

function base(change: ChangedRecord, ctx: EventContext, label: string) {
  const changes =
    change.before && change.after ? diffJson(change.before.data, change.after.data) : ([] as FieldChange[]);
  return {
    subject: { kind: change.kind, key: change.naturalKey, label },
    before: change.before?.data ?? null,
    after: change.after?.data ?? null,
    changes,
    diffLink: {
      label: "Compare versions",
      href: driftObjectHref({ kind: change.kind, key: change.naturalKey, from: ctx.from, to: ctx.to }),
    },
  };
}

/** A drift event from its verdict and the record's common parts; the diff link always comes first. */
function assembleEvent(
  common: ReturnType<typeof base>,
  verdict: Pick<DriftEvent, "kind" | "severity" | "message" | "cluster">,
  links: EvidenceLink[],
): DriftEvent {
  return {
    ...verdict,
    subject: common.subject,
    before: common.before,
    after: common.after,
    changes: common.changes,
    links: [common.diffLink, ...links],
  };
}

/** Links for a principal's access on a cluster: the principal, the cluster's drift, the path's objects. */
function accessLinks(
  who: string,
  current: {
    principal: AccessPrincipal;
    cluster: { id: string; name: string };
    paths: readonly PathStep[][];
  },
  ctx: EventContext,
): EvidenceLink[] {
  return [
    { label: who, href: principalHref(current.principal.id) },
    ...clusterLinks(current.cluster, ctx),
    ...pathLinks(current.paths, ctx),
  ];
}

function clusterLinks(cluster: { id: string; name: string } | null, ctx: EventContext): EvidenceLink[] {
  if (!cluster) return [];
  return [{ label: `Drift of ${cluster.name}`, href: driftClusterHref(cluster.id, ctx.from, ctx.to) }];
}

/** The objects an access path goes through, as links to their history. */
function pathLinks(paths: readonly PathStep[][], ctx: EventContext): EvidenceLink[] {
  const links: EvidenceLink[] = [];
  for (const step of paths[0] ?? []) {
    if (!(step.kind in INVENTORY_KIND_LABEL) || step.kind === "cluster") continue;
    links.push({
      label: `${inventoryKindLabel(step.kind)} ${step.label}`,
      href: driftObjectHref({ kind: step.kind, key: step.id, from: ctx.from, to: ctx.to }),
    });
  }
  return links.slice(0, 4);
}

function grantEvent(change: ChangedRecord, ctx: EventContext): DriftEvent | null {
  const ends = endsOf<GrantData>(grantDataSchema, change);
  if (!ends) return null;
  const { before, after, current } = ends;
  const who = principalLabel(current.principal);
  const what = `${current.level}${namespaceText(current.namespace)} on ${current.cluster.name} through ${current.route}`;
  const condition = current.conditional ? " (with a condition)" : "";
  const eligibleWhat = `${current.level}${namespaceText(current.namespace)} on ${current.cluster.name} (PIM activation, through ${current.route})`;
  let kind: DriftEventKind;
  let message: string;
  let severity: DriftEvent["severity"];
  if (!before && after?.eligible) {
    kind = "access.eligible";
    message = `${who} became eligible for ${eligibleWhat}${condition}`;
    severity = eligibleGainedSeverity(after);
  } else if (!after && before?.eligible) {
    kind = "access.eligibility-ended";
    message = `${who} is no longer eligible for ${eligibleWhat}`;
    severity = "info";
  } else if (before && after && Boolean(before.eligible) !== Boolean(after.eligible)) {
    kind = "access.changed";
    if (after.eligible) {
      message = `${who} holds ${what} only through PIM now (was standing)`;
      severity = "low";
    } else {
      message = `${who} now holds ${what} standing (was eligible through PIM)`;
      severity = accessGainedSeverity(after);
    }
  } else if (!before) {
    kind = "access.gained";
    message = `${who} gained ${what}${condition}`;
    severity = accessGainedSeverity(current);
  } else if (!after) {
    kind = "access.lost";
    message = `${who} lost ${what}`;
    severity = accessLostSeverity(current.level);
  } else {
    kind = "access.changed";
    message =
      before.paths.length === after.paths.length
        ? `${who} still holds ${what}, by another path`
        : `${who} still holds ${what}, now by ${after.paths.length} path${after.paths.length === 1 ? "" : "s"} (was ${before.paths.length})`;
    severity = before.conditional && !after.conditional ? accessGainedSeverity(after) : "low";
  }
  const b = base(
    change,
    ctx,
    `${who}: ${current.level}${namespaceText(current.namespace)} via ${current.route}${current.eligible ? " (eligible)" : ""}`,
  );
  return assembleEvent(
    b,
    { kind, severity, message, cluster: current.cluster },
    accessLinks(who, current, ctx),
  );
}

function escalationEvent(change: ChangedRecord, ctx: EventContext): DriftEvent | null {
  const ends = endsOf<EscalationData>(escalationDataSchema, change);
  if (!ends) return null;
  const { before, after, current } = ends;
  const who = principalLabel(current.principal);
  // The route beside a shortest path: that path stays whatever happens to this one (ALTERNATIVE_LEVEL).
  const beside = current.alternative ? ` (${BESIDE_SHORTEST})` : "";
  const what = `${ESCALATION_ACTION[current.to]} on ${current.cluster.name} through ${current.route}${beside}`;
  let kind: DriftEventKind;
  let message: string;
  let severity: DriftEvent["severity"];
  if (!before) {
    kind = "escalation.gained";
    message = `${who} can now ${what}`;
    severity = escalationGainedSeverity(current);
  } else if (!after) {
    kind = "escalation.lost";
    message = `${who} can no longer ${what}`;
    severity = "info";
  } else {
    kind = "escalation.changed";
    message = `${who} can still ${what}, by another path`;
    severity = "low";
  }
  const b = base(change, ctx, `${who}: ${current.to} via ${current.route}`);
  return assembleEvent(
    b,
    { kind, severity, message, cluster: current.cluster },
    accessLinks(who, current, ctx),
  );
}

function findingSubjectText(finding: Finding): string {
  const subject = finding.evidence.objects[0];
  return subject && subject.kind !== "cluster" ? ` (${subject.label})` : "";
}

function findingEvent(change: ChangedRecord, ctx: EventContext): DriftEvent | null {
  const ends = endsOf<Finding>(findingSchema, change);
  if (!ends) return null;
  const { before, after, current } = ends;
  const what = `${current.title}${findingSubjectText(current)} on ${current.cluster.name}`;
  const wasFailing = before?.status === "fail";
  const isFailing = after?.status === "fail";
  let kind: DriftEventKind;
  let message: string;
  let severity: DriftEvent["severity"] = "info";
  if (isFailing && !wasFailing) {
    kind = "finding.opened";
    message = `Finding opened: ${what}`;
    severity = current.severity;
  } else if (wasFailing && after?.status === "pass") {
    kind = "finding.resolved";
    message = `Finding resolved: ${what}`;
  } else if (wasFailing && !after) {
    kind = "finding.resolved";
    message = `Finding no longer reported: ${what}`;
  } else {
    kind = "finding.changed";
    const from = before?.status ?? "absent";
    const to = after?.status ?? "absent";
    if (from === to) message = `Evidence changed for ${what} (${to})`;
    else if (to === "not-assessed") message = `Could not be assessed: ${what} (was ${from})`;
    else message = `Finding ${to === "absent" ? "no longer reported" : `now ${to}`}: ${what}`;
    // A failing finding that can no longer be assessed is a blind spot worth a look.
    if (wasFailing && to === "not-assessed") severity = "low";
  }
  const b = base(change, ctx, `${current.ruleId}${findingSubjectText(current)}`);
  const evidence = current.evidence.objects
    .filter((object) => object.kind !== "cluster" && object.kind in INVENTORY_KIND_LABEL)
    .slice(0, 3)
    .map((object) => ({
      label: `${inventoryKindLabel(object.kind)} ${object.label}`,
      href: driftObjectHref({ kind: object.kind, key: object.id, from: ctx.from, to: ctx.to }),
    }));
  return assembleEvent(b, { kind, severity, message, cluster: current.cluster }, [
    ...clusterLinks(current.cluster, ctx),
    ...evidence,
  ]);
}

/** The principals an eligibility or ownership record names (for the label book). */
export function governanceIds(change: ChangedRecord): string[] {
  const ids: string[] = [];
  for (const version of [change.before, change.after]) {
    const data = asRecord(version?.data);
    for (const key of ["principalId", "groupId"] as const) {
      const id = text(data[key]);
      if (id) ids.push(id);
    }
    if (change.kind === "directoryOwnership") {
      const id = text(data.objectId);
      if (id) ids.push(id);
      if (Array.isArray(data.ownerIds))
        for (const owner of data.ownerIds) if (typeof owner === "string") ids.push(owner);
    }
  }
  return ids;
}

/** ` (the admin group of aks-1, aks-2 and 3 more)` when the group is a cluster's Entra admin group. */
function adminGroupText(groupId: string, labels: LabelBook): string {
  const clusters = labels.adminGroupOf(groupId);
  if (clusters.length === 0) return "";
  const shown = clusters.slice(0, 3).join(", ");
  return ` (the admin group of ${clusters.length > 3 ? `${shown} and ${clusters.length - 3} more` : shown})`;
}

/** A PIM eligibility (Azure role, group membership or ownership, directory role) granted or ended. */
function eligibilityEvent(change: ChangedRecord, ctx: EventContext): DriftEvent | null {
  const current = change.after ?? change.before;
  const { labels } = ctx;
  let who: string;
  let what: string;
  let severity: DriftEvent["severity"];
  let principalId: string;
  if (change.kind === "roleEligibility") {
    const data = roleEligibilitySchema.safeParse(current?.data);
    if (!data.success) return null;
    principalId = data.data.principalId;
    who = labels.principalName(principalId) ?? principalId;
    const role = labels.roleName(data.data.roleDefinitionId) ?? `role ${data.data.roleDefinitionId}`;
    what = `${role} at ${scopeLabel(data.data.scope, labels)}`;
    severity = "medium";
  } else if (change.kind === "groupEligibility") {
    const data = groupEligibilitySchema.safeParse(current?.data);
    if (!data.success) return null;
    principalId = data.data.principalId;
    who = labels.principalName(principalId) ?? principalId;
    const admin = adminGroupText(data.data.groupId, labels);
    what = `${data.data.accessId === "owner" ? "ownership" : "membership"} of group ${labels.principalName(data.data.groupId) ?? data.data.groupId}${admin}`;
    severity = admin ? "high" : "medium";
  } else {
    const data = directoryRoleAssignmentSchema.safeParse(current?.data);
    // An active directory role is an inventory change like a role assignment.
    if (!data.success || !data.data.eligible) return null;
    principalId = data.data.principalId;
    who = labels.principalName(principalId) ?? principalId;
    what = `directory role ${data.data.roleName}`;
    severity = "medium";
  }
  const b = base(change, ctx, `${who}: eligible for ${what}`);
  const cluster = objectCluster(change, labels);
  let kind: DriftEventKind;
  let message: string;
  if (!change.before) {
    kind = "access.eligible";
    message = `${who} became eligible for ${what}`;
  } else if (!change.after) {
    kind = "access.eligibility-ended";
    message = `${who} is no longer eligible for ${what}`;
    severity = "info";
  } else {
    kind = "object.changed";
    message = `${inventoryKindLabel(change.kind)} of ${who} for ${what} changed: ${changedFieldsText(b.changes)}`;
    severity = "info";
  }
  return assembleEvent(b, { kind, severity, message, cluster }, [
    { label: who, href: principalHref(principalId) },
    ...clusterLinks(cluster, ctx),
  ]);
}

function objectKindWord(kind: DirectoryOwnership["objectKind"]): string {
  return kind === "Group" ? "group" : kind === "Application" ? "application" : "service principal";
}

function namesText(ids: readonly string[], labels: LabelBook): string {
  const names = ids.map((id) => labels.principalName(id) ?? id);
  return names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Owners added to or removed from a group, application or service principal. */
function ownershipEvent(change: ChangedRecord, ctx: EventContext): DriftEvent | null {
  const before = change.before ? directoryOwnershipSchema.safeParse(change.before.data) : null;
  const after = change.after ? directoryOwnershipSchema.safeParse(change.after.data) : null;
  if ((before && !before.success) || (after && !after.success)) return null;
  const was = before?.data?.ownerIds ?? [];
  const is = after?.data?.ownerIds ?? [];
  const current = after?.data ?? before?.data;
  if (!current) return null;
  const added = is.filter((id) => !was.includes(id));
  const removed = was.filter((id) => !is.includes(id));
  if (added.length === 0 && removed.length === 0) return null;
  const { labels } = ctx;
  const admin = current.objectKind === "Group" ? adminGroupText(current.objectId, labels) : "";
  const object = `${objectKindWord(current.objectKind)} ${current.displayName}${admin}`;
  const b = base(change, ctx, `owners of ${current.displayName}`);
  const parts: string[] = [];
  if (added.length > 0)
    parts.push(`${namesText(added, labels)} became ${added.length === 1 ? "owner" : "owners"} of ${object}`);
  if (removed.length > 0)
    parts.push(
      `${namesText(removed, labels)} ${added.length > 0 ? "no longer owns" : `no longer ${removed.length === 1 ? "owns" : "own"}`} ${added.length > 0 ? "it" : object}`,
    );
  const kind: DriftEventKind = added.length > 0 ? "access.owner-added" : "access.owner-removed";
  const verdict = {
    kind,
    severity: added.length > 0 ? ownerAddedSeverity(admin !== "") : ("info" as const),
    message: parts.join("; "),
    cluster: null,
  };
  return assembleEvent(b, verdict, [
    ...[...added, ...removed]
      .slice(0, 3)
      .map((id) => ({ label: labels.principalName(id) ?? id, href: principalHref(id) })),
    { label: current.displayName, href: principalHref(current.objectId) },
  ]);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** A readable name for an inventory record. */
export function objectLabel(kind: string, key: string, data: unknown, labels: LabelBook): string {
  const object = asRecord(data);
  switch (kind) {
    case "roleAssignment": {
      const guid = text(object.roleDefinitionId) ?? "";
      const role = labels.roleName(guid) ?? `role ${guid}`;
      const principalId = text(object.principalId) ?? "";
      const principal = labels.principalName(principalId) ?? principalId;
      return `${role} for ${principal} at ${scopeLabel(text(object.scope) ?? key, labels)}`;
    }
    case "groupMembership":
      return `of group ${labels.principalName(key) ?? key}`;
    case "principal":
      return text(object.displayName) ?? key;
    case "roleDefinition":
      return text(object.roleName) ?? key;
  }
  if (kind.startsWith("k8s.")) {
    const name = text(object.name) ?? key.slice(key.lastIndexOf("|") + 1);
    const namespace = text(object.namespace);
    return namespace ? `${namespace}/${name}` : name;
  }
  return text(object.name) ?? text(object.displayName) ?? key.slice(key.lastIndexOf("/") + 1);
}

/** `/`, a management group, a subscription, a resource group, a cluster or a namespace in one, readable. */
export function scopeLabel(scope: string, labels: LabelBook): string {
  const clusterId = clusterIdWithin(scope);
  if (clusterId) {
    const cluster = labels.cluster(clusterId);
    const rest = scope.slice(clusterId.length);
    return `${cluster?.name ?? clusterId}${rest}`;
  }
  if (scope === "/") return "the tenant root";
  const managementGroup = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)$/.exec(scope);
  if (managementGroup) return `management group ${managementGroup[1]}`;
  const resourceGroup = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)$/.exec(scope);
  if (resourceGroup) return `resource group ${resourceGroup[1]}`;
  const subscription = /^\/subscriptions\/([^/]+)$/.exec(scope);
  if (subscription) return `subscription ${subscription[1]}`;
  const resource = /\/providers\/([^/]+\/[^/]+)\/([^/]+)$/.exec(scope);
  if (resource) return `${resource[2]} (${resource[1]})`;
  return scope;
}

function objectCluster(change: ChangedRecord, labels: LabelBook) {
  const clusterId =
    change.after?.clusterId ?? change.before?.clusterId ?? clusterIdWithin(change.naturalKey) ?? null;
  return labels.cluster(clusterId);
}

function changedFieldsText(changes: readonly FieldChange[]): string {
  const fields = [...new Set(changes.map((c) => c.path.replace(/^\$\.?/, "").replace(/\[\d+\].*$/, "")))];
  const shown = fields.slice(0, 3).map((field) => field || "value");
  return fields.length > 3 ? `${shown.join(", ")} and ${fields.length - 3} more` : shown.join(", ");
}

function objectEvent(change: ChangedRecord, ctx: EventContext): DriftEvent {
  const current = change.after ?? change.before;
  const label = objectLabel(change.kind, change.naturalKey, current?.data, ctx.labels);
  const cluster = objectCluster(change, ctx.labels);
  const where =
    cluster && change.kind !== "cluster" && change.kind !== "roleAssignment" ? ` on ${cluster.name}` : "";
  const noun = `${inventoryKindLabel(change.kind)} ${label}${where}`;
  const b = base(change, ctx, label);
  let kind: DriftEventKind;
  let message: string;
  if (!change.before) {
    kind = "object.added";
    message = `${noun} was added`;
  } else if (!change.after) {
    kind = "object.removed";
    message = `${noun} was removed`;
  } else {
    kind = "object.changed";
    message = `${noun} changed: ${changedFieldsText(b.changes)}`;
  }
  return assembleEvent(
    b,
    { kind, severity: inventorySeverity(change.kind), message, cluster },
    clusterLinks(cluster, ctx),
  );
}
