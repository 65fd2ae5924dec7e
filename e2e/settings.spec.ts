import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// The settings page in a real Chromium: a tenant's scan schedule saved through the form's server action,
// shown with its next runs, refused when the scheduler could not run it, and put back to the default.

test("a scan schedule is saved, shown with its next runs, refused when invalid, and reset", async ({
  page,
}) => {
  await expect(async () => {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "No tenant yet" })).toHaveCount(0);
  }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 120_000 });
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expectAccessible(page);

  const status = page.locator("#settings-status");
  await page.getByLabel("A schedule of its own (below)").check();
  await page.getByRole("textbox", { name: "Cron expression" }).fill("0 */6 * * *");
  await page.getByRole("textbox", { name: "Time zone" }).fill("Europe/Amsterdam");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(status).toContainText("Saved");
  const inEffect = page.getByRole("region", { name: "In effect" });
  await expect(inEffect).toContainText("0 */6 * * * (Europe/Amsterdam)");
  await expect(inEffect.getByRole("listitem")).toHaveCount(3);

  await page.getByRole("textbox", { name: "Cron expression" }).fill("61 * * * *");
  await expect(page.getByRole("button", { name: "Save settings" })).toBeEnabled();
  await page.getByRole("button", { name: "Save settings" }).click();
  // the problem is said beside the field, in words, and the field is marked invalid
  await expect(status).toContainText("Not saved");
  await expect(page.locator("#scanSchedule-error")).toContainText('"61 * * * *" is not a schedule');
  await expect(page.getByRole("textbox", { name: "Cron expression" })).toHaveAttribute(
    "aria-invalid",
    "true",
  );
  await expect(inEffect).toContainText("0 */6 * * *");

  await page.getByLabel(/^Default from ATLAS_SCAN_SCHEDULE/).check();
  await page.getByRole("textbox", { name: "Time zone" }).fill("");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(status).toContainText("Saved");
  await expect(inEffect).not.toContainText("Europe/Amsterdam");
  await expectAccessible(page);
});

test("the settings API refuses bad input with the error shape", async ({ request }) => {
  const missing = await request.get("/api/settings");
  expect(missing.status()).toBe(400);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
  const unknown = await request.get("/api/settings?tenant=00000000-0000-0000-0000-000000000999");
  expect(unknown.status()).toBe(404);
});
