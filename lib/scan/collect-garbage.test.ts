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
    collect.onGrowth();
    expect(collections).toBe(0); // 40 of garbage since the start
    heap = 60;
    collect.onGrowth();
    expect(collections).toBe(1); // 60 ≥ 50
    heap = 140;
    collect.onGrowth();
    expect(collections).toBe(1); // 40 past the 100 left
    heap = 150;
    collect.onGrowth();
    expect(collections).toBe(2);
  });

  it("collects now when asked, and counts growth from what that collection left", () => {
    let heap = 0;
    let collections = 0;
    const collect = collectorOnGrowth(
      () => {
        collections++;
        heap = 20; // what survives: the last scan's garbage is gone
      },
      () => heap,
      50,
    );
    heap = 400; // a scan's worth of garbage, never collected since (the last collection left 0)
    collect.now();
    expect(collections).toBe(1);
    heap = 60;
    collect.onGrowth();
    expect(collections).toBe(1); // 40 past the 20 left
    heap = 70;
    collect.onGrowth();
    expect(collections).toBe(2);
  });

  it("does nothing without a collector (a process started without --expose-gc)", () => {
    let read = 0;
    const collect = collectorOnGrowth(undefined, () => {
      read++;
      return 1e12;
    });
    collect.onGrowth();
    collect.now();
    expect(read).toBe(0);
  });
});
