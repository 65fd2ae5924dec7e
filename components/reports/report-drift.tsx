import type { ReactNode } from "react";
import type { DriftAdmin, ReportContent, ReportDrift, ReportScanEvents } from "@/lib/reports/report-schema";
import { EVENT_LABEL, formatDate, routeLabel } from "./report-format";
import { ReportTable, Severity } from "./report-parts";

type DriftFinding = ReportDrift["findings"]["newlyFailing"][number];

/** A list of changes: its table under a caption with the count, or one line saying there was none. */
function ChangeTable<T>({
  caption,
  columns,
  list,
  row,
}: {
  caption: string;
  columns: readonly string[];
  list: readonly T[];
  row: (item: T) => ReactNode;
}) {
  if (list.length === 0)
    return (
      <p>
        <strong>{`${caption}:`}</strong> none.
      </p>
    );
  return (
    <ReportTable caption={`${caption} (${list.length})`} columns={columns}>
      {list.map(row)}
    </ReportTable>
  );
}

const findingRow = (f: DriftFinding) => (
  <tr key={f.key}>
    <td>
      <Severity severity={f.severity} />
    </td>
    <td>{f.cluster.name}</td>
    <td>
      <strong>{f.title}</strong>
      <div className="small">{f.summary}</div>
    </td>
  </tr>
);

const adminRow = (a: DriftAdmin) => (
  <tr key={`${a.cluster.id}|${a.principal.id}`}>
    <td>{a.cluster.name}</td>
    <td>
      {`${a.principal.displayName} `}
      <span className="small muted">{a.principal.kind}</span>
    </td>
    <td>{a.routes.map(routeLabel).join(", ")}</td>
  </tr>
);

const FindingChanges = ({ caption, list }: { caption: string; list: readonly DriftFinding[] }) => (
  <ChangeTable caption={caption} columns={["Severity", "Cluster", "Finding"]} list={list} row={findingRow} />
);

const AdminChanges = ({ caption, list }: { caption: string; list: readonly DriftAdmin[] }) => (
  <ChangeTable caption={caption} columns={["Cluster", "Principal", "Route"]} list={list} row={adminRow} />
);

const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

function ScanEvents({ events }: { events: ReportScanEvents | null }) {
  if (!events) return null;
  const heading = <h3>{`Every change between scan #${events.fromScan} and scan #${events.toScan}`}</h3>;
  if (events.total === 0)
    return (
      <>
        {heading}
        <p>No object, access or finding in scope changed between the two scans.</p>
      </>
    );
  const omitted = events.total - events.events.length;
  const bySeverity = SEVERITIES.map((sev) => `${events.bySeverity[sev] ?? 0} ${sev}`).join(", ");
  return (
    <>
      {heading}
      <p>
        {`${events.total} change(s) in scope: ${bySeverity}.${omitted > 0 ? ` The ${events.events.length} most severe are listed.` : ""}`}
      </p>
      <ReportTable columns={["Severity", "Change", "Cluster", "What changed"]} widths={["11%", "16%", "14%"]}>
        {events.events.map((e, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the events are a stored, ordered list without ids
          <tr key={index}>
            <td>
              <Severity severity={e.severity} />
            </td>
            <td>{EVENT_LABEL[e.kind] ?? e.kind}</td>
            <td>{e.cluster?.name ?? "tenant"}</td>
            <td className="wrap">{e.message}</td>
          </tr>
        ))}
      </ReportTable>
    </>
  );
}

/** Section 4: what changed since the previous report of the same scope. */
export function ReportDriftSection({ content }: { content: ReportContent }) {
  const drift = content.drift;
  if (!drift.previousReport) {
    return (
      <section aria-labelledby="drift">
        <h2 id="drift">4. Changes since the previous report</h2>
        <p>
          This is the first report of this scope: there is nothing to compare with yet. The next report of the
          same scope will list what changed since this one.
        </p>
      </section>
    );
  }
  const previous = drift.previousReport;
  return (
    <section aria-labelledby="drift">
      <h2 id="drift">4. Changes since the previous report</h2>
      <p>
        {`Compared with report #${previous.id} of ${formatDate(previous.createdAt)} (scan #${previous.scanId}), over ${drift.comparedFrameworks.length} framework(s) both reports cover.`}
      </p>
      <FindingChanges caption="Newly failing" list={drift.findings.newlyFailing} />
      <FindingChanges caption="Resolved" list={drift.findings.resolved} />
      <AdminChanges caption="Gained cluster-admin" list={drift.clusterAdmins.gained} />
      <AdminChanges caption="Lost cluster-admin" list={drift.clusterAdmins.lost} />
      <ScanEvents events={drift.scanEvents} />
    </section>
  );
}
