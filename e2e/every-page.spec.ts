import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// Issue 16, acceptance: every page at 1280×800 and 390×844, with axe (no violation of any impact, WCAG 2.1
// A/AA and best practice: landmarks and heading order included), nothing wider than the screen, no
// console error, and a screenshot of each kept in the test's output folder (looked at by whoever changes
// the page).

const PENNY = "00000000-0000-0000-0000-0000000000f4";
const AKS1 = "/clusters/aks-1~rsg-aksidentitystate1~00000000-0000-0000-0000-0000000005b1";
const AKS2_KEY =
  "/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/rsg-aksidentitystate2/providers/microsoft.containerservice/managedclusters/aks-2";

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function waitForTodaysScan(request: APIRequestContext): Promise<void> {
  await expect(async () => {
    const response = await request.get("/api/scans?limit=50");
    const { scans } = (await response.json()) as { scans: { status: string; trigger: string }[] };
    expect(scans.find((scan) => scan.trigger === "startup")?.status).toMatch(/^(succeeded|partial)$/);
  }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 180_000 });
}

/** A report of the demo and a share link to it, made through the API as the reports page makes them. */
async function reportAndShare(request: APIRequestContext): Promise<{ report: string; share: string }> {
  const created = await request.post("/api/reports", {
    data: { title: "Every page sweep", frameworks: ["cis-aks"] },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const shared = await request.post(`/api/reports/${id}/shares`, { data: { expiresInDays: 2 } });
  expect(shared.status(), await shared.text()).toBe(201);
  const { path } = (await shared.json()) as { path: string };
  return { report: `/reports/${id}`, share: path };
}

/** Console errors and failed page requests while the page loads and settles. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && response.url().startsWith(new URL(page.url() || "http://x").origin)) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  return errors;
}

test("every page is accessible, fits the screen and logs no error, at 1280 and 390 px", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(600_000);
  await waitForTodaysScan(request);
  const { report, share } = await reportAndShare(request);
  const pages: [string, string][] = [
    ["overview", "/"],
    ["clusters", "/clusters"],
    ["cluster", AKS1],
    ["principals", "/principals"],
    ["principal", `/principals/${PENNY}`],
    ["identities", "/identities"],
    ["findings", "/findings"],
    ["scans", "/scans"],
    ["drift", "/drift"],
    ["cluster-drift", `${AKS1}/drift`],
    ["drift-object", `/drift/object?kind=cluster&key=${encodeURIComponent(AKS2_KEY)}`],
    // the scan schedules are set on the settings page
    ["settings", "/settings"],
    ["reports", "/reports"],
    ["report", report],
    ["shared-report", share],
    // without Entra ID configured (the demo) the sign-in page says so; e2e/auth-sign-in-widths.spec.ts
    // sweeps the real one
    ["sign-in", "/auth/sign-in"],
  ];
  const problems: string[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const [name, path] of pages) {
      const errors = watchErrors(page);
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      // streamed sections (Suspense) have arrived once no skeleton is busy
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 60_000 });
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: testInfo.outputPath(`${viewport.name}-${name}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`${viewport.name} ${path}: ${overflow} px wider than the screen`);
      try {
        await expectAccessible(page, { strict: true });
      } catch (error) {
        problems.push(`${viewport.name} ${path}: ${error instanceof Error ? error.message : error}`);
      }
      page.removeAllListeners("console");
      page.removeAllListeners("pageerror");
      page.removeAllListeners("response");
      for (const error of errors) problems.push(`${viewport.name} ${path}: ${error}`);
    }
  }
  expect(problems).toEqual([]);
});

test("the principal page's JSON link is a plain link to the API's JSON of the same scan, never prefetched", async ({
  page,
  request,
}) => {
  await waitForTodaysScan(request);
  // next/link would prefetch /api/… as a page (`?_rsc=…`), which the API refuses with 400 (issue 16 #9)
  const rscToApi: string[] = [];
  page.on("request", (sent) => {
    const url = new URL(sent.url());
    if (url.pathname.startsWith("/api/") && url.searchParams.has("_rsc")) rscToApi.push(sent.url());
  });
  await page.goto(`/principals/${PENNY}`);
  await expect(page.getByRole("heading", { level: 1, name: "What can Penny do?" })).toBeVisible();
  const link = page.getByRole("link", { name: /^JSON/ });
  await link.hover();
  await page.waitForLoadState("networkidle");
  const href = await link.getAttribute("href");
  expect(href).toMatch(new RegExp(`^/api/principals/${PENNY}\\?scan=\\d+$`));
  expect(rscToApi).toEqual([]);
  // following it gives the JSON answer of the scan the page shows
  const response = await request.get(href ?? "");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const body = (await response.json()) as { scanId: string; principal: { id: string } };
  expect(body.principal.id).toBe(PENNY);
  expect(href).toContain(`scan=${body.scanId}`);
});

test("the overview names who can be cluster-admin, each once, linking to their page", async ({
  page,
  request,
}) => {
  await waitForTodaysScan(request);
  await page.goto("/");
  const who = page.getByRole("region", { name: "Who can be cluster-admin", exact: true });
  await expect(who).toBeVisible();
  const rows = who.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toBeVisible();
  const names = await who.getByRole("rowheader").getByRole("link").allInnerTexts();
  expect(new Set(names).size).toBe(names.length);
  // Penny: cluster-admin on aks-1 and aks-2 through the local admin credential and on aks-dev-1 as a member of
  // system:authenticated (`everyone-is-admin`), can become it on aks-3
  const penny = who.getByRole("row", { name: /Penny/ });
  await expect(penny).toContainText("on 3 clusters");
  await expect(penny).toContainText("local admin credential");
  await expect(penny).toContainText("on 1 cluster");
  await penny.getByRole("link", { name: "Penny" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "What can Penny do?" })).toBeVisible();
  // and her page says why aks-3 differs
  const why = page.getByRole("region", { name: "Why clusters differ", exact: true });
  await expect(why).toContainText("aks-3");
  await expect(why).toContainText("local accounts are disabled, so Contributor");
  await expect(why).toContainText("Penny can re-enable them");
});
