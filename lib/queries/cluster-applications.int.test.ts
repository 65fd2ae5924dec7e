import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/prisma";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { getCluster } from "@/lib/queries/get-cluster";
import { resolveScanScope, type ScanScope } from "@/lib/queries/scan-scope";
import { runScan } from "@/lib/scan/run-scan";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";

// The cluster page's workloads plane shows workload identity federated to applications as it shows
// managed identities: issuer → credential → application (its service principal) → service account → pods,
// with what the service principal holds. The small tenant: ci-deployer's application trusts
// default/default on aks-1 (which exists: every namespace has it), and a flexible credential; ci-deployer
// holds Contributor on management group contoso-platform.

const AKS1_ISSUER =
  "https://westeurope.oic.prod-aks.azure.com/0000aaaa-0000-4000-8000-000000000001/0000aaaa-1111-4000-8000-000000000001/";

let db: TestDatabase;
let pool: pg.Pool;
let scope: ScanScope;
let model: TenantModel;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const tenant = withEntraSection(await readTenantFile(smallTenantPath), "P2");
  if (!tenant.entra) throw new Error("no entra section");
  tenant.entra.applications[0].federatedIdentityCredentials = [
    {
      name: "aks-1-default",
      issuer: AKS1_ISSUER,
      subject: "system:serviceaccount:default:default",
      audiences: ["api://AzureADTokenExchange"],
    },
    { name: "ci-any", issuer: AKS1_ISSUER, subject: null, audiences: ["api://AzureADTokenExchange"] },
    {
      name: "elsewhere",
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:contoso/platform:ref:refs/heads/main",
      audiences: ["api://AzureADTokenExchange"],
    },
  ];
  model = modelFromTenantFile(tenant);
  const outcome = await runScan({
    pool,
    tenant: { id: model.tenantId, displayName: "small", source: "import" },
    trigger: "cli",
    collect: async (onProgress) => {
      onProgress({ done: 1, total: 1 });
      return { model: modelFromTenantFile(tenant), errors: [], apiCalls: {}, counts: {} };
    },
  });
  const resolved = await resolveScanScope(outcome.scanId.toString());
  if (!resolved) throw new Error("scan not stored");
  scope = resolved;
});

afterAll(async () => {
  await prisma().$disconnect();
  await pool.end();
  await db.drop();
});

describe("the workloads plane", () => {
  it("shows the application chains trusting the cluster's issuer, with what the service principal holds", async () => {
    const aks1 = model.clusters.find((cluster) => cluster.name === "aks-1");
    if (!aks1) throw new Error("no aks-1");
    const detail = await getCluster(scope, aks1.id);
    const chains = detail.workloads.applicationChains;
    expect(chains.map((chain) => chain.credential.name)).toEqual(["ci-any", "aks-1-default"]);
    const [flexible, exact] = chains;
    expect(exact).toMatchObject({
      application: {
        objectId: ids.ciDeployerApplication,
        appId: ids.ciDeployerAppId,
        displayName: "ci-deployer",
      },
      servicePrincipal: { id: ids.ciDeployer, displayName: "ci-deployer" },
      serviceAccount: { namespace: "default", name: "default" },
      serviceAccountFound: true,
      // an exploitable chain, but not the one the workload meant: its account names no application
      problem: "the service account has no azure.workload.identity/client-id annotation",
    });
    expect(
      exact.assignments.map((assignment) => `${assignment.role.name} on ${assignment.scopeLabel}`),
    ).toEqual([expect.stringMatching(/^Contributor on management group /)]);
    expect(flexible).toMatchObject({ serviceAccount: null, problem: null });
  });
});
