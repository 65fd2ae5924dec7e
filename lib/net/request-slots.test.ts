import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { mapWithLimit, RequestSlots } from "@/lib/net/request-slots";

describe("RequestSlots", () => {
  it("never runs more than its capacity at once", async () => {
    const slots = new RequestSlots(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        slots.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(index % 3);
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(slots.active).toBe(0);
  });

  it("lets a waiter leave when its signal aborts", async () => {
    const slots = new RequestSlots(1);
    let release: () => void = () => undefined;
    const holder = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const waiter = slots.run(async () => "ran", controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(waiter).rejects.toThrow("cancelled");
    release();
    await holder;
    await expect(slots.run(async () => "next")).resolves.toBe("next");
  });

  it("rejects a capacity below one", () => {
    expect(() => new RequestSlots(0)).toThrow(/positive integer/);
  });
});

describe("mapWithLimit", () => {
  it("keeps the input order and bounds the parallelism", async () => {
    let running = 0;
    let peak = 0;
    const result = await mapWithLimit([5, 1, 4, 2, 3], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(value);
      running--;
      return value * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
