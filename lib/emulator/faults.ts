import { createHash } from "node:crypto";
import { z } from "zod";
import { type EndpointFamily, endpointFamilies, isEndpointFamily } from "@/lib/emulator/endpoint-family";

const familySelector = z.enum([...endpointFamilies, "*"]).default("*");
const rate = z.number().min(0).max(1);
/** Only requests whose method + path + query contain this text (case-insensitive) are affected. */
const match = z.string().min(1).optional();
/** Fire at most this many times over the emulator's life (handy for "the first call fails, the retry works"). */
const maxCount = z.number().int().positive().optional();

export const faultRuleSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("throttle"),
    family: familySelector,
    rate,
    retryAfterSeconds: z.number().int().min(0).default(1),
    match,
    maxCount,
  }),
  z.object({
    kind: z.literal("error5xx"),
    family: familySelector,
    rate,
    /** Fixed status; without it 500 and 503 alternate deterministically. */
    status: z.union([z.literal(500), z.literal(503)]).optional(),
    match,
    maxCount,
  }),
  z.object({
    kind: z.literal("latency"),
    family: familySelector,
    ms: z.number().min(0),
    jitterMs: z.number().min(0).default(0),
    rate: rate.default(1),
    match,
    maxCount,
  }),
  z.object({ kind: z.literal("stall"), family: familySelector, rate, match, maxCount }),
  z.object({ kind: z.literal("drop"), family: familySelector, rate, match, maxCount }),
  z.object({ kind: z.literal("truncate"), family: familySelector, rate, match, maxCount }),
  /** One cluster's API server resets every connection (cluster resource id, name, or emulator key). */
  z.object({ kind: z.literal("unreachable"), cluster: z.string().min(1) }),
  /** The principal disappears from Microsoft Graph (404 on GET, omitted from getByIds and member lists). */
  z.object({ kind: z.literal("deleted-principal"), principalId: z.string().min(1) }),
]);

/** What callers write (defaults optional). */
export type FaultRule = z.input<typeof faultRuleSchema>;
type ParsedFaultRule = z.infer<typeof faultRuleSchema>;
type RequestFaultRule = Extract<
  ParsedFaultRule,
  { kind: "throttle" | "error5xx" | "latency" | "stall" | "drop" | "truncate" }
>;

export type FaultOutcome =
  | { kind: "none" }
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "error5xx"; status: 500 | 503 }
  | { kind: "stall" }
  | { kind: "drop" }
  | { kind: "truncate" };

export type FaultDecision = { latencyMs: number; outcome: FaultOutcome };

export class FaultSpecError extends Error {
  override name = "FaultSpecError";
}

/**
 * Decides, per request, which faults fire. Deterministic under the seed *regardless of request
 * interleaving*: the random draw depends on (seed, rule, request identity, how many times this same
 * request was seen before), so concurrent scans see the same faults run after run, and a retry of a
 * failed request draws again (so retries can succeed, as with Azure).
 */
export class FaultEngine {
  private rules: ParsedFaultRule[] = [];
  private readonly occurrences = new Map<string, number>();
  private fired = new Map<number, number>();
  private deleted = new Set<string>();

  constructor(
    rules: FaultRule[],
    private readonly seed: number,
  ) {
    this.setRules(rules);
  }

  setRules(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => faultRuleSchema.parse(rule));
    this.fired = new Map();
    this.deleted = new Set(
      this.rules.flatMap((rule) =>
        rule.kind === "deleted-principal" ? [rule.principalId.toLowerCase()] : [],
      ),
    );
  }

  unreachableClusters(): string[] {
    return this.rules.flatMap((rule) => (rule.kind === "unreachable" ? [rule.cluster] : []));
  }

  /** Lower-cased ids of principals the `deleted-principal` fault removes from the directory. */
  deletedPrincipals(): ReadonlySet<string> {
    return this.deleted;
  }

  decide(family: EndpointFamily, requestKey: string): FaultDecision {
    // Without request faults there is nothing to draw: skip the bookkeeping so a long-running
    // emulator does not remember every request it ever served.
    if (!this.rules.some(isRequestRule)) return { latencyMs: 0, outcome: { kind: "none" } };
    const occurrenceKey = `${family} ${requestKey}`;
    const occurrence = this.occurrences.get(occurrenceKey) ?? 0;
    this.occurrences.set(occurrenceKey, occurrence + 1);
    let latencyMs = 0;
    let outcome: FaultOutcome = { kind: "none" };
    const loweredKey = requestKey.toLowerCase();
    this.rules.forEach((rule, index) => {
      if (!isRequestRule(rule)) return;
      if (rule.family !== "*" && rule.family !== family) return;
      if (rule.match && !loweredKey.includes(rule.match.toLowerCase())) return;
      if (rule.kind !== "latency" && outcome.kind !== "none") return;
      const firedSoFar = this.fired.get(index) ?? 0;
      if (rule.maxCount !== undefined && firedSoFar >= rule.maxCount) return;
      const draw = this.uniform(index, occurrenceKey, occurrence, "fire");
      if (draw >= rule.rate) return;
      this.fired.set(index, firedSoFar + 1);
      switch (rule.kind) {
        case "latency": {
          const jitter = (this.uniform(index, occurrenceKey, occurrence, "jitter") * 2 - 1) * rule.jitterMs;
          latencyMs += Math.max(0, Math.round(rule.ms + jitter));
          return;
        }
        case "throttle":
          outcome = { kind: "throttle", retryAfterSeconds: rule.retryAfterSeconds };
          return;
        case "error5xx":
          outcome = {
            kind: "error5xx",
            status:
              rule.status ?? (this.uniform(index, occurrenceKey, occurrence, "status") < 0.5 ? 500 : 503),
          };
          return;
        default:
          outcome = { kind: rule.kind };
      }
    });
    return { latencyMs, outcome };
  }

  private uniform(ruleIndex: number, key: string, occurrence: number, purpose: string): number {
    const digest = createHash("sha256")
      .update(`${this.seed}\u0000${ruleIndex}\u0000${purpose}\u0000${occurrence}\u0000${key}`)
      .digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  }
}

