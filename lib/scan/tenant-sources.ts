import type { ScanTenantInfo } from "./run-scan";
import type { CollectFunction } from "./scan-types";

/**
 * Where each tenant's scans read from, registered at start by the server (demo emulator or Azure from the
 * environment) or by the CLI. Kept on globalThis because Next.js route handlers are bundled apart from the
 * server entry and do not share its module instances.
 */
export interface TenantSource {
  tenant: ScanTenantInfo;
  collect: CollectFunction;
}

const registry = globalThis as unknown as { atlasTenantSources?: Map<string, TenantSource> };

function sources(): Map<string, TenantSource> {
  registry.atlasTenantSources ??= new Map();
  return registry.atlasTenantSources;
}

export function registerTenantSource(source: TenantSource): void {
  sources().set(source.tenant.id, source);
}

export function unregisterTenantSource(tenantId: string): void {
  sources().delete(tenantId);
}

export function tenantSource(tenantId?: string): TenantSource | undefined {
  if (tenantId) return sources().get(tenantId.toLowerCase()) ?? sources().get(tenantId);
  return sources().values().next().value;
}

export function registeredTenantIds(): string[] {
  return [...sources().keys()];
}
