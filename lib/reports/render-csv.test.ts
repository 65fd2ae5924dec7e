import { beforeAll, describe, expect, it } from "vitest";
import { type DemoAnalysis, demoAnalysis, reportFrom } from "@/lib/reports/fixtures/demo-report";
import { CSV_COLUMNS, csvCell, renderReportCsv } from "@/lib/reports/render-csv";

/** A small RFC 4180 reader, independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

describe("renderReportCsv", () => {
  let analysis: DemoAnalysis;
  beforeAll(async () => {
    analysis = await demoAnalysis();
  });

  it("writes one row per finding and control, with the header first", () => {
    const content = reportFrom(analysis);
    const rows = parseCsv(renderReportCsv(content));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const expected = content.findings.reduce((n, f) => n + f.controls.length, 0);
    expect(rows).toHaveLength(expected + 1);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const penny = rows.find(
      (r) => r[col("rule_id")] === "admin-credential-via-broad-role" && r[col("subject")].startsWith("Penny"),
    );
    expect(penny?.[col("finding_status")]).toBe("fail");
    expect(new Set(rows.slice(1).map((r) => r[col("cluster")]))).toEqual(
      new Set(content.scope.clusters.map((c) => c.name)),
    );
  });

  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("plain")).toBe("plain");
    expect(parseCsv(`${csvCell('x,"y"\r\nz')}\r\n`)).toEqual([['x,"y"\r\nz']]);
  });
});
