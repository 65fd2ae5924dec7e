/**
 * The built-in demo tenant ("Contoso"): the reference article's scenario plus more clusters, teams
 * and deliberate mistakes. README.md beside this file lists the cast and the expected answers.
 */
import { fileURLToPath } from "node:url";
import demoTenantData from "@/lib/emulator/demo/demo-tenant.json";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

/** Absolute path of demo-tenant.json, for tools that read tenant files from disk (emulator, CLI). */
export const demoTenantPath: string = fileURLToPath(new URL("./demo-tenant.json", import.meta.url));

/**
 * The demo tenant, validated. Loaded through a JSON import rather than the file system so it also
 * works inside bundled server code, where the source tree may not be on disk.
 */
export async function loadDemoTenant(): Promise<TenantFile> {
  return parseTenantFile(demoTenantData as unknown, "demo tenant");
}
