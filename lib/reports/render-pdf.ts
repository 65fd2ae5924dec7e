import fs from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { reportSections } from "@/components/reports/report-format";
import { APP_ERROR_STATUS, AppError } from "@/lib/http/app-error";
import { pdfNamedDestinationPages } from "@/lib/reports/pdf-destinations";
import { renderReportDocument, renderReportPdfFooter } from "@/lib/reports/render-html";
import type { ReportContent } from "@/lib/reports/report-schema";

// PDF through headless Chromium (playwright-core): the same HTML as every other rendering, printed
// with selectable text, a tagged structure, bookmarks from the headings, page numbers in the footer
// and a table of contents with the page of each section (two passes: print, read where each section
// landed, print again with the numbers). One browser is shared by the process and closed when idle.

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];
const IDLE_CLOSE_MS = 60_000;
/** Two cores are common where this runs; more parallel prints only queue inside Chromium. */
const MAX_PARALLEL_RENDERS = 2;

export class PdfUnavailableError extends AppError {
  override name = "PdfUnavailableError";
  constructor(message: string) {
    super("pdf_unavailable", APP_ERROR_STATUS.unavailable, message);
  }
}

export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  return env.ATLAS_CHROMIUM_PATH || env.CHROMIUM_PATH || "/usr/bin/chromium";
}

type BrowserState = {
  browser: Promise<Browser> | null;
  idleTimer: NodeJS.Timeout | null;
  active: number;
  queue: (() => void)[];
};
const globalState = globalThis as unknown as { atlasPdfBrowser?: BrowserState };
// One browser per process, also across Next's separately bundled route modules.
globalState.atlasPdfBrowser ??= { browser: null, idleTimer: null, active: 0, queue: [] };
const state: BrowserState = globalState.atlasPdfBrowser;

async function launch(): Promise<Browser> {
  const executablePath = chromiumPath();
  // a system binary, not part of the build's output (untraced)
  if (!fs.existsSync(/*turbopackIgnore: true*/ executablePath)) {
    throw new PdfUnavailableError(
      `PDF rendering needs Chromium, which is not at ${executablePath}: install it or set ATLAS_CHROMIUM_PATH.`,
    );
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  browser.on("disconnected", () => {
    state.browser = null;
  });
  return browser;
}

async function acquire(): Promise<Browser> {
  if (state.active >= MAX_PARALLEL_RENDERS) await new Promise<void>((resolve) => state.queue.push(resolve));
  state.active++;
  if (state.idleTimer) clearTimeout(state.idleTimer);
  state.idleTimer = null;
  state.browser ??= launch().catch((error: unknown) => {
    state.browser = null;
    throw error;
  });
  try {
    return await state.browser;
  } catch (error) {
    release();
    throw error;
  }
}

function release(): void {
  state.active--;
  state.queue.shift()?.();
  if (state.active === 0 && state.browser) {
    state.idleTimer = setTimeout(() => void closePdfBrowser(), IDLE_CLOSE_MS);
    state.idleTimer.unref();
  }
}

/** Closes the shared browser (the CLI calls this before it exits; the server lets the idle timer do it). */
export async function closePdfBrowser(): Promise<void> {
  if (state.idleTimer) clearTimeout(state.idleTimer);
  state.idleTimer = null;
  const pending = state.browser;
  state.browser = null;
  if (pending) await (await pending.catch(() => null))?.close();
}

async function print(browser: Browser, html: string, content: ReportContent): Promise<Buffer> {
  const footerTemplate = await renderReportPdfFooter(content);
  // No script, no network: the document is self-contained and must stay that way while printed.
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load", timeout: 60_000 });
    return await page.pdf({
      format: "A4",
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate,
      margin: { top: "16mm", bottom: "18mm", left: "14mm", right: "14mm" },
      outline: true,
      tagged: true,
    });
  } finally {
    await context.close();
  }
}

/** Every section the contents link to, in their order (the same list the contents are made from). */
const TOC_IDS = (content: ReportContent) =>
  reportSections(content).flatMap((section) => [section.id, ...(section.children ?? []).map((c) => c.id)]);

export async function renderReportPdf(content: ReportContent): Promise<Buffer> {
  const browser = await acquire();
  try {
    // Pass 1 with two-digit placeholders, so the contents take the same room as the real numbers.
    const ids = TOC_IDS(content);
    const placeholders = Object.fromEntries(ids.map((id) => [id, 88]));
    const first = await print(
      browser,
      await renderReportDocument(content, { tocPages: placeholders }),
      content,
    );
    const pages = pdfNamedDestinationPages(first);
    if (!ids.every((id) => pages.has(id))) {
      return await print(browser, await renderReportDocument(content), content);
    }
    return await print(
      browser,
      await renderReportDocument(content, { tocPages: Object.fromEntries(pages) }),
      content,
    );
  } finally {
    release();
  }
}
