import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions, desktopViewport } from "./e2e/chromium";

const port = Number(process.env.E2E_AUTH_PORT ?? 3108);

// Sign-in browser tests: the production app with Entra ID sign-in against an emulator (e2e/auth-server.ts),
// so the real authorization-code flow runs in Chromium. The anonymous demo is playwright.config.ts.
export default defineConfig({
  testDir: "e2e",
  testMatch: "auth*.spec.ts",
  outputDir: "test-results/auth",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 90_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: "chromium-auth", use: { browserName: "chromium", viewport: desktopViewport } }],
  webServer: {
    command: `"${process.execPath}" node_modules/tsx/dist/cli.mjs e2e/auth-server.ts`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    env: {
      E2E_AUTH_PORT: String(port),
      E2E_AUTH_DATA_DIR: process.env.E2E_AUTH_DATA_DIR ?? ".data/e2e-auth",
    },
  },
});
