import { describe, expect, it } from "vitest";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { AccessModelBuilder, CLUSTER, RG, ROLE } from "@/lib/access/fixtures/access-model-builder";
import { type AccessGrantRecordData, accessToRecords } from "@/lib/access/records";
import { clusterAccessSchema } from "@/lib/access/types";
import { contentHash } from "@/lib/model/records";

describe("accessToRecords", () => {
  const model = new AccessModelBuilder()
    .principal("penny")
    .assign(ROLE.contributor, "penny", RG)
    .assign(ROLE.owner, "penny", `${RG}`, { condition: "x" })
    .assign(ROLE.aksRbacReader, "penny", CLUSTER)
    .build();
  const access = evaluateTenantAccess(model);

  it("serializes to the contract shape", () => {
    for (const clusterAccess of access)
      expect(clusterAccessSchema.strict().parse(JSON.parse(JSON.stringify(clusterAccess)))).toBeTruthy();
  });

  it("merges the paths of one grant into one record with a stable key", () => {
    const records = accessToRecords(access);
    const keys = records.map((record) => record.naturalKey);
    expect(new Set(keys).size).toBe(keys.length);
    const localAdmin = records.find(
      (record) => record.naturalKey === `${CLUSTER}|penny|cluster-admin|*|local-admin-credential`,
    );
    const data = localAdmin?.data as AccessGrantRecordData;
    expect(data.paths).toHaveLength(2);
    // one path is unconditional, so the grant is
    expect(data.conditional).toBe(false);
    expect(records.find((r) => r.naturalKey === `${CLUSTER}|penny|read|*|azure-rbac`)?.kind).toBe(
      "access.grant",
    );
    expect(
      records.find((r) => r.naturalKey === `${CLUSTER}|penny|cluster-write|*|azure-control-plane`)?.kind,
    ).toBe("access.escalation");
    expect(records.every((record) => record.source === "analysis" && record.clusterId === CLUSTER)).toBe(
      true,
    );
  });

  it("hashes the same access the same way, whatever the input order", () => {
    const reversed = new AccessModelBuilder().principal("penny").build();
    reversed.roleAssignments = [...model.roleAssignments].reverse();
    const hashes = (records: ReturnType<typeof accessToRecords>) =>
      new Map(records.map((record) => [record.naturalKey, contentHash(record.data)]));
    expect(hashes(accessToRecords(evaluateTenantAccess(reversed)))).toEqual(hashes(accessToRecords(access)));
  });
});
