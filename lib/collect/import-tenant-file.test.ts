import { describe, expect, it } from "vitest";
import { modelFromImportedTenantFile } from "@/lib/collect/import-tenant-file";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE } from "@/lib/model/directory";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";

// A file's coverage.unread keys match without regard to case (docs/tenant-file.md); the model must hold
// them as the scanner spells them, since that is the key the engine reads: with administrative units
// lower-cased, the engine still saw `directory:administrativeUnits` complete and took unit-scoped
// directory roles as fully known.
describe("an imported file's unread sources", () => {
  it("are stored under the scanner's own spelling, whatever the case in the file", async () => {
    const tenant = await loadDemoTenant();
    const file = parseTenantFile({
      ...tenant,
      coverage: {
        unread: {
          "Directory:AdministrativeUnits": { status: "not-read", reason: "403 on /administrativeUnits" },
          "DIRECTORY:PIM": { status: "partial", reason: "no Entra ID P2" },
        },
      },
    });
    const { model, errors } = modelFromImportedTenantFile(file);
    expect(model.coverage[ADMINISTRATIVE_UNITS_SOURCE]).toEqual({
      status: "not-read",
      reason: "403 on /administrativeUnits",
    });
    expect(model.coverage[PIM_SOURCE]).toEqual({ status: "partial", reason: "no Entra ID P2" });
    expect(Object.keys(model.coverage).filter((key) => key.toLowerCase().startsWith("directory:"))).toEqual(
      expect.arrayContaining([ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE]),
    );
    expect(Object.keys(model.coverage)).not.toContain("directory:administrativeunits");
    expect(errors.map((error) => error.source).sort()).toEqual(
      [ADMINISTRATIVE_UNITS_SOURCE, PIM_SOURCE].sort(),
    );
  });
});
