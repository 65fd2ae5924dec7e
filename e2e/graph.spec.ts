import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { build } from "esbuild";
import type { GraphData } from "@/components/access/graph-data";

// The access graph for people (issue 16 #2): labels never below 12 px (it pans instead of
// shrinking), no overlapping node boxes, focus on one principal or group, folds of principals, the
// wheel left to the page until the graph is clicked into. On the demo's aks-1 and aks-dev-1 and on
// the busiest cluster of a generated 500-cluster tenant. Screenshots go to the test's output folder.

const MOBILE = { width: 390, height: 844 };

type Geometry = { minFont: number; nodes: number; overlaps: string[]; zoom: number };

/** Rendered font size of every node label (computed size × the viewport's scale) and node overlaps. */
async function geometry(graph: Locator): Promise<Geometry> {
  return graph.evaluate((figure) => {
    const viewport = figure.querySelector(".react-flow__viewport") as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const labels = [...figure.querySelectorAll<HTMLElement>("[data-graph-label]")];
    const minFont = Math.min(
      ...labels.map((label) => Number.parseFloat(getComputedStyle(label).fontSize) * zoom),
    );
    const boxes = [...figure.querySelectorAll<HTMLElement>(".react-flow__node")].map((node) => ({
      id: node.dataset.id ?? "",
      rect: node.getBoundingClientRect(),
    }));
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].rect;
        const b = boxes[j].rect;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          overlaps.push(`${boxes[i].id} / ${boxes[j].id}`);
      }
    }
    return { minFont, nodes: boxes.length, overlaps, zoom };
  });
}

async function expectReadable(graph: Locator) {
  const measured = await geometry(graph);
  expect(measured.nodes).toBeGreaterThan(0);
  expect(measured.minFont).toBeGreaterThanOrEqual(12);
  expect(measured.overlaps).toEqual([]);
  return measured;
}

const graphOf = (page: Page) => page.getByRole("figure", { name: /^Access graph of / });

async function shoot(page: Page, name: string) {
  // no hover highlight in the picture
  await page.mouse.move(0, 0);
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: false });
}

