import { createElement, type ReactElement } from "react";
import { ReportDocument, ReportPdfFooter } from "@/components/reports/report-document";
import { ReportView, type ReportViewOptions } from "@/components/reports/report-view";
import { SharedLinkMessage } from "@/components/reports/shared-link-message";
import type { ReportContent } from "@/lib/reports/report-schema";

// The report's HTML as a string, for the .html download, the share page and the PDF: the components of
// components/reports (the same ones the app's report page renders) through React's renderToStaticMarkup.
// React escapes every value; nothing here builds markup from strings.

export type ReportHtmlOptions = ReportViewOptions;

/**
 * renderToStaticMarkup, loaded when first used and left out of Next's bundles. Route handlers are compiled
 * for the React Server Components environment, where `react-dom/server` cannot be bundled: Next refuses the
 * import at build time ("You're importing a component that imports react-dom/server",
 * vercel/next.js crates/next-custom-transforms/src/transforms/react_server_components.rs) and its
 * `react-dom/server.edge` alias throws on renderToStaticMarkup (node_modules/next/dist/build/webpack/alias/
 * react-dom-server.js). The ignored dynamic import (Next's documented `webpackIgnore`/`turbopackIgnore`
 * magic comments) is resolved by Node at run time: react-dom from node_modules with its own React, which
 * renders these hook-free components like any other. The CLI and the tests load it the same way.
 */
async function staticMarkup(element: ReactElement): Promise<string> {
  const { renderToStaticMarkup } = await import(
    /* webpackIgnore: true */ /* turbopackIgnore: true */ "react-dom/server"
  );
  return renderToStaticMarkup(element);
}

/** The report body alone, scoped under `.atlas-report` (what the app's report page shows). */
export function renderReportFragment(
  content: ReportContent,
  options: ReportHtmlOptions = {},
): Promise<string> {
  return staticMarkup(createElement(ReportView, { content, options }));
}

/** A standalone document: the .html download, the share page and the PDF's source. */
export async function renderReportDocument(
  content: ReportContent,
  options: ReportHtmlOptions = {},
): Promise<string> {
  return `<!doctype html>\n${await staticMarkup(createElement(ReportDocument, { content, options }))}\n`;
}

/** The PDF's running footer, as Chromium's footer template takes it. */
export function renderReportPdfFooter(content: ReportContent): Promise<string> {
  return staticMarkup(createElement(ReportPdfFooter, { content }));
}

/** The page a share link answers with when it is not the report (404, 410). */
export async function renderSharedLinkMessage(title: string, text: string): Promise<string> {
  return `<!doctype html>\n${await staticMarkup(createElement(SharedLinkMessage, { title, text }))}\n`;
}
