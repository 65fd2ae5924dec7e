import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { clusterParamsForLinks, parseClusterSearchParams } from "@/app/clusters/search-params";
import { CLUSTER_COLUMNS } from "@/components/clusters/cluster-columns";
import { DataTable } from "@/components/data-table/data-table";
import {
  CLUSTERS_PAGE_SIZE,
  type ClusterSortKey,
  clusterTable,
  defaultDirection,
} from "@/lib/queries/cluster-table";
import type { ClusterPosture } from "@/lib/queries/list-clusters";

// The clusters list as the page composes it: its column data in the shared DataTable, the rows ordered
// by the use case (clusterTable), the links built from the page's URL params. What the e2e specs and
// bookmarks rely on: the header names, a row link named by the cluster, and sort links whose URL parses
// back (app/clusters/search-params.ts) to the column that was clicked.

const SUB = "00000000-0000-0000-0000-0000000005b1";

function cluster(name: string, overrides: Partial<ClusterPosture> = {}): ClusterPosture {
  return {
    id: `/subscriptions/${SUB}/resourcegroups/rg-${name}/providers/microsoft.containerservice/managedclusters/${name}`,
    name,
    subscriptionId: SUB,
    resourceGroup: `rg-${name}`,
    location: "westeurope",
    kubernetesVersion: "1.31.2",
    entraMode: "managed",
    azureRbac: true,
    kubernetesRbac: true,
    localAccountsDisabled: true,
    runCommandDisabled: false,
    workloadIdentityEnabled: true,
    oidcIssuerEnabled: true,
    podIdentityEnabled: false,
    privateCluster: false,
    controlPlaneIdentityType: "SystemAssigned",
    clusterAdmins: 1,
    failingFindings: 0,
    criticalFindings: 0,
    highFindings: 0,
    kubernetesCoverage: "complete",
    ...overrides,
  };
}

function renderPage(rows: ClusterPosture[], raw: Record<string, string>): string {
  const params = parseClusterSearchParams(raw);
  const table = clusterTable(rows, params);
  return renderToStaticMarkup(
    createElement(DataTable<ClusterPosture, ClusterSortKey>, {
      label: "Clusters",
      caption: `${table.matching} of ${table.total} clusters match`,
      columns: CLUSTER_COLUMNS,
      rows: table.rows,
      rowKey: (row) => row.id,
      url: { basePath: "/clusters", params: clusterParamsForLinks(params) },
      sort: {
        key: params.sort,
        direction: params.dir ?? defaultDirection(params.sort),
        defaultDirection,
      },
      pagination: { page: table.page, pageSize: CLUSTERS_PAGE_SIZE, total: table.matching },
      empty: "No cluster matches these filters.",
      minWidthClass: "min-w-[64rem]",
    }),
  );
}

const ROWS = [
  cluster("aks-1", {
    failingFindings: 4,
    criticalFindings: 1,
    clusterAdmins: 3,
    localAccountsDisabled: false,
  }),
  cluster("aks-2", { kubernetesCoverage: "partial", entraMode: "legacy" }),
  cluster("aks-3"),
];

describe("the clusters list's columns", () => {
  it("has the headers the page always had, each sortable", () => {
    const html = renderPage(ROWS, {});
    const headers = [...html.matchAll(/<th scope="col"[^>]*><a[^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(headers).toEqual([
      "Cluster",
      "Resource group",
      "Entra ID",
      "Azure RBAC",
      "Local accounts",
      "Workload identity",
      "Cluster admins",
      "Failing findings",
    ]);
    // failing findings, most first, is the default order
    expect(html).toMatch(/aria-sort="descending"[^>]*><a[^>]*>Failing findings/);
  });

  it("names each row by its cluster, linking its page and its findings", () => {
    const html = renderPage(ROWS, {});
    expect(html).toContain(`href="/clusters/aks-1~rg-aks-1~${SUB}">aks-1</a>`);
    expect(html).toContain(`href="/findings?cluster=aks-1~rg-aks-1~${SUB}"`);
    expect(html).toContain("(1 critical)");
    expect(html).toContain("Kubernetes API partly read");
    expect(html).toContain("legacy (deprecated)");
    // the row order is the use case's: most failing findings first
    expect(html.indexOf(">aks-1</a>")).toBeLessThan(html.indexOf(">aks-2</a>"));
  });

  it("links every header to a URL that parses back to that column, keeping the filters", () => {
    const html = renderPage(ROWS, { q: "aks", localAccounts: "disabled", page: "1" });
    const links = [...html.matchAll(/<th scope="col"[^>]*><a [^>]*href="([^"]*)"/g)].map((match) =>
      match[1].replaceAll("&amp;", "&"),
    );
    expect(links).toHaveLength(CLUSTER_COLUMNS.length);
    for (const [index, href] of links.entries()) {
      const url = new URL(href, "http://atlas.invalid");
      const parsed = parseClusterSearchParams(Object.fromEntries(url.searchParams));
      expect(url.pathname).toBe("/clusters");
      expect(parsed.sort).toBe(CLUSTER_COLUMNS[index].sortKey);
      expect(parsed.q).toBe("aks");
      expect(parsed.localAccounts).toBe("disabled");
      expect(url.searchParams.has("page")).toBe(false);
    }
  });
});
