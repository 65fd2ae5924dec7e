import { readFileSync } from "node:fs";
import path from "node:path";
import { loadBindings, transform } from "next/dist/build/swc/index.js";
import { getLoaderSWCOptions } from "next/dist/build/swc/options.js";
import { beforeAll, describe, expect, it } from "vitest";

// lib/reports/render-html.ts renders the report with react-dom/server, and route handlers import it. Next
// compiles route handlers (and pages) for the React Server Components layer, whose compiler refuses a
// static import of react-dom/server ("You're importing a component that imports react-dom/server",
// vercel/next.js crates/next-custom-transforms/src/transforms/react_server_components.rs,
// `invalid_server_imports`). This runs Next's own compiler over the files the way it compiles them for
// that layer, so a static import slipped back in fails here rather than in `next build`.

const ROOT = path.resolve(import.meta.dirname, "../..");

async function compileForServerComponents(file: string, source: string): Promise<string> {
  const options = getLoaderSWCOptions({
    filename: file,
    development: false,
    isServer: true,
    appDir: path.join(ROOT, "app"),
    isPageFile: false,
    hasReactRefresh: false,
    configDir: ROOT,
    modularizeImports: undefined,
    swcPlugins: [],
    compilerOptions: {},
    jsConfig: {},
    supportedBrowsers: undefined,
    swcCacheDir: "",
    relativeFilePathFromRoot: path.relative(ROOT, file),
    serverComponents: true,
    serverReferenceHashSalt: "test",
    bundleLayer: "rsc",
    esm: true,
    cacheHandlers: {},
    isCacheComponents: false,
    useCacheEnabled: false,
    taintEnabled: false,
    pageExtensions: ["tsx", "ts"],
  });
  const output: { code: string } = await transform(source, { ...options, filename: file, sourceMaps: false });
  return output.code;
}

const read = (relative: string) => readFileSync(path.join(ROOT, relative), "utf8");

describe("the report renderer under Next's Server Components compiler", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await loadBindings();
  });

  it("compiles lib/reports/render-html.ts and leaves its react-dom/server import to Node", async () => {
    const file = path.join(ROOT, "lib/reports/render-html.ts");
    const code = await compileForServerComponents(file, read("lib/reports/render-html.ts"));
    expect(code).toMatch(
      /import\(\s*\/\* webpackIgnore: true \*\/\s*\/\* turbopackIgnore: true \*\/\s*"react-dom\/server"\s*\)/,
    );
  });

  it("compiles the report page and the report components it renders", async () => {
    for (const relative of ["app/reports/[id]/page.tsx", "components/reports/report-view.tsx"]) {
      await expect(compileForServerComponents(path.join(ROOT, relative), read(relative))).resolves.toContain(
        "ReportView",
      );
    }
  });

  it("refuses a static import of react-dom/server (the check can fail)", async () => {
    const file = path.join(ROOT, "lib/reports/render-html.ts");
    const source =
      'import { renderToStaticMarkup } from "react-dom/server";\nexport const render = renderToStaticMarkup;\n';
    await expect(compileForServerComponents(file, source)).rejects.toThrow(/imports react-dom\/server/);
  });
});
