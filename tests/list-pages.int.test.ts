import { createElement, type ReactElement } from "react";
import { prerender } from "react-dom/static";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ClustersPage from "@/app/clusters/page";
import IdentitiesPage from "@/app/identities/page";
import PrincipalsPage from "@/app/principals/page";
import { listClusters } from "@/lib/queries/list-clusters";
import { listIdentities } from "@/lib/queries/list-identities";
import { listPrincipals } from "@/lib/queries/list-principals";
import type { ScanScope } from "@/lib/queries/scan-scope";
import { type ScannedDemo, scanDemoIntoTestDatabase } from "@/tests/helpers/scanned-demo";

// The three list pages (components/data-table) as the server renders them (async server components, streamed through their
// Suspense boundaries) over a real scan of the demo tenant in PostgreSQL: one captioned table each whose
// count is the use case's, links that keep the filters and the scan the URL named, and the empty and
// past-the-last-page states.

let demo: ScannedDemo;
let scope: ScanScope;

type Page = (props: { searchParams: Promise<Record<string, string>> }) => Promise<ReactElement>;

/** The page's HTML once every Suspense boundary has resolved (`prerender` waits for all of them). */
async function render(page: Page, params: Record<string, string> = {}): Promise<string> {
  const element = await page({ searchParams: Promise.resolve(params) });
  const { prelude } = await prerender(createElement("main", null, element));
  // React separates adjacent text nodes with empty comments; the assertions read the text as shown
  return (await new Response(prelude).text()).replaceAll("<!-- -->", "");
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1].replaceAll("&amp;", "&"));
}

function caption(html: string): string {
  return /<caption[^>]*>(.*?)<\/caption>/.exec(html)?.[1] ?? "";
}

describe("the list pages on the DataTable", () => {
  beforeAll(async () => {
    demo = await scanDemoIntoTestDatabase();
    scope = demo.scope;
  }, 300_000);

  afterAll(() => demo?.close());

  it("clusters: one captioned table of every cluster, sortable headers, rows named by cluster", async () => {
    const html = await render(ClustersPage);
    const clusters = await listClusters(scope);
    expect(html.match(/<table/g)).toHaveLength(1);
    expect(caption(html)).toBe(`${clusters.length} clusters, identity posture as of scan #${scope.scan.id}`);
    expect(html.match(/<th scope="row"/g)).toHaveLength(clusters.length);
    expect(html.match(/aria-sort=/g)).toHaveLength(8);
    expect(html).toMatch(/<a [^>]*href="\/clusters\/aks-1~[^"]*">aks-1<\/a>/);
    // streamed behind the busy skeleton (the e2e tier waits for it to go)
    expect(html).toMatch(/aria-busy="true"[\s\S]*Loading clusters…[\s\S]*<table/);
  });

  it("clusters: a view of a named scan keeps the scan and the filters in its sort links and form", async () => {
    const html = await render(ClustersPage, { scan: scope.scan.id, entra: "managed", sort: "name" });
    const sortLinks = hrefs(html).filter((href) => href.startsWith("/clusters?"));
    expect(sortLinks.length).toBeGreaterThanOrEqual(8);
    for (const href of sortLinks) {
      const params = new URL(href, "http://atlas.invalid").searchParams;
      expect(params.get("scan"), href).toBe(scope.scan.id);
      expect(params.get("entra"), href).toBe("managed");
    }
    expect(html).toContain(`<input type="hidden" name="scan" value="${scope.scan.id}"/>`);
    // without ?scan= the links follow the latest scan, as before
    const latest = await render(ClustersPage, { entra: "managed" });
    expect(hrefs(latest).filter((href) => href.includes("scan="))).toEqual([]);
  });

  it("clusters: no match is the list's sentence with a way back, not an empty table", async () => {
    const html = await render(ClustersPage, { q: "no-such-cluster-anywhere" });
    expect(html).not.toContain("<table");
    expect(html).toContain("No cluster matches these filters.");
    expect(hrefs(html)).toContain("/clusters");
  });

  it("principals: the caption counts what the use case counts", async () => {
    const html = await render(PrincipalsPage, { level: "cluster-admin" });
    const list = await listPrincipals(scope, { level: "cluster-admin", page: 1 });
    expect(list.total).toBeGreaterThan(0);
    expect(caption(html)).toBe(`${list.total} principals, strongest access first`);
    expect(html.match(/<th scope="row"/g)).toHaveLength(Math.min(list.total, 50));
  });

  it("principals: a page past the last one leads back to the last page, keeping the filters", async () => {
    const list = await listPrincipals(scope, { page: 1 });
    const last = Math.max(1, Math.ceil(list.total / 50));
    const html = await render(PrincipalsPage, { kind: "User", page: String(last + 3) });
    expect(html).toContain(`Page ${last + 3} is past the last page.`);
    const back = hrefs(html).find((href) => href.startsWith("/principals?") && href.includes("page="));
    expect(back && Object.fromEntries(new URL(back, "http://atlas.invalid").searchParams)).toEqual({
      kind: "User",
      page: String(
        Math.max(1, Math.ceil((await listPrincipals(scope, { kind: "User", page: 1 })).total / 50)),
      ),
    });
  });

  it("identities: captioned table with top-aligned rows; no match is the list's sentence", async () => {
    const html = await render(IdentitiesPage, { scan: scope.scan.id });
    const list = await listIdentities(scope, { page: 1 });
    expect(caption(html)).toBe(`${list.total} managed identities`);
    expect(html).toMatch(/<tbody class="divide-y divide-slate-100 align-top">/);
    expect(html).toContain(`<input type="hidden" name="scan" value="${scope.scan.id}"/>`);
    const none = await render(IdentitiesPage, { q: "no-such-identity-anywhere" });
    expect(none).not.toContain("<table");
    expect(none).toContain("No managed identity matches.");
  });
});
