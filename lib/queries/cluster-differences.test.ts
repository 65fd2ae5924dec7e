import { describe, expect, it } from "vitest";
import type { RoleDefinition } from "@/lib/model/azure";
import { findBuiltInRole } from "@/lib/model/builtin-roles";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";
import {
  clusterDifferences,
  type DifferenceCluster,
  differenceSentence,
} from "@/lib/queries/cluster-differences";

// Issue 16 #7: Penny's page must say why aks-3 differs (local accounts disabled: Contributor gives
// credentials only, and she can re-enable them); Jet's "AKS RBAC Reader on aks-2" grants nothing
// because Azure RBAC is off there. Roles are the real built-in definitions (lib/model/builtin-roles).
// Settings' effect: learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad (disabled
// local accounts refuse listClusterAdminCredential) and learn.microsoft.com/azure/aks/manage-azure-rbac
// (data actions authorize only with Azure RBAC for Kubernetes enabled).

function role(name: string): RoleDefinition {
  const wire = findBuiltInRole(name);
  if (!wire) throw new Error(`no built-in role ${name}`);
  return roleDefinitionFromWire(wire);
}

const SUB = "00000000-0000-0000-0000-0000000005b1";
const rg = (name: string) => `/subscriptions/${SUB}/resourcegroups/${name}`;
const cluster = (
  name: string,
  group: string,
  settings: Partial<DifferenceCluster> = {},
): DifferenceCluster => ({
  id: `${rg(group)}/providers/microsoft.containerservice/managedclusters/${name}`,
  name,
  subscriptionId: SUB,
  localAccountsDisabled: false,
  entraMode: "managed",
  azureRbac: true,
  ...settings,
});

const aks1 = cluster("aks-1", "rsg-1");
const aks2 = cluster("aks-2", "rsg-2", { azureRbac: false });
const aks3 = cluster("aks-3", "rsg-3", { localAccountsDisabled: true });
const aks4 = cluster("aks-4", "rsg-3", { localAccountsDisabled: true });

describe("why clusters differ", () => {
  it("Contributor on a subscription: only the clusters with local accounts disabled differ, and she can undo it", () => {
    const notes = clusterDifferences(
      [aks1, aks2, aks3, aks4],
      [{ scope: `/subscriptions/${SUB}`, role: role("Contributor"), via: null }],
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      reason: "local-accounts-disabled",
      role: "Contributor",
      gives: "credentials-only",
      canUndo: true,
      clusters: [{ name: "aks-3" }, { name: "aks-4" }],
    });
    expect(differenceSentence(notes[0], "Penny", "subscription prod")).toBe(
      "local accounts are disabled, so Contributor (on subscription prod) gives credentials only — a kubeconfig with no rights of its own, not cluster-admin — but Penny can re-enable them (managedClusters/write), and so become cluster-admin.",
    );
  });

  it("AKS RBAC Reader where Azure RBAC is off grants nothing; where it is on, nothing to explain", () => {
    const reader = role("Azure Kubernetes Service RBAC Reader");
    const notes = clusterDifferences(
      [aks1, aks2],
      [
        { scope: aks2.id, role: reader, via: "team-jet" },
        { scope: aks1.id, role: reader, via: null },
      ],
    );
    expect(notes).toEqual([
      {
        reason: "azure-rbac-off",
        role: "Azure Kubernetes Service RBAC Reader",
        scope: aks2.id,
        via: "team-jet",
        gives: "nothing",
        canUndo: false,
        clusters: [{ id: aks2.id, name: "aks-2" }],
      },
    ]);
    expect(differenceSentence(notes[0], "Jet", "cluster aks-2")).toBe(
      "Azure RBAC for Kubernetes is off, so Azure Kubernetes Service RBAC Reader (on cluster aks-2 through team-jet) grants nothing inside the cluster.",
    );
  });

  // Azure action patterns: `*` anywhere, compared without case (learn.microsoft.com/azure/role-based-access-control/
  // role-definitions#actions: "The wildcard (*) character ... The string is case-insensitive"), and a block's
  // notDataActions take away what its dataActions give (role-definitions#notdataactions).
  it("data-action wildcards above managedClusters and in lower case count; a block excluding them all does not", () => {
    const custom = (dataActions: string[], notDataActions: string[] = []): RoleDefinition => ({
      id: `/subscriptions/${SUB}/providers/microsoft.authorization/roledefinitions/c`,
      guid: "c",
      roleName: `custom ${dataActions.join(" ")}${notDataActions.length ? ` minus ${notDataActions.join(" ")}` : ""}`,
      type: "CustomRole",
      permissions: [{ actions: [], notActions: [], dataActions, notDataActions }],
      assignableScopes: [`/subscriptions/${SUB}`],
    });
    const offOn = (definition: RoleDefinition) =>
      clusterDifferences([aks2], [{ scope: aks2.id, role: definition, via: null }]).map(
        (note) => note.reason,
      );
    expect(offOn(custom(["Microsoft.ContainerService/*"]))).toEqual(["azure-rbac-off"]);
    expect(offOn(custom(["microsoft.containerservice/managedclusters/pods/read"]))).toEqual([
      "azure-rbac-off",
    ]);
    expect(offOn(custom(["Microsoft.ContainerService/managedClusters/*/read"]))).toEqual(["azure-rbac-off"]);
    expect(offOn(custom(["*/read"]))).toEqual(["azure-rbac-off"]);
    expect(offOn(custom(["Microsoft.KeyVault/vaults/secrets/getSecret/action"]))).toEqual([]);
    expect(offOn(custom(["*"], ["Microsoft.ContainerService/*"]))).toEqual([]);
    expect(
      offOn(
        custom(
          ["Microsoft.ContainerService/managedClusters/*"],
          ["microsoft.containerservice/managedclusters/*"],
        ),
      ),
    ).toEqual([]);
  });

  it("a namespace-scoped assignment covers its own cluster only; Entra integration off counts as Azure RBAC off", () => {
    const legacy = cluster("aks-9", "rsg-1", { entraMode: "legacy", azureRbac: true });
    const notes = clusterDifferences(
      [aks1, legacy],
      [
        {
          scope: `${legacy.id}/namespaces/web`,
          role: role("Azure Kubernetes Service RBAC Writer"),
          via: null,
        },
      ],
    );
    expect(notes.map((note) => [note.reason, note.clusters.map((c) => c.name)])).toEqual([
      ["azure-rbac-off", ["aks-9"]],
    ]);
  });

  it("roles without the admin credential say nothing about local accounts; a management group covers its subscriptions", () => {
    expect(clusterDifferences([aks3], [{ scope: rg("rsg-3"), role: role("Reader"), via: null }])).toEqual([]);
    const notes = clusterDifferences(
      [aks3],
      [
        {
          scope: "/providers/microsoft.management/managementgroups/platform",
          role: role("Azure Kubernetes Service Cluster Admin Role"),
          via: null,
        },
      ],
      (group) => new Set(group === "platform" ? [SUB] : []),
    );
    // Cluster Admin Role lists the admin credential only (no listClusterUserCredential) and cannot write
    // the cluster: with local accounts disabled it gives no kubeconfig at all
    expect(notes).toMatchObject([{ reason: "local-accounts-disabled", gives: "nothing", canUndo: false }]);
    expect(
      clusterDifferences(
        [aks3],
        [
          {
            scope: "/providers/microsoft.management/managementgroups/other",
            role: role("Owner"),
            via: null,
          },
        ],
        (group) => new Set(group === "platform" ? [SUB] : []),
      ),
    ).toEqual([]);
  });
});
