import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RequireRole } from "@/components/auth/require-role";
import { ReportView } from "@/components/reports/report-view";
import { readReportConfig } from "@/lib/reports/config";
import { ReportNotFoundError } from "@/lib/reports/report-errors";
import { parseReportIdSegment } from "@/lib/reports/report-formats";
import { loadReportContent } from "@/lib/reports/report-store";
import { REPORT_CSS } from "@/lib/reports/report-styles";
import { ShareDialog } from "../_components/share-dialog";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function load(id: string) {
  const segment = parseReportIdSegment(id);
  if (!segment.ok || segment.format !== null) notFound();
  try {
    return await loadReportContent(segment.id);
  } catch (error) {
    if (error instanceof ReportNotFoundError) notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { content } = await load((await params).id);
  return { title: `${content.report.title} (report #${content.report.id})` };
}

export default async function ReportPage({ params }: Props) {
  const { report, content } = await load((await params).id);
  const config = readReportConfig();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
          <Link href="/reports" className="text-brand-700 hover:underline">
            Reports
          </Link>{" "}
          / #{report.id}
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          {(["pdf", "html", "csv", "json"] as const).map((format) => (
            <a
              key={format}
              href={report.links[format]}
              className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 hover:bg-slate-50"
            >
              {format.toUpperCase()}
            </a>
          ))}
          <RequireRole minimum="operator">
            <ShareDialog
              reportId={report.id}
              reportRedacted={report.redact}
              defaultDays={config.shareDefaultDays}
              maxDays={config.shareMaxDays}
            />
          </RequireRole>
        </div>
      </div>
      {/* scrolls sideways inside its card on a phone: the report's wide tables must never be clipped */}
      <div className="max-w-full overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <style>{REPORT_CSS}</style>
        {/* the same components as the downloads, the share page and the PDF (components/reports) */}
        <ReportView content={content} />
      </div>
    </div>
  );
}
