import { expect, type Page, test } from "@playwright/test";

// Issue 16, "the story on the screen", in a real Chromium against the production demo on a fresh data
// folder: a first-time visitor sees drift and a posture trend without doing anything (the demo's
// back-dated history, docs/drift.md#demo-history), every overview card's number is the length of the
// list it opens, the main pages log no console error at desktop and phone widths, and nothing is wider
// than a phone.

const PHONE = { width: 390, height: 844 };
const MAIN_PAGES = [
  "/",
  "/clusters",
  "/principals",
  "/findings",
  "/scans",
  "/drift",
  "/reports",
  "/settings",
];

type ScanRow = { id: string; status: string; trigger: string };

async function scans(page: Page): Promise<ScanRow[]> {
  const response = await page.request.get("/api/scans?limit=50");
  return ((await response.json()) as { scans: ScanRow[] }).scans;
}

/** The startup scan of the current state has finished (the history was scanned before the app listened). */
async function waitForStartupScan(page: Page) {
  await expect(async () => {
    const rows = await scans(page);
    const startup = rows.find((scan) => scan.trigger === "startup");
    expect(startup?.status).toMatch(/^(succeeded|partial)$/);
  }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 180_000 });
}

test("a first visit shows the demo's past: drift events and a posture trend", async ({ page }) => {
  await waitForStartupScan(page);
  const history = (await scans(page)).filter((scan) => scan.trigger === "demo-history");
  expect(history.length, "the demo's history was scanned").toBeGreaterThanOrEqual(4);

  await page.goto("/");
  const trend = page.getByRole("region", { name: "Posture over past scans" });
  await expect(trend.getByText("The trend appears after the second scan")).toHaveCount(0);
  // the chart's accessible table: one row per scan
  await expect.poll(() => trend.locator("table tbody tr").count()).toBeGreaterThanOrEqual(3);

  await page.goto("/scans");
  await expect(page.getByText("demo history").first()).toBeVisible();

  // The scan after Penny was granted Contributor (the second of the history) against the first.
  const oldestFirst = [...history].sort((a, b) => Number(a.id) - Number(b.id));
  await page.goto(`/drift?to=${oldestFirst[1].id}`);
  const events = page.getByRole("region", { name: /Scan #\d+ against scan #\d+/ });
  await expect(events.getByRole("list", { name: "Drift events" })).toBeVisible();
  await expect(events.getByText(/Penny gained cluster-admin on aks-1/).first()).toBeVisible();

  // the default drift page (latest against previous) has events too, and the timeline has every scan
  // (explicitly from the last state of the history to the first scan of today's state: other specs may
  // have scanned the unchanged demo since, and the latest against the previous is then rightly empty)
  const today = (await scans(page))
    .filter((scan) => scan.trigger !== "demo-history")
    .sort((a, b) => Number(a.id) - Number(b.id))[0];
  await page.goto(`/drift?from=${oldestFirst.at(-1)?.id}&to=${today.id}`);
  await expect(page.getByRole("list", { name: "Drift events" })).toBeVisible();
  const timeline = page.getByRole("navigation", { name: "Scans in the timeline" }).getByRole("link");
  await expect.poll(() => timeline.count()).toBeGreaterThanOrEqual(5);

  // a cluster page links to its drift
  await page.goto("/clusters");
  await page.getByRole("link", { name: "aks-3", exact: true }).click();
  await page.getByRole("link", { name: "Changes over time (drift)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Drift of aks-3" })).toBeVisible();
});

/** The first whole number in a text ("27 principals, strongest access first" → 27). */
function firstNumber(text: string | null): number {
  const match = /\d[\d,]*/.exec(text ?? "");
  if (!match) throw new Error(`no number in ${JSON.stringify(text)}`);
  return Number(match[0].replace(/,/g, ""));
}

test("each overview card's number is the length of the list it links to", async ({ page }) => {
  await waitForStartupScan(page);
  const cards: { label: string; count: (list: Page) => Promise<number> }[] = [
    {
      label: "Clusters",
      count: async (list) => firstNumber(await list.locator("table caption").first().textContent()),
    },
    {
      label: "Principals with cluster-admin",
      count: async (list) => firstNumber(await list.locator("table caption").first().textContent()),
    },
    {
      label: "Failing findings",
      count: async (list) =>
        firstNumber(
          await list
            .getByText(/^\d[\d,]* failing findings?\b/)
            .first()
            .textContent(),
        ),
    },
  ];
  for (const card of cards) {
    await page.goto("/");
    // the card's accessible name is "<label> <figure> <detail>"
    const link = page.getByRole("main").getByRole("link", { name: new RegExp(`^${card.label} \\d`) });
    await expect(link, card.label).toBeVisible();
    // the card: label, figure, detail (components/ui/layout.tsx Stat)
    const shown = firstNumber(await link.locator(":scope > div").nth(1).textContent());
    const href = (await link.getAttribute("href")) ?? "";
    await link.click();
    await page.waitForURL((url) => `${url.pathname}${url.search}` === href);
    await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Overview");
    expect(await card.count(page), `${card.label}: the card says ${shown}`).toBe(shown);
  }
});

for (const [name, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", PHONE],
] as const) {
  test(`the main pages log no console error and fit the screen (${name})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await waitForStartupScan(page);
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
    const paths = [...MAIN_PAGES];
    // a cluster page and the favicon the browser asks for by itself
    await page.goto("/clusters");
    const aks1 = await page.getByRole("link", { name: "aks-1", exact: true }).getAttribute("href");
    if (aks1) paths.push(aks1, `${aks1}/drift`);
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // let prefetches of the page's links happen (they are what answered 400 before)
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
    }
    expect((await page.request.get("/favicon.ico")).status()).toBe(200);
    expect(errors).toEqual([]);
  });
}
