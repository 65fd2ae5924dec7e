import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { parseTenantFile } from "@/lib/emulator/tenant-file";
import { evaluateFindings, StreamingFindings } from "@/lib/findings/evaluate-findings";
import { findingKey } from "@/lib/findings/records";
import type { Finding } from "@/lib/findings/types";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";

// A scan evaluates access a batch of clusters at a time (lib/scan/analyse.ts); its findings must be exactly
// the ones evaluateFindings finds with every cluster's access in hand.

const byKey = (findings: Finding[]) =>
  new Map(findings.map((finding) => [findingKey(finding), JSON.stringify(finding)]));

function streamed(model: TenantModel, batchSize: number): Finding[] {
  const index = buildAccessIndex(model);
  const access = evaluateTenantAccess(model, index);
  const streaming = new StreamingFindings(model, index);
  const findings: Finding[] = [];
  for (let at = 0; at < access.length; at += batchSize) {
    findings.push(...streaming.add(access.slice(at, at + batchSize)));
  }
  return [...findings, ...streaming.finish()];
}

async function generatedModel(): Promise<TenantModel> {
  const dir = await mkdtemp(path.join(tmpdir(), "streaming-findings-"));
  try {
    const file = path.join(dir, "tenant.json");
    const out = createWriteStream(file);
    await generateTenant(
      { seed: 11, subscriptions: 3, clusters: 12, roleAssignments: 1200, bindings: 900, principals: 250 },
      out,
    );
    out.end();
    await finished(out);
    return modelFromTenantFile(parseTenantFile(JSON.parse(await readFile(file, "utf8")), file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("StreamingFindings", () => {
  it("finds on the demo tenant, one cluster at a time, what evaluateFindings finds", async () => {
    const model = modelFromTenantFile(await loadDemoTenant());
    const whole = evaluateFindings(model);
    const inBatches = streamed(model, 1);
    expect(inBatches).toHaveLength(whole.length);
    expect(byKey(inBatches)).toEqual(byKey(whole));
  });

  it("agrees on a generated tenant whose node identities hold roles, in batches of 5 clusters", async () => {
    const model = await generatedModel();
    const whole = evaluateFindings(model);
    // the case that needs paths from other batches: a node identity with access to clusters
    expect(
      whole.some((f) => f.ruleId.endsWith("identity-overprivileged") && (f.evidence.paths?.length ?? 0) > 0),
    ).toBe(true);
    const inBatches = streamed(model, 5);
    expect(byKey(inBatches)).toEqual(byKey(whole));
  });

  it("refuses a cross-cluster question from a rule that did not declare it", async () => {
    const model = modelFromTenantFile(await loadDemoTenant());
    const index = buildAccessIndex(model);
    const streaming = new StreamingFindings(model, index, [
      {
        id: "sneaky",
        title: "reads other clusters",
        severity: "low",
        controls: [],
        evaluate: (ctx) => {
          ctx.accessPathsOf("anyone");
          return [];
        },
      },
    ]);
    expect(() => streaming.add(evaluateTenantAccess(model, index).slice(0, 1))).toThrow(/crossCluster/);
  });
});
