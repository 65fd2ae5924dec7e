import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoByScan } from "@/lib/queries/scan-memo";

// The memos live on globalThis by name so that every bundle of the process shares them (scan-memo.ts): two
// aggregates given one name would read each other's values.

const registry = globalThis as { atlasScanMemos?: unknown };
afterEach(() => {
  registry.atlasScanMemos = undefined;
});

describe("memoByScan", () => {
  it("shares one memo between every copy that names it, and keeps names apart", async () => {
    let computed = 0;
    const compute = async () => ++computed;
    const pagesCopy = memoByScan<number>("test-aggregate");
    const serverCopy = memoByScan<number>("test-aggregate");
    const other = memoByScan<number>("test-other");
    expect(await serverCopy("t:1", compute)).toBe(1);
    expect(await pagesCopy("t:1", compute)).toBe(1);
    expect(await other("t:1", compute)).toBe(2);
    expect(computed).toBe(2);
  });

  it("keeps the latest entries up to its bound", async () => {
    const memo = memoByScan<number>("test-bounded", 2);
    let computed = 0;
    const compute = async () => ++computed;
    await memo("t:1", compute);
    await memo("t:2", compute);
    await memo("t:3", compute);
    expect(await memo("t:3", compute)).toBe(3);
    expect(await memo("t:2", compute)).toBe(2);
    expect(await memo("t:1", compute)).toBe(4);
  });

  it("drops the entry read least recently, not the oldest computed", async () => {
    const memo = memoByScan<number>("test-recent", 2);
    let computed = 0;
    const compute = async () => ++computed;
    await memo("t:1", compute);
    await memo("t:2", compute);
    // read again: t:2 is now the least recent
    expect(await memo("t:1", compute)).toBe(1);
    await memo("t:3", compute);
    expect(await memo("t:1", compute)).toBe(1);
    expect(await memo("t:2", compute)).toBe(4);
  });

  it("forgets a failed computation, so the next reader tries again", async () => {
    const memo = memoByScan<number>("test-failing");
    await expect(memo("t:1", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await memo("t:1", async () => 7)).toBe(7);
  });

  it("is given a different name at every call site in lib", () => {
    const names: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
          for (const match of readFileSync(file, "utf8").matchAll(
            /memoByScan(?:Object)?<[^(]*>\("([^"]+)"[,)]/g,
          ))
            names.push(match[1]);
      }
    };
    walk(path.resolve(import.meta.dirname, ".."));
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
  });
});
