import { describe, expect, it } from "vitest";
import { ARM_LOW_WATERMARK, budgetKey, parseHms, ThrottleGovernor } from "@/lib/azure/throttle-governor";

function headers(values: Record<string, string>) {
  return { get: (name: string) => values[name.toLowerCase()] };
}

describe("budgetKey", () => {
  it("keys ARM requests by subscription, tenant-level ones by tenant, Resource Graph by user", () => {
    expect(budgetKey("arm", "https://h/subscriptions/ABC/providers/x?api-version=1")).toBe(
      "subscription:abc",
    );
    expect(budgetKey("arm", "https://h/providers/Microsoft.Management/managementGroups")).toBe("tenant");
    expect(budgetKey("resource-graph", "https://h/providers/Microsoft.ResourceGraph/resources")).toBe(
      "resource-graph",
    );
  });
});

describe("parseHms", () => {
  it.each([
    ["00:00:05", 5000],
    ["01:02:03", 3_723_000],
    ["00:00:00.5", 500],
    ["5", null],
    [undefined, null],
  ])("%s → %s", (text, expected) => {
    expect(parseHms(text)).toBe(expected);
  });
});

describe("ThrottleGovernor", () => {
  it("does not delay while the read budget is healthy", () => {
    const governor = new ThrottleGovernor(() => 1_000);
    governor.afterResponse(
      "arm",
      "subscription:a",
      headers({ "x-ms-ratelimit-remaining-subscription-reads": "11999" }),
    );
    expect([governor.reserve("subscription:a"), governor.reserve("subscription:a")]).toEqual([0, 0]);
  });

  it("spaces requests to the refill rate when the budget runs low, per subscription", () => {
    const governor = new ThrottleGovernor(() => 1_000);
    governor.afterResponse(
      "arm",
      "subscription:a",
      headers({ "x-ms-ratelimit-remaining-subscription-reads": String(ARM_LOW_WATERMARK - 1) }),
    );
    // 25 reads a second: one every 40 ms, queued one after the other.
    expect([
      governor.reserve("subscription:a"),
      governor.reserve("subscription:a"),
      governor.reserve("subscription:a"),
    ]).toEqual([0, 40, 80]);
    expect(governor.reserve("subscription:b")).toBe(0);
  });

  it("spaces more when the budget is nearly gone", () => {
    const governor = new ThrottleGovernor(() => 0);
    governor.afterResponse(
      "arm",
      "subscription:a",
      headers({ "x-ms-ratelimit-remaining-subscription-reads": "3" }),
    );
    expect([governor.reserve("subscription:a"), governor.reserve("subscription:a")]).toEqual([0, 80]);
  });

  it("reads tenant-level budgets from the tenant header", () => {
    const governor = new ThrottleGovernor(() => 0);
    governor.afterResponse("arm", "tenant", headers({ "x-ms-ratelimit-remaining-tenant-reads": "1" }));
    governor.reserve("tenant");
    expect(governor.reserve("tenant")).toBe(80);
  });

  it("waits for the Resource Graph quota window to reset when it is spent", () => {
    const governor = new ThrottleGovernor(() => 10_000);
    governor.afterResponse(
      "resource-graph",
      "resource-graph",
      headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:03" }),
    );
    expect(governor.reserve("resource-graph")).toBe(3_000);
    const healthy = new ThrottleGovernor(() => 0);
    healthy.afterResponse(
      "resource-graph",
      "resource-graph",
      headers({ "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" }),
    );
    expect(healthy.reserve("resource-graph")).toBe(0);
  });

  it("holds a whole budget after a 429 with Retry-After", () => {
    const governor = new ThrottleGovernor(() => 500);
    governor.holdFor("subscription:a", 2_000);
    expect(governor.reserve("subscription:a")).toBe(2_000);
    expect(governor.reserve("subscription:b")).toBe(0);
  });
});
