import { Fragment } from "react";
import type { ReportContent } from "@/lib/reports/report-schema";
import { Severity } from "./report-parts";

/** Section 6: one step per failing rule, with the commands for each cluster concerned. */
export function ReportRemediation({ content }: { content: ReportContent }) {
  return (
    <section aria-labelledby="remediation">
      <h2 id="remediation">6. Remediation</h2>
      <p>What to change, most severe first, with the commands for each cluster concerned.</p>
      {content.remediation.length === 0 && <p className="muted">Nothing to remediate in scope.</p>}
      {content.remediation.map((step, index) => {
        const commands = [
          { label: "Azure CLI", lines: step.azCli },
          { label: "kubectl", lines: step.kubectl },
          { label: "Terraform", lines: step.terraform },
        ].filter((c) => c.lines.length > 0);
        return (
          <div key={step.ruleId} className="step">
            <h3 className="step-title">
              {`${index + 1}. ${step.title} `}
              <Severity severity={step.severity} />
            </h3>
            <p className="small muted">{`${step.failing} failing finding(s) on ${step.clusters.join(", ")}`}</p>
            {step.summaries.map((summary, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two clusters may share a summary's wording
              <p key={i}>{summary}</p>
            ))}
            {commands.map((c) => (
              <Fragment key={c.label}>
                <div className="small muted">{c.label}</div>
                <pre>{c.lines.join("\n")}</pre>
              </Fragment>
            ))}
          </div>
        );
      })}
    </section>
  );
}
