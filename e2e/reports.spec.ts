import { type APIRequestContext, expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// Reports end to end: create one in the app, share it, open the link in a fresh browser with no session,
// revoke it. The app serves the demo tenant, so Penny's route to cluster-admin on aks-1 is in the report.

async function waitForCompletedScan(request: APIRequestContext): Promise<void> {
  await expect
    .poll(
      async () => {
        const response = await request.get("/api/scans?limit=5");
        if (!response.ok()) return false;
        const body = (await response.json()) as { scans: { status: string }[] };
        return body.scans.some((scan) => scan.status === "succeeded" || scan.status === "partial");
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe(true);
}

test("create a report, share it, open the link without a session, revoke it", async ({
  page,
  browser,
  request,
}, testInfo) => {
  await waitForCompletedScan(request);
  const title = `E2E access review ${Date.now()}`;

  await page.goto("/reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Title").fill(title);
  await page.getByRole("radio", { name: "Some clusters" }).check();
  await page.getByRole("checkbox", { name: /^aks-1\b/ }).check();
  await page.getByRole("checkbox", { name: /^aks-2\b/ }).check();
  await page.getByRole("button", { name: "Create report" }).click();

  // Generous: the first visit of the report page may compile it (dev server) or render a long report.
  await expect(page).toHaveURL(/\/reports\/\d+$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "3. Who holds cluster-admin" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /Penny/ }).first()).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath("report-page.png"), fullPage: false });

  await page.getByRole("button", { name: "Share…" }).click();
  const dialog = page.getByRole("dialog", { name: /Share report/ });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Expires in (days)").fill("3");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const link = dialog.getByLabel("New link");
  await expect(link).toHaveValue(/\/share\/[A-Za-z0-9_-]{43}$/, { timeout: 30_000 });
  const url = await link.inputValue();
  await page.screenshot({ path: testInfo.outputPath("share-dialog.png") });

  // A fresh context: no cookies, no session, nothing from the app.
  const stranger = await browser.newContext();
  try {
    const shared = await stranger.newPage();
    const response = await shared.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["x-robots-tag"]).toContain("noindex");
    expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
    await expect(shared.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(shared.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
    await expect(shared.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(shared.getByText("aks-1").first()).toBeVisible();
    await shared.screenshot({ path: testInfo.outputPath("share-page.png") });

    const token = url.slice(url.lastIndexOf("/") + 1);
    const tampered = `${token.slice(0, 20)}${token[20] === "a" ? "b" : "a"}${token.slice(21)}`;
    expect((await shared.goto(url.replace(token, tampered)))?.status()).toBe(404);

    await expect(dialog.getByRole("cell", { name: "active" })).toBeVisible();
    await dialog
      .getByRole("button", { name: /^Revoke link/ })
      .first()
      .click();
    await expect(dialog.getByRole("status")).toContainText("revoked", { timeout: 30_000 });
    const gone = await shared.goto(url);
    expect(gone?.status()).toBe(410);
    await expect(shared.getByRole("heading", { name: "Link revoked" })).toBeVisible();
  } finally {
    await stranger.close();
  }
});

test("report files come in four formats", async ({ request }) => {
  await waitForCompletedScan(request);
  const created = await request.post("/api/reports", { data: { frameworks: ["cis-aks"] } });
  expect(created.status()).toBe(201);
  const report = (await created.json()) as { id: string };
  for (const [format, type] of [
    ["pdf", "application/pdf"],
    ["html", "text/html"],
    ["csv", "text/csv"],
    ["json", "application/json"],
  ] as const) {
    const response = await request.get(`/api/reports/${report.id}.${format}`);
    expect(response.status(), format).toBe(200);
    expect(response.headers()["content-type"]).toContain(type);
  }
  expect((await request.get(`/api/reports/${report.id}.docx`)).status()).toBe(400);
});
