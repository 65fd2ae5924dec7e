import { describe, expect, it } from "vitest";
import { SAMPLE_CLUSTER_ID, SAMPLE_SUBSCRIPTION_ID, sampleModel } from "@/lib/model/fixtures/sample-model";
import { canonicalJson, contentHash, modelFromRecords, modelToRecords } from "@/lib/model/records";

describe("modelToRecords / modelFromRecords", () => {
  it("round-trips a model through records (and through JSON, as the database does)", () => {
    const model = sampleModel();
    const records = JSON.parse(JSON.stringify(modelToRecords(model)));
    expect(modelFromRecords(model.tenantId, records, model.coverage)).toEqual(model);
  });

  it("gives stable natural keys and sources", () => {
    const byKind = new Map(modelToRecords(sampleModel()).map((record) => [record.kind, record]));
    expect(byKind.get("k8s.roleBinding")).toMatchObject({
      naturalKey: `${SAMPLE_CLUSTER_ID}|RoleBinding|default|defaultnsadmin`,
      source: `cluster:${SAMPLE_CLUSTER_ID}`,
      clusterId: SAMPLE_CLUSTER_ID,
    });
    expect(byKind.get("k8s.clusterRole")?.naturalKey).toBe(`${SAMPLE_CLUSTER_ID}|ClusterRole||admin`);
    expect(byKind.get("cluster")).toMatchObject({
      naturalKey: SAMPLE_CLUSTER_ID,
      source: `sub:${SAMPLE_SUBSCRIPTION_ID}`,
      clusterId: SAMPLE_CLUSTER_ID,
    });
    expect(byKind.get("roleAssignment")?.source).toBe(`sub:${SAMPLE_SUBSCRIPTION_ID}`);
    expect(byKind.get("roleDefinition")?.source).toBe("directory");
    expect(byKind.get("principal")?.source).toBe("directory");
    expect(byKind.get("managementGroup")?.source).toBe("directory");
  });

  it("ignores derived kinds and rejects malformed inventory data", () => {
    const model = sampleModel();
    const records = [...modelToRecords(model), { kind: "finding", data: { anything: true } }];
    expect(modelFromRecords(model.tenantId, records, {}).clusters).toHaveLength(1);
    expect(() => modelFromRecords("t", [{ kind: "cluster", data: { id: 1 } }], {})).toThrow();
  });
});

describe("contentHash", () => {
  it("does not depend on key order or undefined members", () => {
    expect(contentHash({ a: 1, b: { c: [1, 2], d: undefined } })).toBe(
      contentHash({ b: { c: [1, 2] }, a: 1 }),
    );
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: 2 }] })).toBe('{"a":[{"y":2,"z":1}],"b":1}');
  });

  // The canonical JSON as it was first written — JSON.stringify of a copy with the keys inserted sorted —
  // which every stored content hash was taken over: the direct writer must give exactly its text.
  const copyCanonical = (value: unknown): string => JSON.stringify(sortedCopy(value));
  const sortedCopy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortedCopy(item)));
    if (value !== null && typeof value === "object") {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const member = (value as Record<string, unknown>)[key];
        if (member !== undefined) sorted[key] = sortedCopy(member);
      }
      return sorted;
    }
    return value;
  };

  it("writes exactly the text of a key-sorted copy, stored hashes depend on it", () => {
    const cases: unknown[] = [
      null,
      0,
      -1.5e-7,
      Number.NaN,
      true,
      "",
      'quote " backslash \\ newline \n \u2028 emoji 🛡 lone \ud800',
      [],
      {},
      [undefined, () => 1, null, [1, [2, { b: 1, a: 2 }]]],
      { b: undefined, a: () => 1, c: null, d: [undefined] },
      // integer keys come first, numerically, in a copy: JavaScript orders them so whatever the insertion
      { b: 1, "10": 2, "9": 3, a: 4, "01": 5, "-1": 6, "4294967295": 7, "4294967294": 8, "1.5": 9 },
      JSON.parse('{"__proto__": {"x": 1}, "a": 1}'),
      JSON.parse('{"__proto__": 5, "b": [{"__proto__": null}]}'),
      { date: new Date(0), nested: { z: { y: { x: [{ w: 1, v: 2 }] } } } },
      { é: 1, e: 2, E: 3, "": 4, " ": 5, ä: 6 },
    ];
    for (const value of cases) expect(canonicalJson(value)).toBe(copyCanonical(value));
    for (const record of modelToRecords(sampleModel()))
      expect(canonicalJson(record.data)).toBe(copyCanonical(record.data));
  });

  it("changes when content changes, including array order", () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({ a: "x" })).toMatch(/^[0-9a-f]{64}$/);
  });
});
