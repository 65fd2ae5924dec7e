import { type APIResponse, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { DEMO_SIGN_IN } from "@/lib/auth/demo-sign-in";
import { expectAccessible } from "./axe";

/**
 * Sign-in with Entra ID in a real Chromium, through the emulator's login page (e2e/auth-server.ts). The
 * emulator's certificate comes from its private CA, which the app trusts via ATLAS_AUTH_CA_FILE; the test
 * browser is simply told to accept it (ignoreHTTPSErrors) — the app's own TLS checks stay on.
 */
test.use({ ignoreHTTPSErrors: true });

async function signIn(page: Page, userName: string, startAt = "/"): Promise<void> {
  await page.goto(startAt);
  await expect(page).toHaveURL(/\/auth\/sign-in\?returnTo=/);
  await page.getByRole("link", { name: "Sign in with Microsoft Entra ID" }).click();
  await expect(page.getByRole("heading", { name: "Pick an account" })).toBeVisible();
  await page.getByRole("button", { name: new RegExp(`^${userName}\\b`) }).click();
}

/** The CSRF token the page was given, as a same-origin fetch would send it. */
async function csrfHeaders(context: BrowserContext): Promise<Record<string, string>> {
  const token = (await context.cookies()).find((cookie) => cookie.name === "atlas_csrf")?.value;
  return token
    ? { "x-csrf-token": token, origin: "http://127.0.0.1:3108" }
    : { origin: "http://127.0.0.1:3108" };
}

async function errorCode(response: APIResponse): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? "";
}

test("a signed-out visitor is sent to sign in; only health and share links answer without a session", async ({
  page,
  request,
}) => {
  await page.goto("/clusters");
  await expect(page).toHaveURL(/\/auth\/sign-in\?returnTo=%2Fclusters$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to AKS Identity Atlas" })).toBeVisible();
  await expectAccessible(page);

  const scans = await request.get("/api/scans");
  expect(scans.status()).toBe(401);
  expect(await errorCode(scans)).toBe("unauthenticated");
  expect((await request.get("/api/health")).status()).toBe(200);
  const share = await request.get("/share/not-a-real-token");
  expect(share.status()).not.toBe(401);
  expect(share.headers()["referrer-policy"]).toBe("no-referrer");
});

test("a viewer signs in through Entra ID, reads, and cannot start a scan", async ({ page, context }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, DEMO_SIGN_IN.users.viewer.name, "/scans");
  await expect(page).toHaveURL(/\/scans$/);
  await expect(page.getByText(`${DEMO_SIGN_IN.users.viewer.name}`, { exact: true })).toBeVisible();
  await expect(page.getByText("· viewer")).toBeVisible();
  await expect(page.getByRole("button", { name: "Scan now" })).toHaveCount(0);

  const attempt = await page.request.post("/api/scans", { data: {}, headers: await csrfHeaders(context) });
  expect(attempt.status()).toBe(403);
  expect(await errorCode(attempt)).toBe("forbidden");

  await page.goto("/settings");
  await expect(page).toHaveURL(/\/auth\/forbidden\?need=admin$/);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expectAccessible(page);
  expect(violations).toEqual([]);
});

test("a viewer through group membership gets the same view", async ({ page }) => {
  await signIn(page, DEMO_SIGN_IN.users.viewerByGroup.name);
  await expect(page.getByText("· viewer")).toBeVisible();
});

test("an operator signs in and starts a scan from the page", async ({ page, context }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signIn(page, DEMO_SIGN_IN.users.operator.name, "/scans");
  await expect(page).toHaveURL(/\/scans$/);
  await expect(page.getByText("· operator")).toBeVisible();
  const button = page.getByRole("button", { name: "Scan now" });
  await expect(button).toBeVisible();
  const answer = page.waitForResponse(
    (r) => r.url().endsWith("/api/scans") && r.request().method() === "POST",
  );
  await button.click();
  // 202 (started) or 409 (the startup scan is still running) — either way the role and CSRF checks passed.
  expect([202, 409]).toContain((await answer).status());

  const direct = await page.request.post("/api/scans", { data: {}, headers: await csrfHeaders(context) });
  expect([202, 409]).toContain(direct.status());
  expect(violations).toEqual([]);
});

test("a user holding no role lands on the 403 page", async ({ page }) => {
  await signIn(page, DEMO_SIGN_IN.users.noRole.name);
  await expect(page).toHaveURL(/\/auth\/forbidden\?need=viewer$/);
  await expect(page.getByRole("main").getByText("no role", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the overview" })).toHaveCount(0);
});

test("cross-site writes are refused and every answer carries the security headers", async ({
  page,
  context,
}) => {
  await signIn(page, DEMO_SIGN_IN.users.admin.name);
  await expect(page.getByText("· admin")).toBeVisible();

  const forged = await page.request.post("/api/scans", {
    data: {},
    headers: { ...(await csrfHeaders(context)), origin: "https://evil.example" },
  });
  expect(forged.status()).toBe(403);
  expect(await errorCode(forged)).toBe("cross_site_request");
  const tokenless = await page.request.post("/api/scans", {
    data: {},
    headers: { origin: "http://127.0.0.1:3108" },
  });
  expect(tokenless.status()).toBe(403);
  expect(await errorCode(tokenless)).toBe("csrf_token_invalid");

  const home = await page.request.get("/");
  const headers = home.headers();
  expect(headers["content-security-policy"]).toMatch(
    /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
  );
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"])?.[1];
  expect(await home.text()).toContain(`nonce="${nonce}"`);

  const session = (await context.cookies()).find((cookie) => cookie.name === "atlas_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
});

test("signing out ends the session, and a copied cookie stops working", async ({
  page,
  context,
  browser,
}) => {
  await signIn(page, DEMO_SIGN_IN.users.adminThroughNestedGroup.name);
  await expect(page.getByText("· admin")).toBeVisible();
  const copied = await context.cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/auth\/sign-in\?signedOut=1$/);
  await expect(page.getByText("You have signed out.")).toBeVisible();

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const replay = await thief.request.get("http://127.0.0.1:3108/api/scans");
  expect(replay.status()).toBe(401);
  await thief.close();
});
