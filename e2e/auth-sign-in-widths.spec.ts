import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// Issue 16, acceptance: the sign-in page (the app configured for Entra ID) at 1280×800 and 390×844 —
// axe without serious or critical violations, nothing wider than the screen, no console error, and a
// screenshot of each in the test's output folder. e2e/every-page.spec.ts sweeps the other pages.

for (const viewport of [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`sign-in page at ${viewport.width} px`, async ({ page }, testInfo) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.goto("/principals");
    await expect(page).toHaveURL(/\/auth\/sign-in\?returnTo=%2Fprincipals$/);
    await expect(
      page.getByRole("heading", { level: 1, name: "Sign in to AKS Identity Atlas" }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Sign in with Microsoft Entra ID" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: testInfo.outputPath(`${viewport.name}-sign-in.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });
}
