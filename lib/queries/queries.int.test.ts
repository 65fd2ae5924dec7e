import { readFile } from "node:fs/promises";
import { NextRequest } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { evaluateTenantAccess } from "@/lib/access/evaluate-tenant";
import { accessGrantKey } from "@/lib/access/records";
import type { ClusterAccess } from "@/lib/access/types";
import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";
import { demoTenantPath } from "@/lib/emulator/demo/index";
import { mutateTenantDocument } from "@/lib/emulator/generate/mutate-tenant";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { findingSubject } from "@/lib/findings/records";
import type { Finding } from "@/lib/findings/types";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";
import { accessLevelSql, accessPrincipalSql, accessRouteSql } from "@/lib/queries/access-keys";
import { clusterSlug } from "@/lib/queries/cluster-slug";
import { findingFiltersSchema } from "@/lib/queries/finding-filters";
import { getCluster } from "@/lib/queries/get-cluster";
import { getClusterAccess } from "@/lib/queries/get-cluster-access";
import { getClusterAccessSummary, grantsOfPrincipals } from "@/lib/queries/get-cluster-access-summary";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getClusterFindings } from "@/lib/queries/get-cluster-findings";
import { getOverview } from "@/lib/queries/get-overview";
import { getPostureTrend } from "@/lib/queries/get-posture-trend";
import { getPrincipal } from "@/lib/queries/get-principal";
import { listClusters } from "@/lib/queries/list-clusters";
import { listFindings } from "@/lib/queries/list-findings";
import { listIdentities } from "@/lib/queries/list-identities";
import { listPrincipals } from "@/lib/queries/list-principals";
import { NotFoundError } from "@/lib/queries/query-errors";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { search } from "@/lib/queries/search";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// The read layer against a real PostgreSQL holding two scans of the demo tenant (a drifted copy,
// then the tenant as it is), stored by the scanner's own runScan. Expected answers come from the
// pure engines run on the same models, never from numbers written here.

type Scanned = { scope: ScanScope; model: TenantModel; access: ClusterAccess[]; findings: Finding[] };

let db: TestDatabase;
let pool: pg.Pool;
let older: Scanned;
let latest: Scanned;

async function scanDocument(document: unknown): Promise<Scanned> {
  const tenant = parseTenantFile(document, "demo");
  const model = modelFromTenantFile(tenant);
  const outcome = await runScan({
    pool,
    tenant: { id: model.tenantId, displayName: tenant.displayName ?? "demo", source: "import" },
    trigger: "cli",
    collect: async (onProgress) => {
      onProgress({ done: 1, total: 1 });
      return { model: modelFromTenantFile(tenant), errors: [], apiCalls: {}, counts: {} };
    },
  });
  const scope = await resolveScanScope(outcome.scanId.toString());
  if (!scope) throw new Error("scan not stored");
  const index = buildAccessIndex(model);
  const access = evaluateTenantAccess(model, index);
  return { scope, model, access, findings: evaluateFindings(model, access, { index }) };
}

const clusterNamed = (scanned: Scanned, name: string) => {
  const cluster = scanned.model.clusters.find((candidate) => candidate.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster;
};
const PENNY = "00000000-0000-0000-0000-0000000000f4";

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const text = await readFile(demoTenantPath, "utf8");
  const drifted = JSON.parse(text) as Record<string, unknown>;
  mutateTenantDocument(drifted, { seed: 7, share: 0.3 });
  older = await scanDocument(drifted);
  latest = await scanDocument(JSON.parse(text));
});

afterAll(async () => {
  await prisma().$disconnect();
  await pool.end();
  await db.drop();
});

