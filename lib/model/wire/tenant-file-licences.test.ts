import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JET, withPimAndDeny } from "@/lib/emulator/test-fixtures/pim-deny";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { AZURE_PIM_SOURCE } from "@/lib/model/sources";
import { parseTenantFile, validateTenantFile } from "@/lib/model/wire/tenant-file";

// One licence field for every PIM API (ARM and Graph): licenses.entraIdP2. Old files that said it as
// entra.license ("P2" | "P1" | "Free") still load, into that field.

/** The small tenant with Jet's ARM eligibility on aks-3, as JSON (licences as given). */
function fileWith(licences: { licenses?: unknown; entraLicense?: string }): Record<string, unknown> {
  const tenant = withPimAndDeny(parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8"))));
  const json = JSON.parse(JSON.stringify(tenant)) as Record<string, unknown>;
  delete json.licenses;
  if (licences.licenses !== undefined) json.licenses = licences.licenses;
  if (licences.entraLicense !== undefined)
    json.entra = { ...((json.entra as object | undefined) ?? {}), license: licences.entraLicense };
  return json;
}

describe("licences", () => {
  it("reads the old entra.license into licenses.entraIdP2, with a warning naming the path", () => {
    const validation = validateTenantFile(fileWith({ entraLicense: "P1" }));
    expect(validation.errors).toEqual([]);
    expect(validation.tenant?.licenses.entraIdP2).toBe(false);
    expect(validation.warnings).toContainEqual(
      expect.objectContaining({
        path: "$.entra.license",
        message: expect.stringMatching(/"entraIdP2": false/),
      }),
    );
  });

  it("an old P1 file has no ARM PIM either: the import reads no eligibility, PIM partial with the licence reason", () => {
    const model = modelFromTenantFile(parseTenantFile(fileWith({ entraLicense: "P1" })));
    expect(model.roleEligibilities.map((eligibility) => eligibility.principalId)).not.toContain(JET);
    expect(model.coverage[AZURE_PIM_SOURCE]?.status).toBe("partial");
  });

  it("licenses.entraIdP2 alone is the documented way; P2 by default", () => {
    const off = validateTenantFile(fileWith({ licenses: { entraIdP2: false } }));
    expect(off.tenant?.licenses.entraIdP2).toBe(false);
    expect(off.warnings.filter((warning) => warning.path.startsWith("$.entra.license"))).toEqual([]);
    const implicit = validateTenantFile(fileWith({}));
    expect(implicit.tenant?.licenses.entraIdP2).toBe(true);
  });

  it("the two spellings disagreeing is an error at $.entra.license", () => {
    const validation = validateTenantFile(fileWith({ licenses: { entraIdP2: true }, entraLicense: "Free" }));
    expect(validation.errors).toEqual([
      expect.objectContaining({ path: "$.entra.license", message: expect.stringMatching(/keep one/) }),
    ]);
  });
});
