import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/model/records";
import { diffJson } from "./json-diff";

describe("diffJson", () => {
  it("reports nothing for equal values, whatever the member order", () => {
    expect(diffJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toEqual([]);
  });

  it("names changed, added and removed members by JSON path", () => {
    expect(
      diffJson(
        { localAccountsDisabled: false, entra: { azureRbac: true }, gone: 1, "odd key": "x" },
        { localAccountsDisabled: true, entra: { azureRbac: false }, added: "y", "odd key": "z" },
      ),
    ).toEqual([
      { path: "$.added", after: "y" },
      { path: "$.entra.azureRbac", before: true, after: false },
      { path: "$.gone", before: 1 },
      { path: "$.localAccountsDisabled", before: false, after: true },
      { path: '$["odd key"]', before: "x", after: "z" },
    ]);
  });

  it("reads an insertion into a list as one added element, not a shift of every later one", () => {
    expect(diffJson({ ids: ["a", "c", "d"] }, { ids: ["a", "b", "c", "d"] })).toEqual([
      { path: "$.ids[1]", after: "b" },
    ]);
    expect(diffJson({ ids: ["a", "b"] }, { ids: ["a"] })).toEqual([{ path: "$.ids[1]", before: "b" }]);
  });

  it("recurses into objects of a list edited in place", () => {
    const before = {
      subjects: [
        { kind: "Group", name: "g1" },
        { kind: "User", name: "u1" },
      ],
    };
    const after = {
      subjects: [
        { kind: "Group", name: "g2" },
        { kind: "User", name: "u1" },
      ],
    };
    expect(diffJson(before, after)).toEqual([{ path: "$.subjects[0].name", before: "g1", after: "g2" }]);
  });

  it("reports a pure reordering as one change of the list", () => {
    expect(diffJson([1, 2], [2, 1])).toEqual([{ path: "$", before: [1, 2], after: [2, 1] }]);
  });

  it("treats a type change as a change of the whole value", () => {
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: "$.a", before: [1], after: { 0: 1 } }]);
    expect(diffJson({ a: null }, { a: 0 })).toEqual([{ path: "$.a", before: null, after: 0 }]);
  });

  it("finds a difference exactly when the canonical JSON differs (property)", () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(value, value, (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        expect(diffJson(a, b).length === 0).toBe(same);
      }),
      { numRuns: 500 },
    );
  });
});