describe("cluster access (GET /api/clusters/:id/access)", () => {
  it("has exactly the contract's shape", async () => {
    const aks2 = clusterNamed(latest, "aks-2");
    const body = await getClusterAccess(latest.scope, aks2.id);
    expect(Object.keys(body).sort()).toEqual(["cluster", "principals", "scanId"]);
    expect(body.cluster).toEqual({ id: aks2.id, name: "aks-2" });
    for (const entry of body.principals) {
      expect(Object.keys(entry).sort()).toEqual(["escalations", "grants", "principal"]);
      expect(Object.keys(entry.principal).sort()).toEqual(["displayName", "id", "kind"]);
      for (const grant of entry.grants) {
        expect(Object.keys(grant).sort()).toEqual(["conditional", "level", "namespace", "path", "route"]);
        for (const step of grant.path) expect(Object.keys(step).sort()).toEqual(["id", "kind", "label"]);
      }
      // one-step escalations keep their shape; attack paths add hops, conditional and namespace
      for (const escalation of entry.escalations)
        expect(Object.keys(escalation).sort()).toEqual(
          escalation.route === "attack-path"
            ? ["conditional", "hops", "namespace", "path", "route", "to"]
            : ["path", "route", "to"],
        );
    }
  });

  it("answers what the engine answers, path for path, as of each scan", async () => {
    for (const scanned of [older, latest]) {
      for (const expected of scanned.access) {
        const body = await getClusterAccess(scanned.scope, expected.cluster.id);
        const flatten = (
          principals: {
            principal: { id: string };
            grants: { level: string; route: string; namespace: string | null; path: { id: string }[] }[];
          }[],
        ) =>
          principals
            .flatMap((entry) =>
              entry.grants.map(
                (grant) =>
                  `${entry.principal.id}|${grant.level}|${grant.namespace}|${grant.route}|${grant.path.map((step) => step.id).join(">")}`,
              ),
            )
            .sort();
        expect(flatten(body.principals)).toEqual(flatten(expected.principals));
      }
    }
  });

  it("shows Penny's route to cluster-admin on aks-2: Contributor on the resource group, the admin credential", async () => {
    const body = await getClusterAccess(latest.scope, clusterNamed(latest, "aks-2").id);
    const penny = body.principals.find((entry) => entry.principal.id === PENNY);
    const grant = penny?.grants.find((candidate) => candidate.level === "cluster-admin");
    expect(grant?.route).toBe("local-admin-credential");
    const labels = grant?.path.map((step) => step.label).join(" → ") ?? "";
    expect(labels).toContain("Contributor on resource group rsg-aksidentitystate2");
    expect(labels).toContain("listClusterAdminCredential");
    // strongest first: every cluster-admin principal comes before anyone weaker
    const ranks = body.principals.map((entry) =>
      entry.grants.some((g) => g.level === "cluster-admin") ? 1 : 0,
    );
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
  });

  it("summarises from keys exactly what the documents say, and narrows to one principal", async () => {
    for (const cluster of latest.model.clusters) {
      const full = await getClusterAccess(latest.scope, cluster.id);
      const summary = await getClusterAccessSummary(latest.scope, cluster.id);
      const fromFull = full.principals.map((entry) => ({
        principal: entry.principal,
        grants: [...new Set(entry.grants.map((g) => `${g.level}|${g.namespace}|${g.route}`))],
        escalations: new Set(entry.escalations.map((e) => `${e.to}|${e.route}`)).size,
      }));
      const fromKeys = summary.principals.map((entry) => ({
        principal: entry.principal,
        grants: entry.grants.map((g) => `${g.level}|${g.namespace}|${g.route}`),
        escalations: entry.escalations,
      }));
      expect(fromKeys, cluster.name).toEqual(fromFull);
      const penny = await getClusterAccess(latest.scope, cluster.id, { principalId: PENNY });
      expect(penny.principals).toEqual(full.principals.filter((entry) => entry.principal.id === PENNY));
    }
    const aks2 = clusterNamed(latest, "aks-2").id;
    const graph = await grantsOfPrincipals(latest.scope, aks2, [
      PENNY,
      "00000000-0000-0000-0000-0000000000f5",
    ]);
    expect(new Set(graph.map((grant) => grant.principal.displayName))).toEqual(
      new Set(["Penny", "Spike Spiegel"]),
    );
  });

  // The cluster page's summary and the principal page are kept per scan in the process (scan-memo.ts): read
  // again, the same answer; read as of the other scan, that scan's own (the drifted copy differs).
  it("keeps each scan's cluster details, summaries and findings apart, and reads a cluster's once per scan", async () => {
    let differing = 0;
    for (const cluster of latest.model.clusters) {
      const ids: string[][] = [];
      for (const scanned of [older, latest]) {
        if (!scanned.model.clusters.some((candidate) => candidate.id === cluster.id)) continue;
        const summary = await getClusterAccessSummary(scanned.scope, cluster.id);
        const stored = await getClusterAccess(scanned.scope, cluster.id);
        ids.push(summary.principals.map((entry) => entry.principal.id).sort());
        expect(ids.at(-1), cluster.name).toEqual(stored.principals.map((entry) => entry.principal.id).sort());
        expect(await getClusterAccessSummary(scanned.scope, cluster.id)).toBe(summary);
        const findings = await getClusterFindings(scanned.scope, cluster.id);
        expect(findings.scanId).toBe(scanned.scope.scanId.toString());
        const described = (list: readonly Finding[]) =>
          list.map((finding) => `${finding.ruleId}|${finding.status}|${finding.evidence.summary}`).sort();
        expect(described(findings.findings), cluster.name).toEqual(
          described(scanned.findings.filter((finding) => finding.cluster.id === cluster.id)),
        );
        expect(await getClusterFindings(scanned.scope, cluster.id)).toBe(findings);
        const detail = await getCluster(scanned.scope, cluster.id);
        expect(detail.scanId).toBe(scanned.scope.scanId.toString());
        expect(detail.cluster.id).toBe(cluster.id);
        expect(await getCluster(scanned.scope, cluster.id)).toBe(detail);
      }
      if (ids.length === 2 && JSON.stringify(ids[0]) !== JSON.stringify(ids[1])) differing += 1;
    }
    expect(differing).toBeGreaterThan(0);
    const pages = [older, latest].map((scanned) =>
      getPrincipal(scanned.scope, PENNY, { page: 1, perPage: 2 }),
    );
    const [olderPenny, latestPenny] = await Promise.all(pages);
    expect(await getPrincipal(latest.scope, PENNY, { page: 1, perPage: 2 })).toBe(latestPenny);
    expect(olderPenny.scanId).toBe(older.scope.scanId.toString());
    expect(latestPenny.scanId).toBe(latest.scope.scanId.toString());
    // her "why clusters differ" notes: read once per scan, by id whatever its case
    const notes = await getClusterDifferences(latest.scope, PENNY);
    expect(await getClusterDifferences(latest.scope, PENNY.toUpperCase())).toBe(notes);
  });

  it("is a NotFoundError for a cluster the scan does not have", async () => {
    await expect(
      getClusterAccess(
        latest.scope,
        "/subscriptions/x/resourcegroups/y/providers/microsoft.containerservice/managedclusters/z",
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("findings", () => {
  it("per cluster: the engine's findings with the contract's keys", async () => {
    for (const cluster of latest.model.clusters) {
      const body = await getClusterFindings(latest.scope, cluster.id);
      const expected = latest.findings.filter((finding) => finding.cluster.id === cluster.id);
      expect(body.findings).toHaveLength(expected.length);
      expect(body.findings.map((f) => `${f.ruleId}|${f.status}|${f.evidence.summary}`).sort()).toEqual(
        expected.map((f) => `${f.ruleId}|${f.status}|${f.evidence.summary}`).sort(),
      );
      for (const finding of body.findings) {
        expect(
          Object.keys(finding)
            .filter((key) => key !== "evidence")
            .sort(),
        ).toEqual(["cluster", "controls", "remediation", "ruleId", "severity", "status", "title"].sort());
      }
    }
  });

  it("filters by framework, severity, rule and cluster in SQL", async () => {
    const aks1 = clusterNamed(latest, "aks-1");
    const cases = [
      { framework: "cis-aks" },
      { severity: "critical" },
      { severity: ["high", "medium"], status: "all" },
      { rule: "local-accounts-enabled" },
      { cluster: clusterSlug(aks1.id), status: "all" },
    ];
    for (const input of cases) {
      const filters = findingFiltersSchema.parse(input);
      const body = await listFindings(latest.scope, { ...filters, page: 1 });
      const expected = latest.findings.filter(
        (finding) =>
          (filters.status === "all" || finding.status === filters.status) &&
          (filters.severity.length === 0 || filters.severity.includes(finding.severity)) &&
          (!filters.rule || finding.ruleId === filters.rule) &&
          (!filters.framework ||
            finding.controls.some((control) => control.framework === filters.framework)) &&
          (!filters.cluster || finding.cluster.id === aks1.id),
      );
      expect(body.total, JSON.stringify(input)).toBe(expected.length);
      expect(body.findings.length).toBe(Math.min(expected.length, body.pageSize));
    }
  });
});

describe("clusters and the overview", () => {
  it("counts admins and failing findings per cluster as the engines do", async () => {
    const rows = await listClusters(latest.scope);
    expect(rows).toHaveLength(latest.model.clusters.length);
    for (const row of rows) {
      const access = latest.access.find((entry) => entry.cluster.id === row.id);
      const admins = new Set(
        access?.principals
          .filter(
            (entry) =>
              entry.principal.kind !== "Group" &&
              entry.grants.some((grant) => grant.level === "cluster-admin"),
          )
          .map((entry) => entry.principal.id),
      );
      expect(row.clusterAdmins, row.name).toBe(admins.size);
      const failing = latest.findings.filter(
        (finding) => finding.cluster.id === row.id && finding.status === "fail",
      );
      expect(row.failingFindings, row.name).toBe(failing.length);
      const cluster = latest.model.clusters.find((candidate) => candidate.id === row.id);
      expect(row.localAccountsDisabled).toBe(cluster?.localAccountsDisabled);
    }
  });

  it("summarises the tenant and links every attention item", async () => {
    const overview = await getOverview(latest.scope);
    expect(overview.clusters.total).toBe(latest.model.clusters.length);
    expect(overview.clusters.localAccountsEnabled).toBe(
      latest.model.clusters.filter((c) => !c.localAccountsDisabled).length,
    );
    for (const severity of ["critical", "high", "medium", "low"] as const) {
      expect(overview.failingBySeverity[severity]).toBe(
        latest.findings.filter((finding) => finding.status === "fail" && finding.severity === severity)
          .length,
      );
    }
    expect(overview.attention.length).toBeGreaterThan(0);
    for (const item of overview.attention) expect(item.href).toMatch(/^\/(findings|clusters|scans)/);
    expect(overview.attention.map((item) => item.id)).toContain("local-accounts-enabled");
  });

  it("trends over both scans, oldest first, with the older scan's own counts", async () => {
    const trend = await getPostureTrend(latest.scope);
    expect(trend.map((point) => point.scanId)).toEqual([
      older.scope.scanId.toString(),
      latest.scope.scanId.toString(),
    ]);
    const critical = older.findings.filter((f) => f.status === "fail" && f.severity === "critical").length;
    expect(trend[0].failing.critical).toBe(critical);
  });
});

describe("cluster planes", () => {
  it("finds the workload identity chains and their broken links", async () => {
    const aks1 = await getCluster(latest.scope, clusterNamed(latest, "aks-1").id);
    const chain = aks1.workloads.chains.find((candidate) => candidate.credential.name === "aks-1-orders-api");
    expect(chain?.identity?.name).toBe("id-orders-api");
    expect(chain?.problem).toBeNull();
    expect(chain?.pods.length).toBeGreaterThan(0);
    // the stale credential trusts another issuer: not part of aks-1's chains
    expect(aks1.workloads.chains.map((candidate) => candidate.credential.name)).not.toContain(
      "aks-old-orders-api",
    );
    expect(aks1.workloads.annotatedWithoutCredential.map((account) => account.name)).toContain(
      "orders-worker",
    );

    const payments = await getCluster(latest.scope, clusterNamed(latest, "aks-payments").id);
    const batch = payments.workloads.chains.find(
      (candidate) => candidate.credential.name === "aks-payments-batch",
    );
    expect(batch?.problem).toMatch(/does not exist/);
  });

  it("lists admin groups with members, and role assignments from inherited scopes", async () => {
    const aks2 = await getCluster(latest.scope, clusterNamed(latest, "aks-2").id);
    const admins = aks2.controlPlane.adminGroups[0];
    expect(admins.displayName).toBe("aks-admins");
    expect(admins.members.map((member) => member.displayName)).toEqual(
      expect.arrayContaining(["Spike Spiegel", "Sheldon Cooper"]),
    );
    const penny = aks2.controlPlane.roleAssignments.find(
      (assignment) => assignment.principal.id === PENNY && assignment.role.name === "Contributor",
    );
    expect(penny?.scopeLevel).toBe("resourceGroup");
    expect(aks2.workloads.podIdentity.identities.length).toBeGreaterThan(0);
    expect(aks2.workerPlane.kubelet.assignments.length).toBeGreaterThan(0);
  });
});

describe("principals, identities, search", () => {
  it("answers what can Penny do", async () => {
    const penny = await getPrincipal(latest.scope, PENNY.toUpperCase());
    expect(penny.principal.displayName).toBe("Penny");
    const levels = Object.fromEntries(
      penny.clusters.map((entry) => [entry.cluster.name, entry.strongestLevel]),
    );
    expect(levels).toMatchObject({
      "aks-1": "cluster-admin",
      "aks-2": "cluster-admin",
      "aks-3": "credentials-only",
    });
    const aks3 = penny.clusters.find((entry) => entry.cluster.name === "aks-3");
    expect(aks3?.escalations.map((escalation) => escalation.to)).toContain("cluster-write");
    expect(penny.roleAssignments.filter((assignment) => assignment.role === "Contributor")).toHaveLength(3);
    await expect(getPrincipal(latest.scope, "00000000-0000-0000-0000-00000000dead")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // the page reads paths for one page of clusters, and summarises them all from keys
    const second = await getPrincipal(latest.scope, PENNY, { page: 2, perPage: 1 });
    expect(second.summary.map((entry) => entry.cluster.name)).toEqual(
      penny.clusters.map((entry) => entry.cluster.name),
    );
    expect(second.clusters).toEqual([penny.clusters[1]]);
    expect(second.summary[0].routes).toEqual(["local-admin-credential"]);
  });

  it("lists principals by strongest access and filters by level", async () => {
    const admins = await listPrincipals(latest.scope, { level: "cluster-admin", page: 1 });
    const expected = new Set(
      latest.access.flatMap((entry) =>
        entry.principals
          .filter((p) => p.grants.some((g) => g.level === "cluster-admin"))
          .map((p) => p.principal.id),
      ),
    );
    expect(admins.total).toBe(expected.size);
    const found = await listPrincipals(latest.scope, { q: "penn", page: 1 });
    expect(found.principals.map((principal) => principal.id)).toEqual([PENNY]);
  });

  it("lists identities with where each is used", async () => {
    const kubelet = await listIdentities(latest.scope, { q: "aks-1-agentpool", page: 1 });
    expect(kubelet.identities[0]?.uses.map((use) => use.use)).toEqual(["kubelet"]);
    const workloads = await listIdentities(latest.scope, { use: "workload", page: 1 });
    expect(workloads.identities.map((identity) => identity.name)).toEqual(
      expect.arrayContaining(["id-orders-api", "id-payments-api"]),
    );
  });

  it("searches clusters, principals and identities", async () => {
    const hits = (await search(latest.scope, "aks-2")).hits;
    expect(hits.some((hit) => hit.type === "cluster" && hit.label === "aks-2")).toBe(true);
    expect((await search(latest.scope, "penny@")).hits.map((hit) => hit.id)).toContain(PENNY);
  });

  it("never puts parameters into the SQL text", async () => {
    const evil = "x' OR '1'='1'; DROP TABLE snapshot_records; --";
    const spy = vi.spyOn(prisma(), "$queryRaw");
    try {
      await search(latest.scope, evil);
      await listPrincipals(latest.scope, { q: evil, page: 1 });
      await listIdentities(latest.scope, { q: evil, page: 1 });
      await listFindings(latest.scope, { ...findingFiltersSchema.parse({ cluster: evil }), page: 1 });
      await expect(getPrincipal(latest.scope, evil)).rejects.toBeInstanceOf(NotFoundError);
      expect(spy.mock.calls.length).toBeGreaterThan(2);
      for (const [query] of spy.mock.calls) {
        const sql = query as unknown as Prisma.Sql;
        expect(sql.sql).not.toContain("DROP TABLE");
        expect(sql.sql).not.toContain(latest.scope.tenantId);
      }
      expect(
        spy.mock.calls.some(([query]) =>
          (query as unknown as Prisma.Sql).values.some((value) => String(value).includes("DROP TABLE")),
        ),
      ).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect((await listClusters(latest.scope)).length).toBe(latest.model.clusters.length);
  });
});

describe("access keys", () => {
  it("cut principal, level and route out of any key, even a principal id holding '|'", async () => {
    const cluster = clusterNamed(latest, "aks-1").id;
    const cases = [
      { principal: PENNY, level: "cluster-admin", namespace: null, route: "local-admin-credential" },
      { principal: "k8s-user:odd|name|here", level: "read", namespace: "web", route: "kubernetes-rbac" },
      {
        principal: "system:serviceaccount:sandbox:ci-runner",
        level: "cluster-write",
        namespace: null,
        route: "azure-control-plane",
      },
    ];
    for (const item of cases) {
      const key = accessGrantKey(cluster, item.principal, item.level, item.namespace, item.route);
      const [row] = await prisma().$queryRaw<
        { principal: string; level: string; route: string }[]
      >(Prisma.sql`
        SELECT ${accessPrincipalSql("t")} AS principal, ${accessLevelSql("t")} AS level, ${accessRouteSql("t")} AS route
        FROM (VALUES (${key}, ${cluster})) AS t(natural_key, cluster_id)`);
      expect(row).toEqual({ principal: item.principal, level: item.level, route: item.route });
    }
  });
});

describe("read API routes", () => {
  const slug = () => clusterSlug(clusterNamed(latest, "aks-2").id);
  const call = async <P>(
    handler: (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>,
    url: string,
    params: P,
  ) => {
    const response = await handler(new NextRequest(new URL(url, "http://atlas.test")), {
      params: Promise.resolve(params),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("answers 200 with the shared types, 400 for bad input, 404 for unknown ids, never 500", async () => {
    const access = (await import("@/app/api/clusters/[id]/access/route")).GET;
    const findings = (await import("@/app/api/clusters/[id]/findings/route")).GET;
    const clusters = (await import("@/app/api/clusters/route")).GET;
    const principal = (await import("@/app/api/principals/[id]/route")).GET;
    const searchRoute = (await import("@/app/api/search/route")).GET;

    const ok = await call(access, `/api/clusters/${slug()}/access`, { id: slug() });
    expect(ok.status).toBe(200);
    expect(ok.body.scanId).toBe(latest.scope.scanId.toString());
    const onlyPenny = await call(access, `/api/clusters/${slug()}/access?principal=${PENNY}`, { id: slug() });
    expect(
      (onlyPenny.body.principals as { principal: { id: string } }[]).map((entry) => entry.principal.id),
    ).toEqual([PENNY]);
    const asOfOlder = await call(access, `/api/clusters/${slug()}/access?scan=${older.scope.scanId}`, {
      id: slug(),
    });
    expect(asOfOlder.body.scanId).toBe(older.scope.scanId.toString());

    const id = slug();
    const cases: [string, () => ReturnType<typeof call>, number, string][] = [
      [
        "malformed slug",
        () => call(access, "/api/clusters/nope/access", { id: "nope" }),
        400,
        "invalid_input",
      ],
      [
        "unknown cluster",
        () => call(access, "/api/clusters/a~b~c/access", { id: "a~b~c" }),
        404,
        "cluster_not_found",
      ],
      [
        "malformed scan",
        () => call(access, `/api/clusters/${id}/access?scan=abc`, { id }),
        400,
        "invalid_input",
      ],
      [
        "unknown scan",
        () => call(access, `/api/clusters/${id}/access?scan=999999`, { id }),
        404,
        "scan_not_found",
      ],
      [
        "unknown key",
        () => call(findings, `/api/clusters/${id}/findings?bogus=1`, { id }),
        400,
        "invalid_query",
      ],
      ["bad sort", () => call(clusters, "/api/clusters?sort=sideways", {}), 400, "invalid_query"],
      [
        "unknown principal",
        () => call(principal, "/api/principals/nobody", { id: "nobody" }),
        404,
        "principal_not_found",
      ],
      ["empty search", () => call(searchRoute, "/api/search", {}), 400, "invalid_query"],
      [
        "NUL in an id",
        () => call(principal, "/api/principals/a%00b", { id: "a\u0000b" }),
        400,
        "invalid_input",
      ],
      ["NUL in a query", () => call(searchRoute, "/api/search?q=a%00b", {}), 400, "invalid_input"],
    ];
    for (const [name, request, status, code] of cases) {
      const answer = await request();
      expect(answer.status, name).toBe(status);
      expect(answer.body, name).toEqual({ error: { code, message: expect.any(String) } });
    }
    const findingsOk = await call(findings, `/api/clusters/${slug()}/findings`, { id: slug() });
    expect(Object.keys(findingsOk.body).sort()).toEqual(["findings", "scanId"]);
    // one rule's findings, and the one finding of a rule about a subject: what a card on the cluster page loads
    const every = findingsOk.body.findings as Finding[];
    const escalations = every.filter((finding) => finding.ruleId === "escalation-to-cluster-admin");
    expect(escalations.length).toBeGreaterThan(1);
    const byRule = await call(findings, `/api/clusters/${id}/findings?rule=escalation-to-cluster-admin`, {
      id,
    });
    expect(byRule.body.findings).toEqual(escalations);
    for (const finding of [escalations[1], every.find((each) => findingSubject(each) === "cluster")]) {
      if (!finding) throw new Error("aks-2 has a cluster-level finding");
      const query = new URLSearchParams({ rule: finding.ruleId, subject: findingSubject(finding) });
      const one = await call(findings, `/api/clusters/${id}/findings?${query}`, { id });
      expect(one.body.findings).toEqual([finding]);
    }
    const none = await call(findings, `/api/clusters/${id}/findings?rule=no-such-rule`, { id });
    expect(none.body.findings).toEqual([]);
    const tooLong = await call(findings, `/api/clusters/${id}/findings?rule=${"r".repeat(201)}`, { id });
    expect(tooLong.status).toBe(400);
  });
});
