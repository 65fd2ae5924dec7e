import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeGraph, type GraphData } from "@/components/access/graph-data";
import { buildAccessIndex } from "@/lib/access/access-index";
import { AttackPathSearch, DEFAULT_MAX_HOPS, withAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { ACCESS_LEVEL_RANK, type ClusterAccess } from "@/lib/access/types";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// Run by e2e/graph.spec.ts as `tsx e2e/graph-fixture.ts <out.json>` (the browser tests' loader cannot
// import lib/, whose JSON imports need the bundler's or tsx's resolution).
//
// The access graph of the busiest cluster of a generated 500-cluster tenant (`aks-atlas tenant
// generate --clusters 500 --subscriptions 20 --role-assignments 5000 --principals 2000
// --identities 500`, seed 1): the engine's grants and attack paths, encoded as the cluster page
// encodes them, for every principal (the page sends the 40 strongest; this is harder).

export const GENERATED = {
  seed: 1,
  clusters: 500,
  subscriptions: 20,
  roleAssignments: 5000,
  principals: 2000,
  identities: 500,
} as const;

export async function busiestClusterGraph(): Promise<{
  clusterName: string;
  principals: number;
  data: GraphData;
}> {
  const folder = await mkdtemp(path.join(tmpdir(), "atlas-graph-"));
  try {
    const file = path.join(folder, "tenant.json");
    const out = createWriteStream(file);
    await generateTenant(GENERATED, out);
    await new Promise<void>((resolve) => out.end(resolve));
    const model = modelFromTenantFile(await readTenantFile(file));
    const index = buildAccessIndex(model);
    let busiest: ClusterAccess | undefined;
    for (const cluster of model.clusters) {
      const access = evaluateClusterAccess(model, cluster.id, index);
      if (!busiest || access.principals.length > busiest.principals.length) busiest = access;
    }
    if (!busiest) throw new Error("the generated tenant has no cluster");
    const search = new AttackPathSearch(index, DEFAULT_MAX_HOPS);
    const access = withAttackPaths(busiest, search.forCluster(busiest));
    const strongest = (grants: readonly { level: keyof typeof ACCESS_LEVEL_RANK }[]) =>
      Math.max(-1, ...grants.map((grant) => ACCESS_LEVEL_RANK[grant.level]));
    const principals = [...access.principals].sort((a, b) => strongest(b.grants) - strongest(a.grants));
    const data = encodeGraph(
      principals.map((entry) => {
        const held = strongest(entry.grants);
        return {
          grants: [
            ...entry.grants.map((grant) => ({ level: grant.level, path: grant.path })),
            // as on the page: attack paths to a level stronger than any held, drawn dashed
            ...entry.escalations
              .filter(
                (escalation) =>
                  escalation.route === "attack-path" &&
                  escalation.to in ACCESS_LEVEL_RANK &&
                  ACCESS_LEVEL_RANK[escalation.to as keyof typeof ACCESS_LEVEL_RANK] > held,
              )
              .map((escalation) => ({
                level: escalation.to as keyof typeof ACCESS_LEVEL_RANK,
                path: escalation.path,
                potential: true,
              })),
          ],
        };
      }),
    );
    return { clusterName: access.cluster.name, principals: principals.length, data };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[2]) {
  const result = await busiestClusterGraph();
  await writeFile(process.argv[2], JSON.stringify({ ...result, generated: GENERATED }));
}
