// Both Playwright configs run Debian's Chromium (Playwright cannot download its own browsers here),
// with the flags that keep it quiet and offline in a container.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

export const desktopViewport = { width: 1280, height: 800 };
