// Full-page screenshots of every dashboard page at desktop (1280 px) and phone (400 px) widths, in
// Debian's Chromium through playwright-core, for looking at the pages rather than guessing.
//
//   tsx bench/pages/screenshots.ts --base http://127.0.0.1:3000 --out /tmp/shots [--path /clusters ...]
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3000" },
    out: { type: "string", default: ".data/screenshots" },
    path: { type: "string", multiple: true },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});

const base = values.base ?? "http://127.0.0.1:3000";
const out = path.resolve(values.out ?? ".data/screenshots");
const paths = values.path?.length
  ? values.path
  : ["/", "/clusters", "/principals", "/identities", "/findings", "/scans"];
const widths = [1280, 400];

await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: values.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  for (const width of widths) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const target of paths) {
      const started = Date.now();
      const response = await page.goto(`${base}${target}`, { waitUntil: "networkidle" });
      const name = `${target.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "overview"}-${width}.png`;
      await page.screenshot({ path: path.join(out, name), fullPage: true });
      console.log(`${response?.status()} ${target} @${width}px → ${name} (${Date.now() - started} ms)`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
