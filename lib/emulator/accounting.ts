import { type EndpointFamily, endpointFamilies } from "@/lib/emulator/endpoint-family";

export type FamilyCounts = Record<EndpointFamily, number>;

/**
 * Counts requests per endpoint family (what tests assert on: "the scan made N ARM calls") and per route
 * (for debugging a scanner that calls something it should not).
 */
export class RequestAccounting {
  private byFamily: FamilyCounts = RequestAccounting.zero();
  private byRoute = new Map<string, number>();

  private static zero(): FamilyCounts {
    return Object.fromEntries(endpointFamilies.map((family) => [family, 0])) as FamilyCounts;
  }

  record(family: EndpointFamily, route: string): void {
    this.byFamily[family] += 1;
    const key = `${family} ${route}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  }

  counts(): FamilyCounts {
    return { ...this.byFamily };
  }

  routeCounts(): Record<string, number> {
    return Object.fromEntries([...this.byRoute.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.byFamily = RequestAccounting.zero();
    this.byRoute.clear();
  }
}
