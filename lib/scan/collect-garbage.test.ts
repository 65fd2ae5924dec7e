import { describe, expect, it } from "vitest";
import { collectorOnGrowth } from "./collect-garbage";

describe("collectorOnGrowth", () => {
  it("collects once the heap has grown the given amount past what the last collection left", () => {
    let heap = 0;
    let collections = 0;
    const collect = collectorOnGrowth(
      () => {
        collections++;
        heap = 100; // what survives
      },
      () => heap,
      50,
    );
    heap = 40;
    collect();
    expect(collections).toBe(0); // 40 of garbage since the start
    heap = 60;
    collect();
    expect(collections).toBe(1); // 60 ≥ 50
    heap = 140;
    collect();
    expect(collections).toBe(1); // 40 past the 100 left
    heap = 150;
    collect();
    expect(collections).toBe(2);
  });

  it("does nothing without a collector (a process started without --expose-gc)", () => {
    let read = 0;
    const collect = collectorOnGrowth(undefined, () => {
      read++;
      return 1e12;
    });
    collect();
    expect(read).toBe(0);
  });
});
