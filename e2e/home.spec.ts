import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";

test("the home page reads from the database and is accessible", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expectAccessible(page);
});

test("health reports the database up and the version", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.database.state).toBe("up");
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