test.describe("the busiest cluster of a generated 500-cluster tenant", () => {
  test.describe.configure({ timeout: 300_000 });
  let fixture: {
    clusterName: string;
    principals: number;
    data: GraphData;
    generated: { clusters: number };
  };
  let script = "";
  let styles = "";

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const folder = mkdtempSync(path.join(tmpdir(), "atlas-graph-fixture-"));
    try {
      const out = path.join(folder, "graph.json");
      const run = spawnSync(
        process.execPath,
        [path.resolve("node_modules/tsx/dist/cli.mjs"), "e2e/graph-fixture.ts", out],
        {
          encoding: "utf8",
        },
      );
      if (run.status !== 0) throw new Error(`graph fixture failed: ${run.stderr}`);
      fixture = JSON.parse(readFileSync(out, "utf8"));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const bundle = await build({
      // the tests run from the repository root (playwright.config.ts)
      entryPoints: [path.resolve("e2e", "graph-fixture-page.tsx")],
      bundle: true,
      write: false,
      outdir: "out",
      format: "iife",
      platform: "browser",
      jsx: "automatic",
      minify: true,
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "silent",
    });
    script = bundle.outputFiles.find((file) => file.path.endsWith(".js"))?.text ?? "";
    styles = bundle.outputFiles.find((file) => file.path.endsWith(".css"))?.text ?? "";
  });

  /** The graph on a page of its own at the app's origin, with the app's stylesheet. */
  async function openFixture(page: Page) {
    await page.goto("/api/health");
    const home = await page.request.get("/");
    const sheets = [...(await home.text()).matchAll(/href="(\/_next\/static\/[^"]+\.css)"/g)].map(
      (m) => m[1],
    );
    await page.route("**/graph-fixture", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Access graph of ${fixture.clusterName}</title>${sheets.map((href) => `<link rel="stylesheet" href="${href}">`).join("")}<style>${styles}</style></head><body><main class="mx-auto max-w-7xl px-4 py-6"><h1 class="text-xl font-semibold">${fixture.clusterName}</h1><div id="root"></div></main><script>window.graphFixture=${JSON.stringify({ data: fixture.data, clusterName: fixture.clusterName }).replace(/</g, "\\u003c")}</script><script>${script.replace(/<\/script/g, "<\\/script")}</script></body></html>`,
      }),
    );
    await page.goto("/graph-fixture");
    await expect(graphOf(page)).toBeVisible();
  }

  test("stays readable: folded principals, a focused group, labels ≥ 12 px, no overlapping boxes", async ({
    page,
  }) => {
    expect(fixture.generated.clusters).toBe(500);
    // the generated tenant's busiest cluster is busy: hundreds of principals
    expect(fixture.principals).toBeGreaterThan(200);
    await openFixture(page);
    const graph = graphOf(page);

    // everything: hundreds of principals folded into a few nodes by group or kind
    await page.getByLabel("Show access").selectOption("all");
    await expect(page.getByText(/folded by group or kind/)).toBeVisible();
    const folds = graph.locator('[data-graph-node="principalBucket"]');
    await expect.poll(() => folds.count()).toBeGreaterThan(0);
    await expect(folds.first()).toContainText(/\d+ (users|groups|service accounts|principals)/);
    const all = await expectReadable(graph);
    expect(all.nodes).toBeLessThan(fixture.principals);
    await shoot(page, "generated-all-1280");

    // focus on the group with the most members: only its paths, every one highlighted
    const focus = page.getByLabel("Focus on");
    const groups = await focus
      .locator("optgroup[label='Groups'] option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(groups.length).toBeGreaterThan(0);
    await focus.selectOption(groups[0]);
    await expect(page.getByText(/^Only the paths through /)).toBeVisible();
    const focused = await expectReadable(graph);
    expect(focused.zoom).toBeGreaterThanOrEqual(1);
    await expect(graph.locator(`[data-id="${groups[0]}"] [data-graph-node]`)).toBeVisible();
    await shoot(page, "generated-focused-1280");

    // expanding a fold lists its members
    await page.getByRole("button", { name: "Show everyone" }).click();
    const fold = folds.first();
    const label = (await fold.textContent()) ?? "";
    const members = Number(/^(\d+)/.exec(label)?.[1] ?? "0");
    await fold.click();
    await expect(page.getByRole("button", { name: "Fold principals again" })).toBeVisible();
    expect(members).toBeGreaterThan(1);
    await expectReadable(graph);

    await page.setViewportSize(MOBILE);
    await page.getByRole("button", { name: "Fold principals again" }).click();
    await focus.selectOption(groups[0]);
    await expectReadable(graph);
    await shoot(page, "generated-focused-390");
  });
});

test.describe("the demo's graphs", () => {
  /** The startup scan may still run when the first test starts: wait for its data. */
  async function openCluster(page: Page, name: string) {
    await expect(async () => {
      await page.goto("/clusters");
      await page.getByRole("link", { name, exact: true }).first().click();
      await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 120_000 });
    await expect(graphOf(page)).toBeVisible();
  }

  for (const name of ["aks-1", "aks-dev-1"]) {
    test(`${name}: labels ≥ 12 px at 1280 and 390 px, focus by select and by click`, async ({ page }) => {
      await openCluster(page, name);
      const graph = graphOf(page);
      await graph.scrollIntoViewIfNeeded();
      await expectReadable(graph);
      await shoot(page, `${name}-1280`);
      await page.getByLabel("Show access").selectOption("all");
      await expectReadable(graph);
      await shoot(page, `${name}-all-1280`);
      const before = (await geometry(graph)).nodes;

      // focus on a principal through the labelled control: fewer nodes, all of them on its paths
      const focus = page.getByLabel("Focus on");
      const principal = await focus
        .locator("optgroup[label='Principals'] option")
        .first()
        .getAttribute("value");
      await focus.selectOption(principal ?? "");
      await expect(page.getByText(/^Only the paths through /)).toBeVisible();
      const focused = await expectReadable(graph);
      expect(focused.nodes).toBeLessThan(before);
      await shoot(page, `${name}-focused-1280`);

      // a click on the cluster node focuses on it (every path ends there: back to all nodes)
      await page.getByRole("button", { name: "Show everyone" }).click();
      await expect(page.getByText(/^Only the paths through /)).toHaveCount(0);
      // the graph's section (other sections have their own tests)
      const axe = await new AxeBuilder({ page })
        .include('section[aria-labelledby="graph-heading"]')
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

      await page.setViewportSize(MOBILE);
      await graph.scrollIntoViewIfNeeded();
      await expectReadable(graph);
      await shoot(page, `${name}-390`);
    });
  }

  test("aks-1: a click focuses the node; the wheel scrolls the page until the graph is clicked into", async ({
    page,
  }) => {
    await openCluster(page, "aks-1");
    const graph = graphOf(page);
    await graph.scrollIntoViewIfNeeded();
    const transform = () =>
      graph.locator(".react-flow__viewport").evaluate((el) => getComputedStyle(el).transform);
    const start = await transform();
    const box = await graph.boundingBox();
    if (!box) throw new Error("the graph has no box");

    await page.evaluate(() => window.scrollTo(0, window.scrollY - 200));
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.mouse.move(box.x + box.width / 2, box.y + 100);
    await page.mouse.wheel(0, 300);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrolled);
    expect(await transform()).toBe(start);

    // clicked into: the wheel moves the graph, not the page
    const node = graph.locator(".react-flow__node").first();
    await node.click();
    await expect(page.getByText(/^Only the paths through /)).toBeVisible();
    await expect(node.locator("[data-graph-label]").first()).toHaveCSS("font-weight", "600");
    const nowAt = await page.evaluate(() => window.scrollY);
    const graphBox = await graph.boundingBox();
    if (!graphBox) throw new Error("the graph has no box");
    await page.mouse.move(graphBox.x + graphBox.width / 2, graphBox.y + 60);
    const panned = await transform();
    await page.mouse.wheel(200, 0);
    await expect.poll(transform).not.toBe(panned);
    expect(await page.evaluate(() => window.scrollY)).toBe(nowAt);
    await page.keyboard.press("Escape");
  });
});
