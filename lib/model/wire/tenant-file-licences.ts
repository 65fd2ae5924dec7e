/**
 * One licence field: `licenses.entraIdP2` says whether the tenant has Microsoft Entra ID P2, which
 * every PIM API needs — ARM's (roleEligibilityScheduleInstances, roleAssignmentScheduleInstances,
 * roleManagementPolicies …) and Graph's (directory role eligibility, PIM for Groups). Without it they
 * answer 400 AadPremiumLicenseRequired. Older files said the same in the entra section as
 * `entra.license` ("P2", "P1", "Free"); those still load: a parsed file's `licenses.entraIdP2` is false
 * when either spelling says no, and that is the field everything reads. Format: docs/tenant-file.md,
 * "Licences".
 */
import type { TenantFile, TenantFileReport } from "@/lib/model/wire/tenant-file";

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Whether the tenant has Entra ID P2 by both spellings (also for tenant objects built in code
 * without parsing, which may set either).
 */
export function tenantHasEntraP2(tenant: Pick<TenantFile, "licenses" | "entra">): boolean {
  const licenses = field(tenant, "licenses");
  return field(licenses, "entraIdP2") !== false && (tenant.entra?.license ?? "P2") === "P2";
}

/** The parsed file with `licenses.entraIdP2` as both spellings say (the one field code reads). */
export function normalizeLicences(tenant: TenantFile): TenantFile {
  const entraIdP2 = tenantHasEntraP2(tenant);
  if (tenant.licenses.entraIdP2 === entraIdP2) return tenant;
  return { ...tenant, licenses: { ...tenant.licenses, entraIdP2 } };
}

/** `tenant validate`: the old spelling without P2 is a warning; the two spellings disagreeing is an error. */
export function checkLicenceSpellings(input: unknown, report: TenantFileReport): void {
  const old = field(field(input, "entra"), "license");
  if (old === undefined) return;
  const current = field(field(input, "licenses"), "entraIdP2");
  if (typeof current === "boolean" && current !== (old === "P2")) {
    report.errors.push({
      path: "$.entra.license",
      message: `says ${String(old)} but $.licenses.entraIdP2 is ${current}: keep one, licenses.entraIdP2`,
    });
    return;
  }
  // "P2" says what the default says; only a licence without P2 is worth a word.
  if (old === "P2") return;
  report.warnings.push({
    path: "$.entra.license",
    message: `the old spelling of the licence: write "licenses": { "entraIdP2": ${old === "P2"} } instead (still read)`,
  });
}
