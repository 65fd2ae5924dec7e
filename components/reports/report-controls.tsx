import { Fragment } from "react";
import type { FindingStatus } from "@/lib/findings/types";
import type { ReportContent, ReportControl, ReportFinding } from "@/lib/reports/report-schema";
import { controlLabel, uniqueTableLabels } from "./report-format";
import { columnsLabel, ReportTable, StatusBadge } from "./report-parts";

/** Failing results listed under one control; section 5 (and the CSV) list every one. */
const MAX_CONTROL_EVIDENCE = 12;

const CONTROL_COLUMNS = ["Control", "Status", "Pass", "Fail", "Not assessed", "Evidence"];

function ControlEvidence({
  control,
  findings,
}: {
  control: ReportControl;
  findings: ReadonlyMap<string, ReportFinding>;
}) {
  const behind = control.findingKeys.map((k) => findings.get(k)).filter((f): f is ReportFinding => !!f);
  if (behind.length === 0) return <span className="muted">No rule result in scope.</span>;
  const failing = behind.filter((f) => f.status === "fail");
  const clustersWith = (status: FindingStatus) => [
    ...new Set(behind.filter((f) => f.status === status).map((f) => f.cluster.name)),
  ];
  const more = failing.length - MAX_CONTROL_EVIDENCE;
  const passing = clustersWith("pass");
  const unknown = clustersWith("not-assessed");
  return (
    <>
      {failing.length > 0 && (
        <>
          <ul className="evidence">
            {failing.slice(0, MAX_CONTROL_EVIDENCE).map((f) => (
              <li key={f.key}>
                <strong>{f.cluster.name}</strong>
                {`: ${f.summary}`}
              </li>
            ))}
          </ul>
          {more > 0 && (
            <div className="small">{`and ${more} more failing result(s), all listed in section 5 and in the CSV.`}</div>
          )}
        </>
      )}
      {passing.length > 0 && <div className="small muted">{`Passes on ${passing.join(", ")}.`}</div>}
      {unknown.length > 0 && <div className="small muted">{`Not assessed on ${unknown.join(", ")}.`}</div>}
    </>
  );
}

/** Section 2: per framework, every control our rules map to, with its counts and evidence. */
export function ReportControls({ content }: { content: ReportContent }) {
  const findings = new Map(content.findings.map((f) => [f.key, f]));
  const headings = content.frameworks.map((framework, index) => `2.${index + 1} ${framework.title}`);
  const labels = uniqueTableLabels(
    headings.map((heading) => ({ label: columnsLabel(CONTROL_COLUMNS), heading })),
  );
  return (
    <section aria-labelledby="controls">
      <h2 id="controls">2. Controls</h2>
      <p>
        Each control with the number of rule results (one per cluster and subject) that pass, fail or could
        not be assessed, and the evidence behind them.
      </p>
      {content.frameworks.map((framework, index) => (
        <Fragment key={framework.framework}>
          <h3 id={`controls-${framework.framework}`}>
            {`${headings[index]} `}
            <span className="muted small">{`score ${framework.score === null ? "–" : `${framework.score}%`}`}</span>
          </h3>
          <ReportTable
            label={labels[index]}
            columns={CONTROL_COLUMNS}
            numeric={["Pass", "Fail", "Not assessed"]}
            widths={["24%", "10%", "7%", "7%", "9%"]}
          >
            {content.controls
              .filter((c) => c.framework === framework.framework)
              .map((c) => (
                <tr key={c.id}>
                  <td>
                    <strong>{controlLabel(c.framework, c.id)}</strong>
                    <div className="small">{c.title}</div>
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="num">{c.counts.pass}</td>
                  <td className="num">{c.counts.fail}</td>
                  <td className="num">{c.counts.notAssessed}</td>
                  <td className="wrap">
                    <ControlEvidence control={c} findings={findings} />
                  </td>
                </tr>
              ))}
          </ReportTable>
        </Fragment>
      ))}
    </section>
  );
}
