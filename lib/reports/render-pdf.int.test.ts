import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { pdfNamedDestinationPages } from "@/lib/reports/pdf-destinations";
import { redactReport } from "@/lib/reports/redact";
import { renderReportCsv } from "@/lib/reports/render-csv";
import { renderReportDocument } from "@/lib/reports/render-html";
import { renderReportJson } from "@/lib/reports/render-json";
import { closePdfBrowser, renderReportPdf } from "@/lib/reports/render-pdf";
import type { ReportContent } from "@/lib/reports/report-schema";

// PDF acceptance: headless Chromium prints the report; poppler's pdftotext reads it back the way a
// reader's tools would, so what is asserted is what an auditor can select, search and copy.

const normalize = (text: string) => text.replace(/\s+/g, " ");

describe("renderReportPdf", () => {
  let dir: string;
  let analysis: DemoAnalysis;
  let content: ReportContent;
  let pdfPath: string;
  let pdf: Buffer;

  const pdftotext = (file: string, page?: number) =>
    execFileSync(
      "pdftotext",
      [...(page ? ["-f", String(page), "-l", String(page)] : []), "-enc", "UTF-8", file, "-"],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      },
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-report-pdf-"));
    analysis = await demoAnalysis();
    content = reportFrom(analysis);
    pdf = await renderReportPdf(content);
    pdfPath = path.join(dir, "report.pdf");
    fs.writeFileSync(pdfPath, pdf);
  });
  afterAll(async () => {
    await closePdfBrowser();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has selectable text with every cluster, every failing finding and Penny's cluster-admin route", () => {
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = normalize(pdftotext(pdfPath));
    for (const cluster of content.scope.clusters) expect(text).toContain(cluster.name);
    const failing = content.findings.filter((f) => f.status === "fail");
    expect(failing.length).toBeGreaterThan(10);
    for (const finding of failing) expect(text).toContain(normalize(finding.title));
    expect(text).toContain("Penny");
    expect(text).toContain("listClusterAdminCredential");
    expect(text).toContain(content.report.title);
  });

  it("numbers its pages in the footer and prints the right page for each section in the contents", () => {
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdfPath], { encoding: "utf8" }))?.[1],
    );
    expect(pages).toBeGreaterThan(5);
    expect(normalize(pdftotext(pdfPath, 1))).toContain(`Page 1 of ${pages}`);
    expect(normalize(pdftotext(pdfPath, pages))).toContain(`Page ${pages} of ${pages}`);

    const destinations = pdfNamedDestinationPages(pdf);
    const contents = normalize(pdftotext(pdfPath, 1));
    const sections: [string, string][] = [
      ["summary", "1. Summary"],
      ["cluster-admins", "3. Who holds cluster-admin"],
      ["remediation", "6. Remediation"],
      ["about", "7. About this report"],
    ];
    for (const [id, heading] of sections) {
      const page = destinations.get(id);
      expect(page, id).toBeGreaterThan(1);
      // The contents line says that page, and that page starts the section.
      expect(contents).toMatch(new RegExp(`${heading.replace(".", "\\.")} ${page}\\b`));
      expect(normalize(pdftotext(pdfPath, page)).trimStart().startsWith(heading)).toBe(true);
    }
  });

  it("renders pages that can be looked at (PNG through pdftoppm)", () => {
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "3", pdfPath, path.join(dir, "page")]);
    const images = fs.readdirSync(dir).filter((f) => f.startsWith("page") && f.endsWith(".png"));
    expect(images).toHaveLength(3);
    for (const image of images) expect(fs.statSync(path.join(dir, image)).size).toBeGreaterThan(10_000);
    if (process.env.ATLAS_KEEP_REPORT_PDF) fs.copyFileSync(pdfPath, process.env.ATLAS_KEEP_REPORT_PDF);
  });

  it("leaves no user principal name or display name of a User in any of the four formats when redacted", async () => {
    const redacted = redactReport(content);
    const redactedPdfPath = path.join(dir, "redacted.pdf");
    fs.writeFileSync(redactedPdfPath, await renderReportPdf(redacted));
    const formats: Record<string, string> = {
      json: renderReportJson(redacted),
      csv: renderReportCsv(redacted),
      html: await renderReportDocument(redacted),
      pdf: normalize(pdftotext(redactedPdfPath)),
    };
    const users = analysis.principals.filter((p) => p.kind === "User");
    const named = users.filter((u) => JSON.stringify(content).includes(u.id));
    expect(named.length).toBeGreaterThan(3);
    for (const [format, output] of Object.entries(formats)) {
      const lower = output.toLowerCase();
      expect(lower, format).toContain("user ");
      for (const user of users) {
        expect(lower, `${format}: ${user.displayName}`).not.toContain(user.displayName.toLowerCase());
        if (user.userPrincipalName) {
          expect(lower, `${format}: ${user.userPrincipalName}`).not.toContain(
            user.userPrincipalName.toLowerCase(),
          );
        }
      }
    }
    // The unredacted renderings do name them: the check above can fail.
    expect(renderReportCsv(content)).toContain("Penny");
    expect(normalize(pdftotext(pdfPath))).toContain("Penny");
  });
});
