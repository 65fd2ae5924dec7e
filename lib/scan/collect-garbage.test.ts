import { describe, expect, it } from "vitest";
import { collectorOnGrowth } from "./collect-garbage";

/** A heap the test sets by hand, and a collector over it (growth 50) whose collections leave `survives`. */
function fakeHeap(survives: number) {
  const state = { heap: 0, collections: 0 };
  const collect = collectorOnGrowth(
    () => {
      state.collections++;
      state.heap = survives;
    },
    () => state.heap,
    50,
  );
  return { state, collect };
}

describe("collectorOnGrowth", () => {
  it("collects once the heap has grown the given amount past what the last collection left", () => {
    const { state, collect } = fakeHeap(100); // what survives
    state.heap = 40;
    collect.onGrowth();
    expect(state.collections).toBe(0); // 40 of garbage since the start
    state.heap = 60;
    collect.onGrowth();
    expect(state.collections).toBe(1); // 60 ≥ 50
    state.heap = 140;
    collect.onGrowth();
    expect(state.collections).toBe(1); // 40 past the 100 left
    state.heap = 150;
    collect.onGrowth();
    expect(state.collections).toBe(2);
  });

  it("collects now when asked, and counts growth from what that collection left", () => {
    const { state, collect } = fakeHeap(20); // what survives: the last scan's garbage is gone
    state.heap = 400; // a scan's worth of garbage, never collected since (the last collection left 0)
    collect.now();
    expect(state.collections).toBe(1);
    state.heap = 60;
    collect.onGrowth();
    expect(state.collections).toBe(1); // 40 past the 20 left
    state.heap = 70;
    collect.onGrowth();
    expect(state.collections).toBe(2);
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
