import { Writable } from "node:stream";
import { type GenerateTenantOptions, generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { parseTenantFile, type TenantFile } from "@/lib/model/wire/tenant-file";

/**
 * The small generated tenant the group-storage tests share: 6 clusters, with groups whose members reach the
 * same clusters through more than one of them.
 */
export const SMALL_GENERATED_TENANT: GenerateTenantOptions = {
  seed: 7,
  subscriptions: 2,
  clusters: 6,
  roleAssignments: 500,
  bindings: 300,
  principals: 160,
  identities: 20,
};

/** A generated tenant file, in memory: what `aks-atlas tenant generate` would write for `options`. */
export async function generatedTenantFile(options: GenerateTenantOptions): Promise<TenantFile> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await generateTenant(options, sink);
  return parseTenantFile(JSON.parse(Buffer.concat(chunks).toString("utf8")), "generated");
}
