import type { Metadata } from "next";
import Link from "next/link";
import { RequireRole } from "@/components/auth/require-role";
import { formatDateTime, plural } from "@/components/ui/format";
import { EmptyState, PageHeader, Section } from "@/components/ui/layout";
import { TableScroll } from "@/components/ui/table-scroll";
import { reportFormOptions } from "@/lib/reports/report-form-options";
import { listReports } from "@/lib/reports/report-store";
import { CreateReportForm } from "../_components/create-report-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Reports" };

async function ReportList() {
  const reports = await listReports({ limit: 100 });
  if (reports.length === 0) {
    return (
      <EmptyState title="No report yet">
        A report freezes what a scan found, in the language of CIS, Azure Policy and the AKS identity guide,
        and can be handed over as a PDF or a link that expires.
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <TableScroll label="Reports">
        <table className="w-full min-w-[56rem] text-left text-sm">
          <caption className="px-3 py-2 text-left text-slate-600">
            {plural(reports.length, "report")}, newest first
          </caption>
          <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Report
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Scope
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Scores
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Failing
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Download
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {reports.map((report) => (
              <tr key={report.id} className="align-top hover:bg-slate-50">
                <th scope="row" className="px-3 py-2 font-medium">
                  <Link className="text-brand-700 hover:underline" href={report.links.page}>
                    {report.title}
                  </Link>
                  <div className="text-xs font-normal text-slate-600">
                    #{report.id} · scan #{report.scanId} · {formatDateTime(report.createdAt)}
                    {report.redact ? " · redacted" : ""}
                  </div>
                </th>
                <td className="px-3 py-2 text-slate-700">{report.summary.scope}</td>
                <td className="px-3 py-2">
                  <ul className="space-y-0.5">
                    {report.summary.scores.map((s) => (
                      <li key={s.framework} className="flex justify-between gap-3">
                        <span className="text-slate-700">{s.title}</span>
                        <span className="tabular-nums font-medium">
                          {s.score === null ? "–" : `${s.score}%`}
                        </span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{report.summary.findings.fail}</td>
                <td className="px-3 py-2">
                  <span className="flex gap-2">
                    {(["pdf", "html", "csv", "json"] as const).map((format) => (
                      <a
                        key={format}
                        className="text-brand-700 hover:underline"
                        href={report.links[format]}
                        aria-label={`Report #${report.id} as ${format.toUpperCase()}`}
                      >
                        {format.toUpperCase()}
                      </a>
                    ))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}

export default async function ReportsPage() {
  const options = await reportFormOptions();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Reports"
        description="Compliance reports for auditors and managers: frozen at creation, shared as files or as links that expire."
      />
      <RequireRole minimum="operator">
        <Section
          id="new-report"
          title="New report"
          description="From a completed scan, for a scope and the frameworks you audit against."
        >
          <CreateReportForm options={options} />
        </Section>
      </RequireRole>
      <section aria-labelledby="reports-heading" className="space-y-2">
        <h2 id="reports-heading" className="font-semibold">
          All reports
        </h2>
        <ReportList />
      </section>
    </div>
  );
}
