import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsControlCharacter, hasControlCharacter, safeText, safeUnknown } from "./safe-text";

describe("safeText", () => {
  it("refuses C0, DEL and C1 in a single-line field, and keeps everything else", () => {
    const schema = safeText().trim().min(1).max(200);
    for (const bad of [
      "a\u0000b",
      "\u0001",
      "tab\there",
      "line\nbreak",
      "del\u007f",
      "c1\u0080",
      "nel\u0085",
      "\u009f",
    ]) {
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    for (const good of ["Q3 report", "Ünïcødé — 😀", "a\u00a0b", "<script>", "x".repeat(200)]) {
      expect(schema.safeParse(good).success, good).toBe(true);
    }
    expect(schema.safeParse("a\u0000b").error?.issues[0]?.message).toBe(
      "must not contain control characters",
    );
  });

  it("lets a multi-line field keep tab, line feed and carriage return only", () => {
    const schema = safeText({ multiline: true });
    expect(schema.safeParse("one\r\n\ttwo").success).toBe(true);
    expect(schema.safeParse("one\u000btwo").success).toBe(false);
    expect(schema.safeParse("one\u0000").success).toBe(false);
  });

  it("agrees with a code-point definition for any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (value) => {
        const expected = [...value].some((ch) => {
          const code = ch.codePointAt(0) ?? 0;
          return code < 0x20 || (code >= 0x7f && code <= 0x9f);
        });
        expect(hasControlCharacter(value)).toBe(expected);
        expect(safeText().safeParse(value).success).toBe(!expected);
      }),
    );
  });

  it("safeUnknown finds a control character anywhere in a JSON value, keys included", () => {
    expect(containsControlCharacter({ a: [1, { b: "x\u0000" }] })).toBe(true);
    expect(containsControlCharacter({ "k\u0007": 1 })).toBe(true);
    expect(containsControlCharacter({ a: [1, null, true, "ok"] })).toBe(false);
    expect(safeUnknown().safeParse("https://hooks.example.com/a\u0000").success).toBe(false);
    expect(safeUnknown().optional().safeParse(undefined).success).toBe(true);
  });
});
