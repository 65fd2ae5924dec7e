import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";

/**
 * A generated tenant as a model: written to a temporary file by the tenant generator, then read and
 * normalised exactly as an offline import reads one. Returns the generator's figures and both times.
 */
export async function generatedModel(options: Parameters<typeof generateTenant>[0]) {
  const dir = await mkdtemp(path.join(tmpdir(), "aks-atlas-bench-"));
  try {
    const file = path.join(dir, "tenant.json");
    const out = createWriteStream(file);
    const generatedAt = performance.now();
    const stats = await generateTenant(options, out);
    out.end();
    await finished(out);
    const generateMs = performance.now() - generatedAt;
    const loadAt = performance.now();
    const model = modelFromTenantFile(parseTenantFile(JSON.parse(await readFile(file, "utf8")), file));
    return { model, stats, generateMs, loadMs: performance.now() - loadAt };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
