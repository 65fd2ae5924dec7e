import { setTimeout as sleep } from "node:timers/promises";

// Slows the scanner down *before* Azure answers 429. ARM reports what is left of the caller's read
// budget on every response (`x-ms-ratelimit-remaining-subscription-reads`, or `-tenant-reads`);
// Resource Graph reports its per-user quota (`x-ms-user-quota-remaining`, reset in
// `x-ms-user-quota-resets-after` as hh:mm:ss). When a budget runs low, requests to that budget are
// spaced out to the refill rate instead of being fired until they bounce.

/** ARM's regional token bucket refills 25 reads a second per subscription and principal. */
const ARM_REFILL_PER_SECOND = 25;
/** Below this many remaining reads, requests are spaced to the refill rate. */
export const ARM_LOW_WATERMARK = 50;
/** Resource Graph: at or below this quota, wait for the window to reset. */
const RESOURCE_GRAPH_LOW_QUOTA = 1;

export type GovernedApi = "arm" | "resource-graph";

export function parseHms(text: string | null | undefined): number | null {
  const match = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text?.trim() ?? "");
  if (!match) return null;
  return (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000;
}

/** The budget a request draws from: ARM per subscription (or the tenant), Resource Graph per user. */
export function budgetKey(api: GovernedApi, url: string): string {
  if (api === "resource-graph") return "resource-graph";
  const match = /\/subscriptions\/([^/?#]+)/i.exec(new URL(url).pathname);
  return match ? `subscription:${match[1]?.toLowerCase()}` : "tenant";
}

type HeaderReader = { get(name: string): string | undefined | null };

export class ThrottleGovernor {
  /** Earliest time the next request against a budget may start. */
  private readonly nextStart = new Map<string, number>();
  private readonly remaining = new Map<string, number>();
  private pausedMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Total time requests were held back by pacing (a measure, reported with the scan). */
  get totalPausedMs(): number {
    return this.pausedMs;
  }

  /** How long a request against `key` should wait now, reserving its slot. */
  reserve(key: string): number {
    const remaining = this.remaining.get(key);
    const now = this.now();
    const earliest = Math.max(now, this.nextStart.get(key) ?? 0);
    if (key !== "resource-graph" && remaining !== undefined && remaining < ARM_LOW_WATERMARK) {
      // Deeper in the red, space more: at the refill rate, then at half of it.
      const spacing = (1000 / ARM_REFILL_PER_SECOND) * (remaining < ARM_LOW_WATERMARK / 4 ? 2 : 1);
      this.nextStart.set(key, earliest + spacing);
    }
    return earliest - now;
  }

  async beforeRequest(key: string, signal?: AbortSignal): Promise<void> {
    const wait = this.reserve(key);
    if (wait > 0) {
      this.pausedMs += wait;
      await sleep(wait, undefined, signal ? { signal } : undefined);
    }
  }

  afterResponse(api: GovernedApi, key: string, headers: HeaderReader): void {
    if (api === "resource-graph") {
      const quota = Number.parseInt(headers.get("x-ms-user-quota-remaining") ?? "", 10);
      const resetMs = parseHms(headers.get("x-ms-user-quota-resets-after"));
      if (Number.isFinite(quota) && quota <= RESOURCE_GRAPH_LOW_QUOTA && resetMs !== null) {
        this.nextStart.set(key, Math.max(this.nextStart.get(key) ?? 0, this.now() + resetMs));
      }
      return;
    }
    const header =
      key === "tenant"
        ? "x-ms-ratelimit-remaining-tenant-reads"
        : "x-ms-ratelimit-remaining-subscription-reads";
    const remaining = Number.parseInt(
      headers.get(header) ?? headers.get("x-ms-ratelimit-remaining-subscription-reads") ?? "",
      10,
    );
    if (Number.isFinite(remaining)) this.remaining.set(key, remaining);
  }

  /** A 429 with Retry-After holds every request against that budget, not just the one retried. */
  holdFor(key: string, milliseconds: number): void {
    this.nextStart.set(key, Math.max(this.nextStart.get(key) ?? 0, this.now() + milliseconds));
  }
}
