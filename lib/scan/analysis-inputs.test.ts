import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { engineFingerprint } from "./analysis-inputs";

// The engine fingerprint is what keeps a stored analysis from being reused by another version of the engine
// (docs/scanner.md, "Incremental analysis"): it must move with the analysis code, and only with it.
describe("engineFingerprint", () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-fingerprint-"));
    for (const dir of ["lib/access/fixtures", "lib/findings/rules", "lib/model/data", "lib/scan"])
      await fs.mkdir(path.join(root, dir), { recursive: true });
    await fs.writeFile(path.join(root, "lib/access/evaluate-cluster.ts"), "export const a = 1;\n");
    await fs.writeFile(path.join(root, "lib/findings/rules/some-rule.ts"), "export const r = 1;\n");
    await fs.writeFile(path.join(root, "lib/model/data/builtin-roles.json"), "[]\n");
    await fs.writeFile(path.join(root, "lib/scan/analyse.ts"), "export const s = 1;\n");
    await fs.writeFile(path.join(root, "lib/scan/store.ts"), "export const t = 1;\n");
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it("is stable for the same code and moves with the engine, its rules and its data", async () => {
    const first = engineFingerprint(root);
    expect(engineFingerprint(root)).toBe(first);
    await fs.writeFile(path.join(root, "lib/access/evaluate-cluster.ts"), "export const a = 2;\n");
    const engine = engineFingerprint(root);
    expect(engine).not.toBe(first);
    await fs.writeFile(path.join(root, "lib/findings/rules/another-rule.ts"), "export const r2 = 1;\n");
    const rules = engineFingerprint(root);
    expect(rules).not.toBe(engine);
    await fs.writeFile(path.join(root, "lib/model/data/builtin-roles.json"), '[{"name":"Owner"}]\n');
    expect(engineFingerprint(root)).not.toBe(rules);
  });

  it("ignores tests and fixtures, which the analysis does not run", async () => {
    const first = engineFingerprint(root);
    await fs.writeFile(path.join(root, "lib/access/evaluate-cluster.test.ts"), "it('x', () => {});\n");
    await fs.writeFile(path.join(root, "lib/access/fixtures/builder.ts"), "export const f = 1;\n");
    expect(engineFingerprint(root)).toBe(first);
  });

  it("where the code cannot be read, never matches anything (nothing is reused)", async () => {
    await fs.rm(path.join(root, "lib/access"), { recursive: true });
    const a = engineFingerprint(root);
    const b = engineFingerprint(root);
    expect(a).toMatch(/^unreadable:/);
    expect(a).not.toBe(b);
  });
});
