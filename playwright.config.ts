import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions, desktopViewport } from "./e2e/chromium";

const port = Number(process.env.E2E_PORT ?? 3107);

// Browser tests run Debian's Chromium (Playwright cannot download its own browsers here) against the
// production build, served by `npm start` on its own data folder.
export default defineConfig({
  testDir: "e2e",
  // Sign-in tests need the app configured for Entra ID: playwright.auth.config.ts runs them.
  testIgnore: "auth*.spec.ts",
  outputDir: "test-results",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", viewport: desktopViewport } }],
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      ATLAS_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data/e2e",
    },
  },
});
