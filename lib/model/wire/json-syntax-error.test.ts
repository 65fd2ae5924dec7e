import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateJsonSyntaxError } from "@/lib/model/wire/json-syntax-error";
import { parseJsonText } from "@/lib/model/wire/tenant-file";

function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(text)} is valid JSON`);
}

function locate(text: string) {
  return locateJsonSyntaxError(text, parseError(text));
}

function messageOf(text: string): string {
  try {
    parseJsonText(text, "t.json");
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("parsed");
}

// V8's JSON.parse messages, with and without a position: nodejs/node deps/v8/test/mjsunit/messages.js
// (kJsonParse* cases) and deps/v8/src/json/json-parser.cc.
describe("locateJsonSyntaxError", () => {
  it.each([
    ['{"a": 1,}', 8], // V8: "Expected double-quoted property name in JSON at position 8"
    ["[1, 2", 5], // V8: "Expected ',' or ']' after array element in JSON at position 5"
    // V8: "Unexpected token '}', …" (no position); jsonc-parser points at the word that is no literal,
    // where the hand-written scanner pointed at the "}" after it (offset 9).
    ['{"a": tru}', 6],
    ['"unterminated', 13], // V8: "Unterminated string in JSON at position 13"
    ["{} x", 3], // V8: "Unexpected non-whitespace character after JSON at position 3"
    ["", 0], // V8: "Unexpected end of JSON input" (no position)
    ['{\n  "a": ,\n}', 9], // V8: "Unexpected token ','" (no position)
  ])("finds the syntax error offset in %j", (text, offset) => {
    expect(locate(text)?.offset).toBe(offset);
  });

  it("gives the line and column, and what was wrong, where V8's message has no position", () => {
    expect(messageOf('{\n  "version": 1,\n  "tenantId": \n}\n')).toBe(
      't.json is not valid JSON (line 4, column 1): unexpected "}" (value expected)',
    );
    expect(messageOf('{"a": tru}')).toBe(
      't.json is not valid JSON (line 1, column 7): unexpected "tru" (invalid symbol)',
    );
    expect(messageOf("")).toBe(
      "t.json is not valid JSON (line 1, column 1): unexpected end of input (value expected)",
    );
  });

  it("takes V8's own position and wording where its message has them", () => {
    expect(messageOf('{"a": "\\x"}')).toBe(
      't.json is not valid JSON (line 1, column 9): unexpected "x" (bad escaped character)',
    );
    expect(messageOf('{"a": 1}\n}')).toBe(
      't.json is not valid JSON (line 2, column 1): unexpected "}" (non-whitespace character after JSON)',
    );
    expect(messageOf('{"a": "b"')).toBe(
      "t.json is not valid JSON (line 1, column 10): unexpected end of input (expected ',' or '}' after property value)",
    );
  });

  it("quotes little of a long bad token", () => {
    const message = messageOf(`{"a": ${"x".repeat(100_000)}}`);
    expect(message).toMatch(
      /^t\.json is not valid JSON \(line 1, column 7\): unexpected "x{24}" \(invalid symbol\)$/,
    );
  });

  it("says nothing for text without a syntax error", () => {
    expect(locateJsonSyntaxError('{"a": [1, 2]}', new Error("not a syntax error"))).toBeUndefined();
  });

  // Whatever V8 rejects, the error is located, and line and column agree with the offset.
  it("locates every syntax error that JSON.parse reports", () => {
    const corrupt = fc
      .tuple(fc.json(), fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...'{}[],:"\\ \n0-.etnx\u0001'))
      .map(([json, at, remove, insert]) => {
        const position = json.length === 0 ? 0 : at % (json.length + 1);
        return json.slice(0, position) + insert + json.slice(position + remove);
      })
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      });
    fc.assert(
      fc.property(corrupt, (text) => {
        const at = locate(text);
        expect(at).toBeDefined();
        if (!at) return;
        expect(at.offset).toBeGreaterThanOrEqual(0);
        expect(at.offset).toBeLessThanOrEqual(text.length);
        const before = text.slice(0, at.offset);
        expect(at.line).toBe(before.split("\n").length);
        expect(at.column).toBe(at.offset - before.lastIndexOf("\n"));
      }),
      { numRuns: 500 },
    );
  });
});
