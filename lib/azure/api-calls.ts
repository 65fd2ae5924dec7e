// The scanner's API calls, counted where they are sent (a pipeline policy, a Graph middleware, the
// Kubernetes HTTP library), so the numbers a scan reports are measured, never estimated.

export const API_FAMILIES = ["arm", "resource-graph", "graph", "entra", "kubernetes"] as const;
export type ApiFamily = (typeof API_FAMILIES)[number];

export class ApiCallCounter {
  private readonly calls = new Map<ApiFamily, number>(API_FAMILIES.map((family) => [family, 0]));
  /** Responses that asked the scanner to slow down (429), by family. */
  private readonly throttled = new Map<ApiFamily, number>(API_FAMILIES.map((family) => [family, 0]));

  /** One HTTP request sent (every attempt counts, retries included). */
  count(family: ApiFamily): void {
    this.calls.set(family, (this.calls.get(family) ?? 0) + 1);
  }

  countThrottled(family: ApiFamily): void {
    this.throttled.set(family, (this.throttled.get(family) ?? 0) + 1);
  }

  snapshot(): Record<ApiFamily, number> {
    return Object.fromEntries(API_FAMILIES.map((family) => [family, this.calls.get(family) ?? 0])) as Record<
      ApiFamily,
      number
    >;
  }

  throttledSnapshot(): Record<ApiFamily, number> {
    return Object.fromEntries(
      API_FAMILIES.map((family) => [family, this.throttled.get(family) ?? 0]),
    ) as Record<ApiFamily, number>;
  }

  total(): number {
    let sum = 0;
    for (const value of this.calls.values()) sum += value;
    return sum;
  }
}
