import Link from "next/link";
import type { DataTableColumn } from "@/components/data-table/data-table";
import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";
import type { IdentityListItem, IdentityUse } from "@/lib/queries/list-identities";
import { describeScope } from "@/lib/queries/scope-label";

// The managed identities list's columns, as data for the DataTable, and the words for each use (the
// "Used as" filter offers the same).

export const USE_LABEL = {
  "control-plane": "control plane",
  kubelet: "kubelet",
  "add-on": "add-on",
  "pod-identity": "AAD Pod Identity",
  workload: "workload identity",
  unused: "not used by any cluster",
} as const satisfies Record<IdentityUse, string>;

export const IDENTITY_COLUMNS: readonly DataTableColumn<IdentityListItem>[] = [
  {
    id: "identity",
    header: "Identity",
    rowHeader: true,
    cell: (identity) => (
      <>
        {identity.principalId ? (
          <Link className="link" href={principalHref(identity.principalId)}>
            {identity.name}
          </Link>
        ) : (
          identity.name
        )}
        <div className="text-xs font-normal text-slate-600">
          {identity.systemAssigned ? "system-assigned" : "user-assigned"} · {identity.resourceGroup}
        </div>
        {identity.clientId ? (
          <div className="break-all text-xs font-normal text-slate-600">client id {identity.clientId}</div>
        ) : null}
      </>
    ),
  },
  {
    id: "uses",
    header: "Used as",
    cell: (identity) =>
      identity.uses.length === 0 ? (
        <span className="text-slate-600">not used by any cluster</span>
      ) : (
        <ul className="space-y-0.5">
          {identity.uses.map((use) => (
            <li key={`${use.clusterId}|${use.detail}`}>
              <span className="font-medium">{USE_LABEL[use.use]}</span> of{" "}
              <Link className="link" href={clusterHref(use.clusterId)}>
                {use.clusterName}
              </Link>
              {use.use === "workload" || use.use === "add-on" || use.use === "pod-identity" ? (
                <span className="text-xs text-slate-600"> ({use.detail})</span>
              ) : null}
            </li>
          ))}
        </ul>
      ),
  },
  {
    id: "roles",
    header: "Azure roles",
    cell: (identity) =>
      identity.roleAssignments.length === 0 ? (
        <span className="text-slate-600">none</span>
      ) : (
        <ul className="space-y-0.5">
          {identity.roleAssignments.map((assignment) => (
            <li key={assignment.id}>
              <span className="font-medium">{assignment.role}</span>{" "}
              <span className="text-slate-600" title={assignment.scope}>
                on {describeScope(assignment.scope)}
              </span>
            </li>
          ))}
        </ul>
      ),
  },
];
