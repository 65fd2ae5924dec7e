import { AsyncLocalStorage } from "node:async_hooks";
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
    expect(() => new RequestSlots(1.5)).toThrow(/positive integer/);
  });

  it("serves waiters first come, first served; a newcomer does not overtake them", async () => {
    const slots = new RequestSlots(1);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const holder = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    const waiters = ["a", "b", "c"].map((name) => slots.run(async () => void order.push(name)));
    await sleep(1); // the holder has started
    release();
    const late = slots.run(async () => void order.push("late"));
    await Promise.all([holder, ...waiters, late]);
    expect(order).toEqual(["a", "b", "c", "late"]);
  });

  it("rejects at once, without running the task, when the signal has already aborted", async () => {
    const slots = new RequestSlots(2);
    let ran = false;
    const reason = new Error("scan cancelled");
    await expect(slots.run(async () => (ran = true), AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(ran).toBe(false);
    expect(slots.active).toBe(0);
  });

  // The slot bounds requests on the wire: an abort after the start must not free it before the
  // request settles (p-queue alone would, see the comment on RequestSlots.run).
  it("keeps a started task's slot until it settles, even when its signal aborts meanwhile", async () => {
    const slots = new RequestSlots(1);
    const controller = new AbortController();
    let finish: (value: string) => void = () => undefined;
    const started = slots.run(() => new Promise<string>((resolve) => (finish = resolve)), controller.signal);
    await sleep(1);
    controller.abort(new Error("cancelled"));
    let secondRan = false;
    const second = slots.run(async () => {
      secondRan = true;
    });
    await sleep(5);
    expect(secondRan).toBe(false);
    expect(slots.active).toBe(1);
    finish("done");
    await expect(started).resolves.toBe("done");
    await second;
    expect(secondRan).toBe(true);
  });

  // The ARM and Kubernetes transports find their scan through AsyncLocalStorage; a task that waited
  // for a slot must run in its caller's context, not in that of the task whose end freed the slot.
  it("runs a task that waited in the async context of its caller", async () => {
    const slots = new RequestSlots(1);
    const scan = new AsyncLocalStorage<string>();
    let release: () => void = () => undefined;
    const holder = scan.run("first", () =>
      slots.run(() => new Promise<void>((resolve) => (release = resolve))),
    );
    const seen = scan.run("second", () => slots.run(async () => scan.getStore()));
    await sleep(1); // the holder has started
    release();
    await holder;
    await expect(seen).resolves.toBe("second");
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

  it("passes the index, rejects with a worker's error, and runs one at a time below a limit of one", async () => {
    await expect(mapWithLimit(["a", "b"], 0, async (item, index) => `${item}${index}`)).resolves.toEqual([
      "a0",
      "b1",
    ]);
    await expect(mapWithLimit([], 3, async () => 1)).resolves.toEqual([]);
    await expect(
      mapWithLimit([1, 2, 3], 2, async (value) => {
        if (value === 2) throw new Error("worker failed");
        return value;
      }),
    ).rejects.toThrow("worker failed");
  });
});
