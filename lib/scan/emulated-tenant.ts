import path from "node:path";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { collectTenant } from "@/lib/scan/collect/collect-tenant";
import type { TenantSource } from "./tenant-sources";

/**
 * A tenant served by the HTTPS emulator and scanned through the real SDK path — the demo at `npm start`,
 * `aks-atlas scan --emulate`, tests and benchmarks. The emulator is the source; nothing else differs
 * from scanning Azure.
 */
export async function emulatedTenantSource(input: {
  tenant: TenantFile;
  tenantFile: string | null;
  dataDir: string;
  displayName?: string;
}): Promise<{ source: TenantSource; emulator: EmulatorHandle }> {
  const emulator = await startEmulator({
    tenant: input.tenant,
    dataDir: path.join(input.dataDir, "emulator"),
  });
  let target: Awaited<ReturnType<typeof scanTargetForEmulator>>;
  try {
    target = await scanTargetForEmulator(emulator);
  } catch (error) {
    // The caller only gets the handle on success: close it here, or its server keeps the process alive.
    await emulator.close();
    throw error;
  }
  const source: TenantSource = {
    tenant: {
      id: input.tenant.tenantId.toLowerCase(),
      displayName: input.displayName ?? input.tenant.displayName ?? input.tenant.tenantId,
      source: "emulator",
      tenantFile: input.tenantFile,
    },
    collect: async (onProgress) => collectTenant(target, { onProgress }),
  };
  return { source, emulator };
}
