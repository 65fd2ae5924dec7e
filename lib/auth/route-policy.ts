import type { Role } from "./roles";

/**
 * THE authorization table: which role each route and method needs. The proxy (proxy.ts) consults it for
 * every request — pages, route handlers and server actions (a POST to a page path) — so a new route is
 * covered the moment it exists: reads default to viewer, and a state-changing method with no rule here is
 * refused (default deny). tests/authorization.int.test.ts walks app/ and fails for any state-changing
 * handler that falls through to the default, so adding a rule is part of adding such a route.
 *
 * Patterns are path segments; `*` is exactly one segment, `**` any number (including none). Matching is
 * case-insensitive on the decoded path. The first rule that matches both path and method wins.
 */

export type Access =
  /** No session needed. */
  | { kind: "public" }
  /** Machine-to-machine: no session; the handler checks its own secret (e.g. ATLAS_CRON_SECRET). */
  | { kind: "machine" }
  | { kind: "role"; minimum: Role }
  | { kind: "deny" };

export type RateLimitBucket = "sign-in" | "share" | "cron";

export type PolicyRule = {
  pattern: string;
  methods: readonly string[] | "*";
  access: Access;
  rateLimit?: RateLimitBucket;
  why: string;
};

export const READ_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS"];
export const WRITE_METHODS: readonly string[] = ["POST", "PUT", "PATCH", "DELETE"];

const publicAccess: Access = { kind: "public" };
const machine: Access = { kind: "machine" };
const viewer: Access = { kind: "role", minimum: "viewer" };
const operator: Access = { kind: "role", minimum: "operator" };
const admin: Access = { kind: "role", minimum: "admin" };

export const POLICY_RULES: readonly PolicyRule[] = [
  // --- public: the only routes that answer without a session ------------------------------------------
  {
    pattern: "/api/health",
    methods: READ_METHODS,
    access: publicAccess,
    why: "liveness and readiness probes",
  },
  {
    pattern: "/share/**",
    methods: READ_METHODS,
    access: publicAccess,
    rateLimit: "share",
    why: "a shared report: the link's 256-bit token is the credential (checked by the page)",
  },
  {
    pattern: "/api/share/**",
    methods: READ_METHODS,
    access: publicAccess,
    rateLimit: "share",
    why: "the shared report's downloads, same token",
  },
  { pattern: "/auth/sign-in", methods: READ_METHODS, access: publicAccess, why: "the sign-in page" },
  {
    pattern: "/auth/login",
    methods: READ_METHODS,
    access: publicAccess,
    rateLimit: "sign-in",
    why: "starts the Entra ID authorization-code flow",
  },
  {
    pattern: "/auth/callback",
    methods: READ_METHODS,
    access: publicAccess,
    rateLimit: "sign-in",
    why: "Entra ID returns here with the code",
  },
  { pattern: "/auth/forbidden", methods: READ_METHODS, access: publicAccess, why: "explains a 403" },
  {
    pattern: "/auth/sign-out",
    methods: ["POST"],
    access: publicAccess,
    why: "signing out needs no role (Origin still checked)",
  },
  { pattern: "/_next/**", methods: READ_METHODS, access: publicAccess, why: "framework assets, no data" },
  { pattern: "/favicon.ico", methods: READ_METHODS, access: publicAccess, why: "static asset" },
  { pattern: "/robots.txt", methods: READ_METHODS, access: publicAccess, why: "static asset" },

  // --- machine: a shared secret instead of a session ----------------------------------------------------
  {
    pattern: "/api/cron/**",
    methods: ["GET", "POST"],
    access: machine,
    rateLimit: "cron",
    why: "external schedulers (Kubernetes CronJob) authenticate with ATLAS_CRON_SECRET, checked by the handler",
  },

  // --- admin: settings, schedules, revocations — reading included, settings may hold webhook URLs --------
  { pattern: "/settings/**", methods: "*", access: admin, why: "settings pages and their actions" },
  { pattern: "/api/settings/**", methods: "*", access: admin, why: "settings API (schedules, webhooks)" },
  { pattern: "/schedules/**", methods: "*", access: admin, why: "schedule pages" },
  { pattern: "/api/schedules/**", methods: "*", access: admin, why: "schedules API" },
  {
    pattern: "/api/shares/**",
    methods: ["PUT", "PATCH", "DELETE"],
    access: admin,
    why: "revoking (or changing) any share link",
  },
  {
    pattern: "/api/reports/*/shares/**",
    methods: ["PUT", "PATCH", "DELETE"],
    access: admin,
    why: "revoking a report's share link",
  },
  {
    pattern: "/api/reports/**",
    methods: ["PUT", "PATCH", "DELETE"],
    access: admin,
    why: "changing or deleting reports",
  },

  // --- operator: start scans, create and share reports ---------------------------------------------------
  { pattern: "/api/scans", methods: ["POST"], access: operator, why: "start a scan" },
  { pattern: "/api/reports/**", methods: ["POST"], access: operator, why: "create a report or a share link" },
  { pattern: "/api/shares", methods: ["POST"], access: operator, why: "create a share link" },
  { pattern: "/scans/**", methods: ["POST"], access: operator, why: "server actions on the scans pages" },
  { pattern: "/reports/**", methods: ["POST"], access: operator, why: "server actions on the reports pages" },

  // --- everything else: read → viewer ----------------------------------------------------------------------
  { pattern: "/**", methods: READ_METHODS, access: viewer, why: "viewers read everything" },
];

