import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The layers of docs/architecture.md, enforced on the import graph. Each source file is parsed with
// the TypeScript compiler; `import … from`, `export … from`, `import()` and `require()` with a string
// are its edges; `@/…` and relative specifiers resolve to files, anything else is a package.

const ROOT = path.resolve(import.meta.dirname, "..");
const SKIP_DIRS = new Set([
  "node_modules",
  ".next",
  ".git",
  ".data",
  "test-results",
  "playwright-report",
  "generated",
]);
const EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs"];

type Edge = {
  specifier: string;
  typeOnly: boolean;
  resolved: string | null;
  /** the project path it names (no extension), even when no such file exists; null for a package */
  target: string | null;
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP_DIRS.has(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function resolveFile(base: string): string | null {
  if (existsSync(base) && statSync(base).isFile()) return base;
  for (const extension of EXTENSIONS) if (existsSync(base + extension)) return base + extension;
  for (const extension of EXTENSIONS) {
    const index = path.join(base, `index${extension}`);
    if (existsSync(index)) return index;
  }
  return null;
}

/** The path a project specifier names, extension dropped, whether or not the file exists; null for a package. */
function target(from: string, specifier: string): string | null {
  let named: string;
  if (specifier.startsWith("@/")) named = path.join(ROOT, specifier.slice(2));
  else if (specifier.startsWith(".")) named = path.resolve(path.dirname(from), specifier);
  else return null;
  return path
    .relative(ROOT, named)
    .split(path.sep)
    .join("/")
    .replace(/\.(ts|tsx|mts|js|mjs)$/, "");
}

function resolve(from: string, specifier: string): string | null {
  const named = target(from, specifier);
  return named === null ? null : resolveFile(path.join(ROOT, named));
}

const edgeCache = new Map<string, Edge[]>();

/** Every import edge of one file; type-only ones are marked (they are erased at run time). */
function edgesOf(file: string): Edge[] {
  const cached = edgeCache.get(file);
  if (cached) return cached;
  const text = readFileSync(file, "utf8");
  // Imports and re-exports are top-level statements; only they are parsed (a full walk of every file
  // is slow). Dynamic import() and require() with a literal are found in the text.
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) =>
    edges.push({ specifier, typeOnly, resolved: resolve(file, specifier), target: target(file, specifier) });
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((element) => element.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly);
    }
  }
  for (const match of text.matchAll(/\b(?:import|require)\(\s*["'`]([^"'`]+)["'`]\s*\)/g))
    add(match[1], false);
  edgeCache.set(file, edges);
  return edges;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0]);
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");
const isTest = (file: string) => /\.(int\.)?test\.tsx?$/.test(file) || /\.property\.test\.ts$/.test(file);

/**
 * Node built-ins (or, with `forbidden`, any specifier it names) reached from `entries` through run-time
 * imports (type-only imports are erased and cost nothing), each with the chain of files that leads to it.
 */
function builtinsReachedFrom(
  entries: readonly string[],
  forbidden: (specifier: string) => boolean = isNodeBuiltin,
): string[] {
  const problems: string[] = [];
  const via = new Map<string, string | null>(entries.map((entry) => [entry, null]));
  const queue = [...entries];
  const chain = (file: string) => {
    const steps: string[] = [];
    for (let at: string | null = file; at !== null; at = via.get(at) ?? null) steps.unshift(rel(at));
    return steps.join(" → ");
  };
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const edge of edgesOf(file)) {
      if (edge.typeOnly) continue;
      if (forbidden(edge.specifier)) problems.push(`${chain(file)} → ${edge.specifier}`);
      else if (edge.resolved && !edge.resolved.endsWith(".json") && !via.has(edge.resolved)) {
        via.set(edge.resolved, file);
        queue.push(edge.resolved);
      }
    }
  }
  return problems;
}

const ALL = sourceFiles(ROOT);
const under = (...dirs: string[]) =>
  ALL.filter((file) => dirs.some((dir) => rel(file).startsWith(`${dir}/`)) && !isTest(file));

describe("the pure core imports no Node built-ins, through its whole import graph", {
  timeout: 120_000,
}, () => {
  it.each(["lib/access", "lib/findings"])("%s", (dir) => {
    const entries = under(dir).filter((file) => !rel(file).includes("/fixtures/"));
    expect(entries.length).toBeGreaterThan(0);
    expect(builtinsReachedFrom(entries)).toEqual([]);
  });

  it("the walk sees a built-in behind a chain of imports (the check can fail)", () => {
    // lib/tenant-file/read-tenant-file.ts reads the disk; whatever imports it carries node:fs.
    const reached = builtinsReachedFrom([path.join(ROOT, "lib/tenant-file/read-tenant-file.ts")]);
    expect(reached).toContain("lib/tenant-file/read-tenant-file.ts → node:fs/promises");
  });

  // Pure also means no package that does I/O behind a built-in the walk cannot see into (a database
  // driver, an HTTP client, a file reader): the core's packages are a short list, each pure.
  const PURE_PACKAGES = new Set(["zod"]);
  const impurePackage = (specifier: string) =>
    !specifier.startsWith("@/") && !specifier.startsWith(".") && !PURE_PACKAGES.has(specifier);

  it.each(["lib/access", "lib/findings"])(
    `%s reaches no package but ${[...PURE_PACKAGES].join(", ")}`,
    (dir) => {
      const entries = under(dir).filter((file) => !rel(file).includes("/fixtures/"));
      expect(builtinsReachedFrom(entries, impurePackage)).toEqual([]);
    },
  );

  it("the package walk sees a driver (the check can fail)", () => {
    expect(builtinsReachedFrom([path.join(ROOT, "lib/db/pool.ts")], impurePackage)).toContain(
      "lib/db/pool.ts → pg",
    );
  });
});

// Who may import the emulator: the emulator itself, the CLI commands that serve it (`emulate`,
// `tenant`), the demo start (the demo tenant is served through the emulator at `npm start`, and
// `scan --emulate` uses the same lib/scan/emulated-tenant.ts), scripts, benchmarks, browser and
// integration tests, and test fixtures.
const EMULATOR_ALLOWED: readonly RegExp[] = [
  /^lib\/emulator\//,
  /^cli\/commands\/(emulate|tenant)\.ts$/,
  /^lib\/server\/(background|demo-history-scans)\.ts$/,
  /^lib\/scan\/emulated-tenant\.ts$/,
  /^(scripts|bench|e2e|tests)\//,
  /(^|\/)fixtures\//,
  /(^|\/)test-support(\.ts$|\/)/,
  /\.(int\.)?test\.tsx?$/,
];

describe("import rules between layers", { timeout: 120_000 }, () => {
  it("nothing outside the emulator, its CLI commands, the demo start, scripts, benchmarks and tests imports lib/emulator", () => {
    const offenders = ALL.filter(
      (file) => !EMULATOR_ALLOWED.some((pattern) => pattern.test(rel(file))),
    ).flatMap((file) =>
      edgesOf(file)
        .filter((edge) => edge.target?.startsWith("lib/emulator/") === true)
        .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("lib/model and lib/findings do not import lib/emulator (the wire schemas are lib/model/wire's)", () => {
    const offenders = under("lib/model", "lib/findings").flatMap((file) =>
      edgesOf(file)
        .filter((edge) => edge.target?.startsWith("lib/emulator/") === true)
        .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("lib/notify does not import lib/jobs (jobs → notify, one way)", () => {
    const offenders = under("lib/notify").flatMap((file) =>
      edgesOf(file)
        .filter((edge) => edge.resolved !== null && rel(edge.resolved).startsWith("lib/jobs/"))
        .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("lib/k8s does not borrow from lib/azure except the scan's shared HTTP context", () => {
    const offenders = under("lib/k8s").flatMap((file) =>
      edgesOf(file)
        .filter(
          (edge) =>
            edge.resolved !== null &&
            rel(edge.resolved).startsWith("lib/azure/") &&
            !(edge.typeOnly && rel(edge.resolved) === "lib/azure/scan-http-context.ts"),
        )
        .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("app/ and components/ import neither lib/db, pg nor @prisma/client (data access is the use cases')", () => {
    // Tests are not the product: an integration test under app/api may set up its own database.
    const offenders = ALL.filter((file) => /^(app|components)\//.test(rel(file)) && !isTest(file)).flatMap(
      (file) =>
        edgesOf(file)
          .filter(
            (edge) =>
              isPg(edge.specifier) ||
              edge.specifier.startsWith("@prisma/client") ||
              edge.target?.startsWith("lib/db/") === true,
          )
          .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("nothing outside lib/db imports pg but the files listed in PG_ALLOWED (set-based SQL goes through lib/db/queryable)", () => {
    const offenders = ALL.filter((file) => !PG_ALLOWED.some((pattern) => pattern.test(rel(file)))).flatMap(
      (file) =>
        edgesOf(file)
          .filter((edge) => isPg(edge.specifier))
          .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("nothing imports lib/drift/db, and it is gone: the Queryable is lib/db/queryable.ts (no re-export shim)", () => {
    expect(resolveFile(path.join(ROOT, "lib/drift/db"))).toBeNull();
    const offenders = ALL.flatMap((file) =>
      edgesOf(file)
        .filter((edge) => edge.target === "lib/drift/db" || edge.target === "lib/drift/db/index")
        .map((edge) => `${rel(file)} imports ${edge.specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});

/**
 * The node-postgres driver and its companions. pg-boss is not among them: it is the job queue (lib/jobs),
 * which opens its own connections and runs its own schema; its jobs are sent inside our transactions
 * through an `executeSql` adapter over a Queryable.
 */
function isPg(specifier: string): boolean {
  return /^pg(\/|$)|^pg-(copy-streams|cursor|pool|query-stream|protocol|types)(\/|$)/.test(specifier);
}

// Who may import `pg` itself. Everyone else takes `Queryable`, `DbPool`, `DbPoolClient` or
// `DbConnection` from lib/db/queryable.ts and a pool from lib/db/pool.ts (docs/architecture.md, "Data
// access — two tools, nothing else").
const PG_ALLOWED: readonly RegExp[] = [
  // The data layer: pools, the COPY loader, migrations, the embedded/external database and its health.
  /^lib\/db\//,
  // Rate limits count on a small pool of their own with short connection and statement timeouts, so a
  // request is never queued behind a scan's COPY holding the main pool (createRateLimitPool).
  /^lib\/auth\/rate-limit\.ts$/,
  // Standalone programs, not the product path: a benchmark that opens its own pool and a raw client to
  // time the store phase, and the dev seeder that fills a database it was pointed at.
  /^bench\/drift\/run\.ts$/,
  /^bench\/lib\/store-phase\.ts$/,
  /^scripts\/dev-seed\.ts$/,
  // Tests create, inspect and drop their own databases with an admin client (tests/helpers,
  // tests/fixtures, the schema-agreement check and every *.test.ts beside the code).
  /^tests\//,
  /\.(int\.)?test\.tsx?$/,
];
