import type { TokenBuckets } from "@/lib/emulator/arm/token-bucket";
import type { AzureAuthorizer } from "@/lib/emulator/authorize";
import type { ClientRegistry } from "@/lib/emulator/clients";
import type { FaultEngine } from "@/lib/emulator/faults";
import type { KubernetesClusters } from "@/lib/emulator/kubernetes/clusters";
import type { ScannerIdentity } from "@/lib/emulator/scanner-identity";
import type { TenantIndex } from "@/lib/emulator/tenant-index";
import type { TokenService } from "@/lib/emulator/tokens";

/** Everything a request handler may consult; built once per emulator, shared by all requests. */
export type EmulatorContext = {
  /** https://host:port, the origin every absolute link (nextLink, issuer, kubeconfig server) uses. */
  origin: string;
  tenantId: string;
  index: TenantIndex;
  authorizer: AzureAuthorizer;
  tokens: TokenService;
  clients: ClientRegistry;
  faults: FaultEngine;
  pageSize: number;
  seed: number;
  caPem: string;
  kubernetes: KubernetesClusters;
  scanner: ScannerIdentity;
  /** Present when the realistic ARM token bucket is switched on. */
  armBuckets: TokenBuckets | undefined;
  /** Redirect URIs accepted by the sign-in flow besides loopback ones. */
  signInRedirectUris: string[];
  /** App roles of the sign-in app by user or group object id (lib/emulator/sign-in-app-roles.ts). */
  signInAppRoles: Map<string, string[]>;
};

export function isPrincipalDeleted(context: EmulatorContext, principalId: string): boolean {
  return context.faults.deletedPrincipals().has(principalId.toLowerCase());
}
