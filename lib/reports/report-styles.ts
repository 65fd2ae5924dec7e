// The report's own stylesheet, scoped under `.atlas-report` so the same markup renders inside the app
// (next to Tailwind's styles), as a standalone HTML file, on the public share page and in the PDF.
// Nothing is fetched: system fonts, no images. The print rules are what makes the PDF and a browser's
// "Print" look like a document rather than a web page.

export const REPORT_CSS = `
.atlas-report {
  --ink: #0f172a; --muted: #475569; --faint: #94a3b8; --rule: #e2e8f0; --paper: #ffffff; --tint: #f8fafc;
  --brand: #1d4ed8; --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2;
  --na: #475569; --na-bg: #e2e8f0;
  --critical: #991b1b; --high: #c2410c; --medium: #a16207; --low: #1d4ed8; --info: #475569;
  color: var(--ink); background: var(--paper);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  font-size: 14px; line-height: 1.5; max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 3rem;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.atlas-report *, .atlas-report *::before, .atlas-report *::after { box-sizing: border-box; }
.atlas-report h1 { font-size: 1.9rem; font-weight: 700; line-height: 1.2; margin: 0 0 .35rem; letter-spacing: -.01em; }
.atlas-report h2, .atlas-report h3, .atlas-report h4 { font-weight: 700; line-height: 1.3; }
.atlas-report h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--ink); }
.atlas-report h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.atlas-report h4 { font-size: .95rem; margin: 1rem 0 .35rem; }
/* a remediation step is an h3 under its h2 (no skipped level) that keeps the look it had as an h4 */
.atlas-report h3.step-title { font-size: .95rem; margin: 1rem 0 .35rem; }
.atlas-report p { margin: .4rem 0; }
.atlas-report a { color: var(--brand); }
.atlas-report code, .atlas-report pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: .82em; }
.atlas-report pre { background: var(--tint); border: 1px solid var(--rule); border-radius: 4px; padding: .5rem .65rem; margin: .35rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.atlas-report .muted { color: var(--muted); }
.atlas-report .small { font-size: .85em; }
.atlas-report .wrap { overflow-wrap: break-word; word-break: break-word; }
.atlas-report header.cover { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; }
.atlas-report .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: .75rem; font-weight: 600; color: var(--brand); margin: 0 0 .4rem; }
.atlas-report .subtitle { font-size: 1.05rem; color: var(--muted); margin: 0 0 1rem; }
.atlas-report dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.25rem; margin: 0; font-size: .9rem; }
.atlas-report dl.meta dt { color: var(--muted); }
.atlas-report dl.meta dd { margin: 0; }
.atlas-report .share-note { margin: 0 0 1.25rem; padding: .5rem .75rem; border: 1px solid var(--rule); border-radius: 4px; background: var(--tint); font-size: .85rem; color: var(--muted); }
.atlas-report .redacted-note { margin-top: .9rem; padding: .5rem .75rem; border-left: 4px solid var(--brand); background: #eff6ff; font-size: .9rem; }
.atlas-report h2.toc-heading { margin-top: 1.75rem; border-bottom: 0; font-size: 1.1rem; }
.atlas-report nav.toc ol { list-style: none; padding: 0; margin: .5rem 0 0; }
.atlas-report nav.toc li { display: flex; align-items: baseline; gap: .4rem; padding: .15rem 0; }
.atlas-report nav.toc li.sub { padding-left: 1.5rem; font-size: .92em; }
.atlas-report nav.toc .leader { flex: 1; border-bottom: 1px dotted var(--faint); transform: translateY(-.25em); }
.atlas-report nav.toc .page { min-width: 1.5rem; text-align: right; font-variant-numeric: tabular-nums; }
.atlas-report .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: .75rem; margin: .75rem 0; }
.atlas-report .card { border: 1px solid var(--rule); border-radius: 6px; padding: .75rem .9rem; background: var(--paper); break-inside: avoid; }
.atlas-report .card .label { font-size: .8rem; color: var(--muted); font-weight: 600; }
.atlas-report .card .score { font-size: 2rem; font-weight: 700; line-height: 1.1; margin: .2rem 0; font-variant-numeric: tabular-nums; }
.atlas-report .bar { display: flex; height: .5rem; border-radius: 999px; overflow: hidden; background: var(--na-bg); margin: .4rem 0; }
.atlas-report .bar span { display: block; height: 100%; }
.atlas-report .bar .b-pass { background: var(--pass); }
.atlas-report .bar .b-fail { background: var(--fail); }
.atlas-report .bar .b-na { background: var(--faint); }
.atlas-report table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; }
.atlas-report .table-scroll { max-width: 100%; overflow-x: auto; margin: .5rem 0 1rem; }
.atlas-report .table-scroll > table { margin: 0; }
.atlas-report .table-scroll:focus-visible { outline: 2px solid var(--brand); outline-offset: 2px; }
.atlas-report table:has(colgroup) { table-layout: fixed; }
.atlas-report caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.atlas-report th, .atlas-report td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--rule); }
.atlas-report thead th { white-space: normal; background: var(--tint); border-bottom: 1px solid var(--faint); font-size: .8rem; color: var(--muted); font-weight: 600; }
.atlas-report td.num, .atlas-report th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.atlas-report thead th.num { white-space: normal; }
.atlas-report tr { break-inside: avoid; }
.atlas-report .badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .75rem; font-weight: 600; white-space: nowrap; }
.atlas-report .s-pass { color: var(--pass); background: var(--pass-bg); }
.atlas-report .s-fail { color: var(--fail); background: var(--fail-bg); }
.atlas-report .s-not-assessed { color: var(--na); background: var(--na-bg); }
.atlas-report .sev { font-weight: 700; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; }
.atlas-report .sev-critical { color: var(--critical); }
.atlas-report .sev-high { color: var(--high); }
.atlas-report .sev-medium { color: var(--medium); }
.atlas-report .sev-low { color: var(--low); }
.atlas-report .sev-info { color: var(--info); }
.atlas-report ul.evidence { margin: 0; padding-left: 1rem; }
.atlas-report ul.evidence li { margin: .1rem 0; }
.atlas-report .path { font-size: .8rem; color: var(--muted); overflow-wrap: break-word; word-break: break-word; }
.atlas-report .path .arrow { color: var(--faint); padding: 0 .2rem; }
.atlas-report .finding { border: 1px solid var(--rule); border-left: 4px solid var(--fail); border-radius: 4px; padding: .55rem .75rem; margin: .5rem 0; break-inside: avoid; }
.atlas-report .finding.sev-border-critical { border-left-color: var(--critical); }
.atlas-report .finding.sev-border-high { border-left-color: var(--high); }
.atlas-report .finding.sev-border-medium { border-left-color: var(--medium); }
.atlas-report .finding.sev-border-low { border-left-color: var(--low); }
.atlas-report .finding .head { display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline; }
.atlas-report .finding .title { font-weight: 600; }
.atlas-report .step { border-top: 1px solid var(--rule); padding: .6rem 0; break-inside: avoid; }
.atlas-report .note { padding: .5rem .75rem; background: var(--tint); border: 1px solid var(--rule); border-radius: 4px; font-size: .9rem; }
.atlas-report footer.colophon { margin-top: 2.5rem; padding-top: .75rem; border-top: 1px solid var(--rule); font-size: .8rem; color: var(--muted); }
@media screen and (max-width: 40rem) {
  /* a phone: less margin, and tables with set column widths keep readable columns and scroll instead */
  .atlas-report { padding: 1.25rem .9rem 2rem; }
  .atlas-report table:has(colgroup) { min-width: 36rem; }
  .atlas-report dl.meta dd { overflow-wrap: anywhere; }
  /* long names without a space (ARM ids, rule ids) break rather than widen a finding card */
  .atlas-report .finding, .atlas-report .step, .atlas-report p, .atlas-report li { overflow-wrap: anywhere; }
}
@media print {
  .atlas-report { max-width: none; padding: 0; font-size: 10.5pt; }
  .atlas-report .table-scroll { overflow: visible; }
  .atlas-report h2 { break-before: page; margin-top: 0; }
  .atlas-report h2.toc-heading { break-before: auto; margin-top: 1.75rem; }
  .atlas-report h2, .atlas-report h3, .atlas-report h4 { break-after: avoid; }
  .atlas-report nav.toc { break-after: page; }
  .atlas-report .screen-only { display: none !important; }
  .atlas-report a { color: inherit; text-decoration: none; }
  .atlas-report thead { display: table-header-group; }
  .atlas-report pre { white-space: pre-wrap; }
}
`;

/** The page box of the PDF; the footer template (render-pdf.ts) prints into the bottom margin. */
export const PRINT_PAGE_CSS = `@page { size: A4; margin: 16mm 14mm 18mm; }`;
