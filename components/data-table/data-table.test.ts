import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  DataTable,
  type DataTableColumn,
  type DataTableProps,
  type DataTableSort,
  sortHref,
} from "@/components/data-table/data-table";
import { viewKey } from "@/components/data-table/data-table-boundary";
import { scanLinkParams } from "@/components/data-table/url-state";

// The shared list table, rendered the way the server renders it. The markup is what axe and the e2e
// specs rely on: one <table> with a <caption>, <th scope="col"> headers (aria-sort on sortable ones), a
// <th scope="row"> per row, and pagination inside <nav aria-label="<label> pages"> whose links keep
// the view's filters (WAI-ARIA APG, sortable table: https://www.w3.org/WAI/ARIA/apg/patterns/table/examples/sortable-table/).

type Row = { id: string; name: string; admins: number };
type Key = "name" | "admins";

const COLUMNS: DataTableColumn<Row, Key>[] = [
  { id: "name", header: "Cluster", rowHeader: true, sortKey: "name", cell: (row) => row.name },
  { id: "admins", header: "Cluster admins", align: "end", sortKey: "admins", cell: (row) => row.admins },
  { id: "note", header: "Note", cell: () => "—" },
];

const rows = (count: number, from = 1): Row[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `c${from + index}`,
    name: `aks-${from + index}`,
    admins: index,
  }));

function render(overrides: Partial<DataTableProps<Row, Key>> = {}): string {
  const props: DataTableProps<Row, Key> = {
    label: "Clusters",
    caption: "3 clusters",
    columns: COLUMNS,
    rows: rows(3),
    rowKey: (row) => row.id,
    url: { basePath: "/clusters", params: { q: "aks", entra: "managed", dir: undefined } },
    sort: {
      key: "admins",
      direction: "desc",
      defaultDirection: (key) => (key === "admins" ? "desc" : "asc"),
    },
    pagination: { page: 1, pageSize: 3, total: 3 },
    empty: "No cluster matches these filters.",
    ...overrides,
  };
  return renderToStaticMarkup(createElement(DataTable<Row, Key>, props));
}

/** Every href in the markup, entities decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1].replaceAll("&amp;", "&"));
}

/** An href as its path and params, so the assertion does not depend on the params' order. */
function parsed(href: string): Record<string, string> {
  const url = new URL(href, "http://atlas.invalid");
  return { path: url.pathname, ...Object.fromEntries(url.searchParams) };
}

describe("DataTable", () => {
  it("is one table with a caption, column headers with scope and a row header per row", () => {
    const html = render();
    expect(html.match(/<table/g)).toHaveLength(1);
    expect(html).toMatch(/<caption[^>]*>3 clusters<\/caption>/);
    expect(html.match(/<th scope="col"/g)).toHaveLength(3);
    expect(html.match(/<th scope="row"/g)).toHaveLength(3);
    expect(html).toMatch(/<th scope="row"[^>]*>aks-2<\/th>/);
    // numbers are right-aligned in header and cells
    expect(html).toMatch(/<th scope="col" aria-sort="descending" class="[^"]*text-right/);
    expect(html).toMatch(/<td class="[^"]*text-right tabular-nums[^"]*">1<\/td>/);
  });

  it("marks the sorted column and links each sortable header to its next order, back on page 1", () => {
    const html = render({ pagination: { page: 2, pageSize: 3, total: 9 } });
    expect(html).toContain('aria-sort="descending"');
    expect(html).toContain('aria-sort="none"');
    // a column that does not sort has no aria-sort and no link
    expect(html).toMatch(/<th scope="col" class="[^"]*">Note<\/th>/);
    const links = hrefs(html).map(parsed);
    // the current column flips; another starts in its own direction; filters stay, the page goes
    expect(links).toContainEqual({
      path: "/clusters",
      q: "aks",
      entra: "managed",
      sort: "admins",
      dir: "asc",
    });
    expect(links).toContainEqual({ path: "/clusters", q: "aks", entra: "managed", sort: "name", dir: "asc" });
    expect(html).toContain(", sorted descending");
  });

  it("paginates inside a named nav whose links keep the filters", () => {
    const html = render({ rows: rows(3, 4), pagination: { page: 2, pageSize: 3, total: 9 } });
    expect(html).toMatch(/<nav aria-label="Clusters pages"/);
    expect(html).toContain("Page 2 of 3");
    const links = hrefs(html);
    expect(links).toContain("/clusters?q=aks&entra=managed&page=1");
    expect(links).toContain("/clusters?q=aks&entra=managed&page=3");
  });

  it("has no pagination when everything fits on one page", () => {
    expect(render()).not.toContain("<nav");
  });

  it("shows the empty state instead of an empty table when nothing matches", () => {
    const html = render({ rows: [], pagination: { page: 1, pageSize: 3, total: 0 } });
    expect(html).not.toContain("<table");
    expect(html).toContain("No cluster matches these filters.");
    expect(html).not.toContain("<nav");
  });

  it("leads back from a page past the last one instead of showing a bare table", () => {
    const html = render({ rows: [], pagination: { page: 7, pageSize: 3, total: 5 } });
    expect(html).toContain("Page 7 is past the last page.");
    expect(hrefs(html)).toContain("/clusters?q=aks&entra=managed&page=2");
    // no "Page 7 of 2" with a Previous link to page 6
    expect(html).not.toContain("<nav");
  });

  it("renders without sort links when the list has no sort", () => {
    const html = render({ sort: undefined });
    expect(html).not.toContain("aria-sort");
    expect(hrefs(html)).toEqual([]);
  });
});

describe("sortHref", () => {
  it("drops the page and keeps the other params", () => {
    const url = { basePath: "/clusters", params: { q: "x y", page: "4", sort: "name", dir: "asc" } };
    const sort: DataTableSort<"name" | "admins"> = {
      key: "name",
      direction: "asc",
      defaultDirection: () => "desc",
    };
    expect(sortHref(url, sort, "name")).toBe("/clusters?q=x+y&sort=name&dir=desc");
    expect(sortHref(url, sort, "admins")).toBe("/clusters?q=x+y&sort=admins&dir=desc");
  });
});

describe("scanLinkParams", () => {
  const scope = { scan: { id: "12", status: "succeeded", startedAt: "", finishedAt: null, coverage: null } };
  it("pins the scan the URL named, so page 2 is of the same scan", () => {
    expect(scanLinkParams({ scan: "12" }, scope)).toEqual({ scan: "12" });
  });
  it("keeps following the latest scan when the URL named none", () => {
    expect(scanLinkParams({ q: "aks" }, scope)).toEqual({});
  });
});

describe("viewKey", () => {
  it("is the same for the same view in any order, and differs for another page", () => {
    expect(viewKey({ q: "a", page: 1, sort: undefined })).toBe(viewKey({ page: 1, q: "a" }));
    expect(viewKey({ q: "a", page: 1 })).not.toBe(viewKey({ q: "a", page: 2 }));
  });
});
