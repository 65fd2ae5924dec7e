import type { ReportContent } from "@/lib/reports/report-schema";
import { controlLabel } from "./report-format";
import { AccessPaths, Severity } from "./report-parts";

/** Section 5: every failing finding, most severe first, with its access paths and controls. */
export function ReportFindings({ content }: { content: ReportContent }) {
  const failing = content.findings.filter((f) => f.status === "fail");
  return (
    <section aria-labelledby="findings">
      <h2 id="findings">5. Failing findings</h2>
      <p>
        {`${failing.length} failing finding(s), most severe first. Each names what it is about and, where access is involved, the path that grants it.`}
      </p>
      {failing.length === 0 && <p className="muted">No failing finding in scope.</p>}
      {failing.map((f) => (
        <div key={f.key} className={`finding sev-border-${f.severity}`}>
          <div className="head">
            <Severity severity={f.severity} />
            <span className="title">{f.title}</span>
            <span className="muted">{`on ${f.cluster.name}`}</span>
          </div>
          <p>{f.summary}</p>
          <AccessPaths paths={f.paths} total={f.pathCount ?? f.paths.length} />
          <div className="small muted">
            {`Controls: ${f.controls.map((c) => controlLabel(c.framework, c.id)).join(", ")} · Rule ${f.ruleId}`}
          </div>
        </div>
      ))}
    </section>
  );
}
