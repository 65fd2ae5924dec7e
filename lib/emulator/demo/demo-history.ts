/**
 * The demo tenant's past: earlier states of Contoso along the reference article's timeline
 * (/work/shared/seed/aks-identity-management-article.txt), each a pure transformation of the current
 * demo tenant. The demo scans them in order, back-dated and labelled "demo history", before it scans the
 * current state, so drift, timelines, posture trends and report comparisons have something to show on a
 * first visit. Nothing here does I/O; the states are validated by the same parser as any tenant file.
 */
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

const PROD = "/subscriptions/00000000-0000-0000-0000-0000000005b1";
const AKS_1 = `${PROD}/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ContainerService/managedClusters/aks-1`;
const AKS_3 = `${PROD}/resourceGroups/rsg-aksIdentityState3/providers/Microsoft.ContainerService/managedClusters/aks-3`;
const PENNY = "00000000-0000-0000-0000-0000000000f4";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const RELEASE_AUTOMATION = `${PROD}/resourceGroups/rsg-aksIdentityState1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-release-automation`;

/** One change of the timeline, undone to go one step back in time. */
interface HistoryStep {
  /** what happened at this point of the story, e.g. "Penny granted Contributor" */
  label: string;
  /** the weekly scan just before this change: how many days before the current state it is dated */
  daysAgo: number;
  /** the tenant just BEFORE this step happened, from the tenant just after it */
  undo(tenant: TenantFile): void;
}

// Newest first: each step undoes one change of the story, so the state before step k is the current
// tenant with steps 0..k undone. The article's order: Penny is given Contributor on the three resource
// groups (and so the local admin credential of every cluster whose local accounts are on); aks-3's local
// accounts are then disabled, which takes that route away on aks-3; Leonard becomes admin of namespace
// `default` on aks-1; finally `default/release-bot` is federated to id-release-automation.
const STEPS: HistoryStep[] = [
  {
    label: "default/release-bot federated to id-release-automation",
    daysAgo: 7,
    undo(tenant) {
      const identity = tenant.subscriptions
        .flatMap((subscription) => subscription.resources)
        .find((resource) => resource.id.toLowerCase() === RELEASE_AUTOMATION.toLowerCase());
      if (!identity) throw new Error("demo history: id-release-automation is not in the demo tenant");
      (identity as { federatedIdentityCredentials?: unknown[] }).federatedIdentityCredentials = [];
    },
  },
  {
    label: "Leonard made admin of namespace default on aks-1",
    daysAgo: 14,
    undo(tenant) {
      const cluster = clusterObjects(tenant, AKS_1);
      const before = cluster.objects.length;
      cluster.objects = cluster.objects.filter(
        (object) =>
          !(
            object.kind === "RoleBinding" &&
            object.metadata.namespace === "default" &&
            object.metadata.name === "defaultnsadmin"
          ),
      );
      if (cluster.objects.length === before)
        throw new Error("demo history: RoleBinding default/defaultnsadmin is not on aks-1");
    },
  },
  {
    label: "Local accounts disabled on aks-3",
    daysAgo: 21,
    undo(tenant) {
      const aks3 = tenant.subscriptions
        .flatMap((subscription) => subscription.resources)
        .find((resource) => resource.id.toLowerCase() === AKS_3.toLowerCase());
      if (!aks3?.properties) throw new Error("demo history: aks-3 is not in the demo tenant");
      aks3.properties.disableLocalAccounts = false;
    },
  },
  {
    label: "Penny granted Contributor on the aks-1..aks-3 resource groups",
    daysAgo: 28,
    undo(tenant) {
      const before = tenant.roleAssignments.length;
      tenant.roleAssignments = tenant.roleAssignments.filter(
        (assignment) =>
          !(
            assignment.properties.principalId.toLowerCase() === PENNY &&
            assignment.properties.roleDefinitionId.toLowerCase().endsWith(`/${CONTRIBUTOR}`)
          ),
      );
      if (tenant.roleAssignments.length !== before - 3)
        throw new Error("demo history: Penny's three Contributor assignments are not in the demo tenant");
    },
  },
];

function clusterObjects(tenant: TenantFile, clusterId: string) {
  const key = Object.keys(tenant.clusters).find((id) => id.toLowerCase() === clusterId.toLowerCase());
  const cluster = key ? tenant.clusters[key] : undefined;
  if (!cluster) throw new Error(`demo history: no Kubernetes objects for ${clusterId}`);
  return cluster;
}

export interface DemoHistoryState {
  /** the state of the tenant at this point of the story */
  tenant: TenantFile;
  /** what this state is: the change that is still to come, in words */
  label: string;
  /** how many days before the current state this one is dated */
  daysAgo: number;
}

/**
 * The earlier states of the demo tenant, oldest first (weekly scans: 28, 21, 14 and 7 days ago); the
 * current tenant itself is not among them. Each change of the story happens between two of them.
 */
export function demoHistory(current: TenantFile): DemoHistoryState[] {
  const states: DemoHistoryState[] = [];
  const tenant = structuredClone(current);
  for (const step of STEPS) {
    step.undo(tenant);
    states.push({
      tenant: parseTenantFile(structuredClone(tenant), `demo history (before: ${step.label})`),
      label: `before: ${step.label}`,
      daysAgo: step.daysAgo,
    });
  }
  return states.reverse();
}

/** What changes between consecutive states, oldest first (docs and tests name them). */
export const DEMO_HISTORY_CHANGES: readonly { label: string; daysAgo: number }[] = STEPS.map(
  ({ label, daysAgo }) => ({ label, daysAgo }),
).reverse();
