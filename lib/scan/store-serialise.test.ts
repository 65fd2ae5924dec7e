import { beforeAll, describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { accessToRecords } from "@/lib/access/records";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingsToRecords } from "@/lib/findings/records";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { type StepDictionary, serialiseForStore, withStepRefs } from "@/lib/model/path-step-refs";
import { canonicalJson, contentHash, modelToRecords, type SnapshotRecordInput } from "@/lib/model/records";

// What the store writes for a record (lib/scan/store.ts), in one pass: the content hash of the engine's
// document, steps included, and the canonical JSON with the steps as references. It must be exactly what the
// two separate, slower functions give: stored hashes were taken with contentHash, and readers rebuild the
// document from the stored JSON and the dictionary.
describe("serialiseForStore", () => {
  let records: SnapshotRecordInput[];

  beforeAll(async () => {
    const model = modelFromTenantFile(await loadDemoTenant());
    const index = buildAccessIndex(model);
    const access = evaluateTenantAccess(model, index);
    records = [
      ...modelToRecords(model),
      ...accessToRecords(access),
      ...findingsToRecords(evaluateFindings(model, access, { index })),
    ];
  });

  it("gives contentHash's hash and withStepRefs's canonical JSON for every record of the demo tenant", () => {
    const kinds = new Set(records.map((record) => record.kind));
    expect(kinds).toContain("access.grant");
    expect(kinds).toContain("access.escalation");
    expect(kinds).toContain("finding");
    const once: StepDictionary = new Map();
    const apart: StepDictionary = new Map();
    for (const record of records) {
      const written = serialiseForStore(record.kind, record.data, once);
      expect(written.hash, `${record.kind} ${record.naturalKey}`).toBe(contentHash(record.data));
      expect(written.json, `${record.kind} ${record.naturalKey}`).toBe(
        canonicalJson(withStepRefs(record.kind, record.data, apart)),
      );
    }
    expect(once.size).toBeGreaterThan(10);
    expect([...once].sort()).toEqual([...apart].sort());
  });

  it("writes a document whose paths are not lists of steps as it is", () => {
    const dictionary: StepDictionary = new Map();
    for (const data of [
      { paths: "none", level: "read" },
      { paths: [["a", null, 1], "b"], d: undefined, f: () => 1 },
      { evidence: { paths: [[{ kind: "k", id: "i", label: "l" }], []] } },
      null,
    ]) {
      for (const kind of ["access.grant", "finding"]) {
        const written = serialiseForStore(kind, data, dictionary);
        expect(written.hash).toBe(contentHash(data));
        expect(written.json).toBe(canonicalJson(withStepRefs(kind, data, new Map())));
      }
    }
  });
});
