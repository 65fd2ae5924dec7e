import { Fragment } from "react";
import type { ClusterAdmins } from "@/lib/reports/report-schema";
import { routeLabel, uniqueTableLabels } from "./report-format";
import { AccessPaths, columnsLabel, ReportTable } from "./report-parts";

/** Beyond this many holders a cluster's list is printed compactly: names by route, without paths. */
const MAX_DETAILED_HOLDERS = 40;

const HOLDER_COLUMNS = ["Holder", "Route", "How"];
const HOLDERS_TABLE_LABEL = columnsLabel(HOLDER_COLUMNS);
const ELIGIBLE_HEADING = "Eligible through PIM";

type HolderList = Pick<ClusterAdmins, "holders">;

function HolderTable({ entry, label }: { entry: HolderList; label: string }) {
  return (
    <ReportTable label={label} columns={HOLDER_COLUMNS} widths={["22%", "22%"]}>
      {entry.holders.map((holder) => (
        <tr key={holder.principal.id}>
          <td>
            <strong>{holder.principal.displayName}</strong>
            <div className="small muted">{holder.principal.kind}</div>
          </td>
          <td className="wrap">
            {holder.routes.map((r) => (
              <div key={r.route}>{routeLabel(r.route)}</div>
            ))}
          </td>
          <td className="wrap">
            {holder.routes.map((r) => (
              <AccessPaths key={r.route} paths={r.paths} total={r.pathCount ?? r.paths.length} max={1} />
            ))}
          </td>
        </tr>
      ))}
    </ReportTable>
  );
}

function HolderNamesByRoute({ entry }: { entry: HolderList }) {
  const byRoute = new Map<string, string[]>();
  for (const holder of entry.holders) {
    for (const { route } of holder.routes) {
      byRoute.set(route, [
        ...(byRoute.get(route) ?? []),
        `${holder.principal.displayName} (${holder.principal.kind})`,
      ]);
    }
  }
  return (
    <>
      <p className="small muted">{`${entry.holders.length} holders: listed by route; the JSON download has the path of each.`}</p>
      {[...byRoute.entries()].map(([route, names]) => (
        <Fragment key={route}>
          <h4>
            {`${routeLabel(route)} `}
            <span className="muted small">{`(${names.length})`}</span>
          </h4>
          <p className="small wrap">{names.join(", ")}</p>
        </Fragment>
      ))}
    </>
  );
}

/** The tables of the section in document order, with the heading above each (landmark names stay unique). */
function holderTableLabels(clusterAdmins: readonly ClusterAdmins[]) {
  const tables: { key: string; label: string; heading: string }[] = [];
  for (const entry of clusterAdmins) {
    const detailed = (n: number) => n > 0 && n <= MAX_DETAILED_HOLDERS;
    if (detailed(entry.holders.length))
      tables.push({
        key: `${entry.cluster.id}|standing`,
        label: HOLDERS_TABLE_LABEL,
        heading: entry.cluster.name,
      });
    if (detailed(entry.eligibleHolders?.length ?? 0))
      tables.push({
        key: `${entry.cluster.id}|eligible`,
        label: HOLDERS_TABLE_LABEL,
        heading: ELIGIBLE_HEADING,
      });
  }
  const labels = uniqueTableLabels(tables);
  return new Map(tables.map((table, index) => [table.key, labels[index]]));
}

/** Section 3: who can act as cluster-admin on each cluster (standing, then eligible) and by which route. */
export function ReportClusterAdmins({ clusterAdmins }: { clusterAdmins: readonly ClusterAdmins[] }) {
  const labels = holderTableLabels(clusterAdmins);
  return (
    <section aria-labelledby="cluster-admins">
      <h2 id="cluster-admins">3. Who holds cluster-admin</h2>
      <p>
        Everyone who can act as cluster-admin on each cluster now (standing), then who can once they activate
        a PIM eligible assignment or group membership (eligible), and the route that gives it: membership of
        the Entra admin group, Azure RBAC for Kubernetes, Kubernetes RBAC bindings, or the local admin
        credential (any Azure role with <code>listClusterAdminCredential</code> while local accounts are
        enabled).
      </p>
      {clusterAdmins.length === 0 && <p className="muted">No cluster in scope.</p>}
      {clusterAdmins.map((entry) => {
        // Eligible (PIM) holders apart: not cluster-admin now, cluster-admin once they activate.
        const eligible = entry.eligibleHolders ?? [];
        const counts = `${entry.holders.length} standing holder(s)${eligible.length > 0 ? `, ${eligible.length} eligible` : ""}`;
        return (
          <Fragment key={entry.cluster.id}>
            <h3>
              {`${entry.cluster.name} `}
              <span className="muted small">{counts}</span>
            </h3>
            {!entry.kubernetesAssessed && (
              <p className="note small">
                The scan could not read this cluster's Kubernetes API: holders through Kubernetes RBAC
                bindings are unknown; the Azure routes below are complete.
              </p>
            )}
            {entry.holders.length === 0 ? (
              <p className="muted">
                Nobody holds cluster-admin on this cluster through a route the scan could read.
              </p>
            ) : entry.holders.length > MAX_DETAILED_HOLDERS ? (
              <HolderNamesByRoute entry={entry} />
            ) : (
              <HolderTable
                entry={entry}
                label={labels.get(`${entry.cluster.id}|standing`) ?? HOLDERS_TABLE_LABEL}
              />
            )}
            {eligible.length > 0 && (
              <>
                <h4>
                  {`${ELIGIBLE_HEADING} `}
                  <span className="muted small">{`${eligible.length} (not standing: cluster-admin once activated)`}</span>
                </h4>
                {eligible.length > MAX_DETAILED_HOLDERS ? (
                  <HolderNamesByRoute entry={{ holders: eligible }} />
                ) : (
                  <HolderTable
                    entry={{ holders: eligible }}
                    label={labels.get(`${entry.cluster.id}|eligible`) ?? HOLDERS_TABLE_LABEL}
                  />
                )}
              </>
            )}
          </Fragment>
        );
      })}
    </section>
  );
}