/** The decision for a request no rule matches: a state-changing method on a route nobody classified. */
export const DEFAULT_RULE: PolicyRule = {
  pattern: "/**",
  methods: "*",
  access: { kind: "deny" },
  why: "default deny: a state-changing route needs a rule in lib/auth/route-policy.ts",
};

/** Splits and decodes a URL path; undefined when it cannot be decoded or walks upwards. */
export function pathSegments(pathname: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (decoded === "." || decoded === ".." || decoded.includes("\0")) return undefined;
    segments.push(decoded.toLowerCase());
  }
  return segments;
}

function matchSegments(pattern: readonly string[], path: readonly string[], p = 0, s = 0): boolean {
  if (p === pattern.length) return s === path.length;
  const part = pattern[p];
  if (part === "**") {
    for (let skip = s; skip <= path.length; skip++)
      if (matchSegments(pattern, path, p + 1, skip)) return true;
    return false;
  }
  if (s === path.length) return false;
  return (part === "*" || part === path[s]) && matchSegments(pattern, path, p + 1, s + 1);
}

const compiled = new Map<string, string[]>();
function compile(pattern: string): string[] {
  let parts = compiled.get(pattern);
  if (!parts) {
    parts = pattern
      .split("/")
      .filter(Boolean)
      .map((part) => part.toLowerCase());
    compiled.set(pattern, parts);
  }
  return parts;
}

export function patternMatches(pattern: string, segments: readonly string[]): boolean {
  return matchSegments(compile(pattern), segments);
}

function methodMatches(rule: PolicyRule, method: string): boolean {
  return rule.methods === "*" || rule.methods.includes(method);
}

/** The rule governing `method` on `segments` (from pathSegments), falling back to DEFAULT_RULE. */
export function ruleFor(
  method: string,
  segments: readonly string[],
  rules: readonly PolicyRule[] = POLICY_RULES,
): PolicyRule {
  const upper = method.toUpperCase();
  for (const rule of rules) {
    if (methodMatches(rule, upper) && patternMatches(rule.pattern, segments)) return rule;
  }
  return DEFAULT_RULE;
}

export function isReadMethod(method: string): boolean {
  return READ_METHODS.includes(method.toUpperCase());
}

export function isApiPath(segments: readonly string[]): boolean {
  return segments[0] === "api";
}
