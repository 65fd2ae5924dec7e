import type { ReportContent } from "@/lib/reports/report-schema";
import { reportSections } from "./report-format";

/** The table of contents; with `pages` (the PDF's second pass) each line ends with its page number. */
export function ReportContents({
  content,
  pages,
}: {
  content: ReportContent;
  pages?: Readonly<Record<string, number>>;
}) {
  const page = (id: string) =>
    pages && (
      <>
        <span className="leader" aria-hidden="true" />
        <span className="page">{pages[id] ?? ""}</span>
      </>
    );
  return (
    <nav className="toc" aria-labelledby="toc-heading">
      <h2 id="toc-heading" className="toc-heading">
        Contents
      </h2>
      <ol>
        {reportSections(content).flatMap((section, index) => [
          <li key={section.id}>
            <a href={`#${section.id}`}>{`${index + 1}. ${section.title}`}</a>
            {page(section.id)}
          </li>,
          ...(section.children ?? []).map((child, childIndex) => (
            <li key={child.id} className="sub">
              <a href={`#${child.id}`}>{`${index + 1}.${childIndex + 1} ${child.title}`}</a>
              {page(child.id)}
            </li>
          )),
        ])}
      </ol>
    </nav>
  );
}