function isRequestRule(rule: ParsedFaultRule): rule is RequestFaultRule {
  return rule.kind !== "unreachable" && rule.kind !== "deleted-principal";
}

export type ParsedFaultSpec = { rules: FaultRule[]; armTokenBucket: boolean };

const rateKinds = new Set(["throttle", "error5xx", "stall", "drop", "truncate"]);
const allKinds = new Set([...rateKinds, "latency", "unreachable", "deleted-principal", "token-bucket"]);

function parseNumber(text: string, what: string, item: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new FaultSpecError(`"${item}": ${what} must be a number, got "${text}"`);
  }
  return value;
}

/**
 * Parses the CLI form, comma separated: `[family:]kind[:arg...][:key=value...]`, e.g.
 * `arm:throttle:0.2,kubernetes:error5xx:0.1,latency:20,graph:deleted-principal:<id>,
 * kubernetes:unreachable:aks-2,arm:token-bucket,arm:throttle:1:max=1:match=managedClusters`.
 */
export function parseFaultSpec(spec: string): ParsedFaultSpec {
  const rules: FaultRule[] = [];
  let armTokenBucket = false;
  for (const rawItem of spec.split(",")) {
    const item = rawItem.trim();
    if (!item) continue;
    const parts = item.split(":");
    let family: EndpointFamily | "*" = "*";
    if (isEndpointFamily(parts[0]) || parts[0] === "*") {
      family = parts.shift() as EndpointFamily | "*";
    }
    const kind = parts.shift() ?? "";
    if (!allKinds.has(kind)) {
      throw new FaultSpecError(
        `"${item}": unknown fault "${kind}" (known: ${[...allKinds].join(", ")}; families: ${endpointFamilies.join(", ")})`,
      );
    }
    const positional = parts.filter((part) => !part.includes("="));
    const options = new Map(
      parts
        .filter((part) => part.includes("="))
        .map((part) => {
          const at = part.indexOf("=");
          return [part.slice(0, at).toLowerCase(), part.slice(at + 1)] as const;
        }),
    );
    for (const key of options.keys()) {
      if (!["retry-after", "status", "max", "match", "rate", "jitter"].includes(key)) {
        throw new FaultSpecError(`"${item}": unknown option "${key}"`);
      }
    }
    const common = {
      ...(options.has("match") ? { match: options.get("match") } : {}),
      ...(options.has("max") ? { maxCount: parseNumber(options.get("max") ?? "", "max", item) } : {}),
    };
    if (kind === "token-bucket") {
      if (family !== "arm" && family !== "*")
        throw new FaultSpecError(`"${item}": the token bucket is ARM-only`);
      armTokenBucket = true;
      continue;
    }
    if (kind === "unreachable" || kind === "deleted-principal") {
      // Resource ids contain no ':', but rejoin anyway so nothing is silently cut.
      const target = positional.join(":");
      if (!target) throw new FaultSpecError(`"${item}": ${kind} needs a target, e.g. ${kind}:<id or name>`);
      rules.push(kind === "unreachable" ? { kind, cluster: target } : { kind, principalId: target });
      continue;
    }
    if (kind === "latency") {
      const ms = parseNumber(positional[0] ?? "", "latency milliseconds", item);
      const jitterText = positional[1] ?? options.get("jitter");
      rules.push({
        kind,
        family,
        ms,
        ...(jitterText !== undefined ? { jitterMs: parseNumber(jitterText, "jitter", item) } : {}),
        ...(options.has("rate") ? { rate: parseNumber(options.get("rate") ?? "", "rate", item) } : {}),
        ...common,
      });
      continue;
    }
    const rateText = positional[0] ?? options.get("rate");
    if (rateText === undefined) throw new FaultSpecError(`"${item}": ${kind} needs a rate between 0 and 1`);
    const rateValue = parseNumber(rateText, "rate", item);
    if (rateValue < 0 || rateValue > 1) throw new FaultSpecError(`"${item}": rate must be between 0 and 1`);
    if (kind === "throttle") {
      rules.push({
        kind,
        family,
        rate: rateValue,
        ...(options.has("retry-after")
          ? { retryAfterSeconds: parseNumber(options.get("retry-after") ?? "", "retry-after", item) }
          : {}),
        ...common,
      });
    } else if (kind === "error5xx") {
      const status = options.has("status")
        ? parseNumber(options.get("status") ?? "", "status", item)
        : undefined;
      if (status !== undefined && status !== 500 && status !== 503) {
        throw new FaultSpecError(`"${item}": status must be 500 or 503`);
      }
      rules.push({ kind, family, rate: rateValue, ...(status !== undefined ? { status } : {}), ...common });
    } else {
      rules.push({ kind: kind as "stall" | "drop" | "truncate", family, rate: rateValue, ...common });
    }
  }
  for (const rule of rules) {
    const result = faultRuleSchema.safeParse(rule);
    if (!result.success)
      throw new FaultSpecError(`invalid fault ${JSON.stringify(rule)}: ${result.error.message}`);
  }
  return { rules, armTokenBucket };
}
