import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { TaskPool } from "@/lib/scan/collect/task-pool";

describe("TaskPool", () => {
  it("runs tasks added by tasks and drains when all are done, within its limit", async () => {
    const pool = new TaskPool(2);
    const finished: string[] = [];
    let running = 0;
    let peak = 0;
    const task =
      (name: string, children: string[] = []) =>
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        for (const child of children) pool.add(task(child));
        finished.push(name);
        running--;
      };
    pool.add(task("a", ["a1", "a2"]));
    pool.add(task("b", ["b1"]));
    pool.add(task("c"));
    await pool.drain();
    expect(finished.sort()).toEqual(["a", "a1", "a2", "b", "b1", "c"]);
    expect(peak).toBe(2);
  });

  it("drains at once when empty and reports an escaped error", async () => {
    await new TaskPool(1).drain();
    const pool = new TaskPool(1);
    pool.add(async () => {
      throw new Error("bug");
    });
    await expect(pool.drain()).rejects.toThrow("bug");
  });

  it("lets the other tasks finish before the drain fails with the first escaped error", async () => {
    const pool = new TaskPool(1);
    const finished: string[] = [];
    pool.add(async () => {
      throw new Error("first bug");
    });
    pool.add(async () => {
      await sleep(2);
      finished.push("slow");
      pool.add(async () => void finished.push("child"));
    });
    pool.add(async () => {
      throw new Error("second bug");
    });
    await expect(pool.drain()).rejects.toThrow("first bug");
    expect(finished).toEqual(["slow", "child"]);
  });

  it("starts tasks in the order they were added", async () => {
    const pool = new TaskPool(1);
    const started: number[] = [];
    for (let index = 0; index < 5; index++) pool.add(async () => void started.push(index));
    await pool.drain();
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
