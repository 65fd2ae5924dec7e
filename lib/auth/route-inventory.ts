import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Every page and route handler of the app, read from the file tree (`app/**\/page.tsx`, `app/**\/route.ts`)
 * — so tests that walk it (authorization, API fuzzing) cover a route the moment its file exists.
 */

export type RouteSegment =
  | { kind: "static"; value: string }
  | { kind: "dynamic"; name: string }
  | { kind: "catch-all"; name: string; optional: boolean };

export type AppRoute = {
  /** Relative to the repository root. */
  file: string;
  kind: "page" | "route";
  /** URL pattern as Next spells it, e.g. /api/scans/[id]. */
  pattern: string;
  segments: RouteSegment[];
  /** Exported HTTP methods of a route handler; GET and HEAD for a page. */
  methods: string[];
};

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function parseSegment(folder: string): RouteSegment | undefined {
  if (/^\(.*\)$/.test(folder) || folder.startsWith("@")) return undefined; // route groups, parallel slots
  const optionalCatchAll = /^\[\[\.\.\.(.+)\]\]$/.exec(folder);
  if (optionalCatchAll) return { kind: "catch-all", name: optionalCatchAll[1], optional: true };
  const catchAll = /^\[\.\.\.(.+)\]$/.exec(folder);
  if (catchAll) return { kind: "catch-all", name: catchAll[1], optional: false };
  const dynamic = /^\[(.+)\]$/.exec(folder);
  if (dynamic) return { kind: "dynamic", name: dynamic[1] };
  return { kind: "static", value: folder };
}

/** Methods a route file exports: `export async function POST`, `export const GET =`, `export { x as PATCH }`. */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const method of HTTP_METHODS) {
    const declared = new RegExp(`export\\s+(?:async\\s+)?(?:function\\s+|const\\s+|let\\s+)${method}\\b`);
    const listed = new RegExp(`export\\s*\\{[^}]*\\b(?:as\\s+)?${method}\\b[^}]*\\}`);
    if (declared.test(source) || listed.test(source)) found.add(method);
  }
  return [...found];
}

export function listAppRoutes(root: string = process.cwd()): AppRoute[] {
  const appDir = path.join(root, "app");
  const routes: AppRoute[] = [];
  const walk = (dir: string, segments: RouteSegment[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // Private folders (_x) and intercepting routes ((.)x) are not URL segments of their own.
        if (entry.name.startsWith("_") || /^\(\.+\)/.test(entry.name)) continue;
        const segment = parseSegment(entry.name);
        walk(full, segment ? [...segments, segment] : segments);
        continue;
      }
      const kind = /^page\.(tsx|ts|jsx|js)$/.test(entry.name)
        ? "page"
        : /^route\.(ts|js)$/.test(entry.name)
          ? "route"
          : undefined;
      if (!kind) continue;
      const pattern = `/${segments
        .map((s) =>
          s.kind === "static"
            ? s.value
            : s.kind === "dynamic"
              ? `[${s.name}]`
              : s.optional
                ? `[[...${s.name}]]`
                : `[...${s.name}]`,
        )
        .join("/")}`;
      routes.push({
        file: path.relative(root, full),
        kind,
        pattern,
        segments,
        methods: kind === "page" ? ["GET", "HEAD"] : exportedMethods(readFileSync(full, "utf8")),
      });
    }
  };
  walk(appDir, []);
  return routes;
}

/** A concrete path for a pattern; `value` picks what each dynamic segment gets. */
export function concretePath(route: AppRoute, value: (name: string) => string = () => "sample"): string {
  const parts: string[] = [];
  for (const segment of route.segments) {
    if (segment.kind === "static") parts.push(segment.value);
    else if (segment.kind === "dynamic") parts.push(encodeURIComponent(value(segment.name)));
    else if (!segment.optional) parts.push(encodeURIComponent(value(segment.name)), "more");
  }
  return `/${parts.join("/")}`;
}
