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

  it("changes when content changes, including array order", () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({ a: "x" })).toMatch(/^[0-9a-f]{64}$/);
  });
});
