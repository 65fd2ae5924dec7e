import { z } from "zod";

/** What bench/scan/serve-emulator.ts reports once serving: enough to scan it (scanTargetForEmulator). */
export const emulatorTargetSchema = z.object({
  tenantId: z.string(),
  armEndpoint: z.string(),
  graphEndpoint: z.string(),
  authorityHost: z.string(),
  caPem: z.string(),
  scannerCredential: z.object({ tenantId: z.string(), clientId: z.string(), clientSecret: z.string() }),
});
