import { afterEach, describe, expect, it, vi } from "vitest";
import { progressPrinter } from "./scan";

describe("progressPrinter", () => {
  afterEach(() => vi.useRealTimers());

  it("prints a line when a phase starts, then done/total at most every interval, and the last step", () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const lines: string[] = [];
    const progress = progressPrinter((line) => lines.push(line), 5_000);
    progress({ phase: "collect", done: 0, total: 0 });
    progress({ phase: "collect", done: 10, total: 100 }); // too soon
    vi.setSystemTime(5_000);
    progress({ phase: "collect", done: 40, total: 100 });
    vi.setSystemTime(6_000);
    progress({ phase: "collect", done: 100, total: 100 }); // the last step always prints
    progress({ phase: "store", done: 0, total: 0 });
    progress({ phase: "analyse", done: 1, total: 500 });
    expect(lines).toEqual([
      "  collecting (sources read/total: subscriptions, clusters, directory)…",
      "    40/100 (40%)",
      "    100/100 (100%)",
      "  storing the inventory…",
      "  evaluating and storing access (clusters done/total)…",
    ]);
  });
});
