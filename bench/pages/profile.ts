// Where a page's time goes: the use cases the cluster and principal pages call, timed in-process
// against the same database the server reads (DATABASE_URL: the embedded PostgreSQL of the data folder,
// its port in <data folder>/atlas.lock.json, password in <data folder>/pg-password, user and database
// `atlas`), each `--rounds` times in a row. What is left of a page's latency after these is rendering.
//
//   DATABASE_URL=postgresql://atlas:<password>@127.0.0.1:<port>/atlas \
//     tsx bench/pages/profile.ts --cluster <cluster id> --principal <principal id> [--rounds 3]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { prisma, resolvedDatabaseUrl } from "@/lib/db/prisma";
import { getCluster } from "@/lib/queries/get-cluster";
import {
  escalationsOfPrincipals,
  getClusterAccessSummary,
  grantsOfPrincipals,
} from "@/lib/queries/get-cluster-access-summary";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import { getPrincipal } from "@/lib/queries/get-principal";
import { requireScanScope } from "@/lib/queries/scan-scope";

const { values } = parseArgs({
  options: {
    cluster: { type: "string", multiple: true, default: [] },
    principal: { type: "string", multiple: true, default: [] },
    rounds: { type: "string", default: "3" },
    /** write every statement of the last round, with its parameters inlined, here (for EXPLAIN ANALYZE) */
    sql: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const statements: string[] = [];
if (values.sql) {
  // the client prisma() would create, with query events: the app's own statements, to explain by hand
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: resolvedDatabaseUrl(), max: 10 }),
    log: [{ emit: "event", level: "query" }],
  });
  client.$on("query", (event) => {
    const params = JSON.parse(event.params) as unknown[];
    const inlined = event.query.replace(/\$(\d+)/g, (_, n: string) => {
      const value = params[Number(n) - 1];
      const text = Array.isArray(value)
        ? `{${value.map((item) => `"${String(item)}"`).join(",")}}`
        : String(value);
      return `'${text.replaceAll("'", "''")}'`;
    });
    statements.push(`-- ${event.duration} ms\n${inlined};`);
  });
  (globalThis as unknown as { atlasPrisma?: PrismaClient }).atlasPrisma = client;
}
const scope = await requireScanScope();

async function timed<T>(label: string, run: () => Promise<T>, size: (value: T) => string): Promise<T> {
  let value: T | undefined;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    value = await run();
    times.push(Math.round(performance.now() - started));
  }
  console.log(`  ${label.padEnd(44)} ${times.join(" / ").padStart(20)} ms   ${size(value as T)}`);
  return value as T;
}

// the page's constants (app/clusters/[id]/page.tsx, app/principals/[id]/page.tsx)
const GRAPH_PRINCIPALS = 40;
const CLUSTERS_PER_PAGE = 10;

for (const clusterId of values.cluster ?? []) {
  console.log(`cluster ${clusterId} (scan ${scope.scanId})`);
  await timed(
    "getCluster",
    () => getCluster(scope, clusterId),
    () => "",
  );
  const summary = await timed(
    "getClusterAccessSummary",
    () => getClusterAccessSummary(scope, clusterId),
    (value) => `${value.principals.length} principals`,
  );
  const strongest = summary.principals.slice(0, GRAPH_PRINCIPALS).map((entry) => entry.principal.id);
  await timed(
    `grantsOfPrincipals (${strongest.length})`,
    () => grantsOfPrincipals(scope, clusterId, strongest),
    (value) => `${value.length} grants`,
  );
  await timed(
    `escalationsOfPrincipals (${strongest.length})`,
    () => escalationsOfPrincipals(scope, clusterId, strongest),
    (value) => `${value.length} escalations`,
  );
  await timed(
    "getClusterFindings",
    () => getClusterFindings(scope, clusterId),
    (value) => `${value.findings.length} findings`,
  );
}

for (const principalId of values.principal ?? []) {
  console.log(`principal ${principalId} (scan ${scope.scanId})`);
  await timed(
    `getPrincipal (page 1 of ${CLUSTERS_PER_PAGE})`,
    () => getPrincipal(scope, principalId, { page: 1, perPage: CLUSTERS_PER_PAGE }),
    (value) => `${value.summary.length} clusters`,
  );
  await timed(
    "getClusterDifferences",
    () => getClusterDifferences(scope, principalId),
    (value) => `${value.length} differences`,
  );
}
if (values.sql) writeFileSync(values.sql, `${statements.join("\n\n")}\n`);
await prisma().$disconnect();
