import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iterateAttackPaths } from "@/lib/access/attack-paths";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import type { FaultRule } from "@/lib/emulator/faults";
import {
  applicationPrincipal,
  ENTRA_IDS as ids,
  withEntraSection,
} from "@/lib/emulator/test-fixtures/entra-section";
import {
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { APPLICATION_CREDENTIALS_SOURCE, DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { DIRECTORY_SOURCE } from "@/lib/model/sources";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// The scanner lists the federated identity credentials of the applications it reads (Graph v1.0
// GET /applications/{id}/federatedIdentityCredentials, learn.microsoft.com/graph/api/application-list-federatedidentitycredentials),
// paged (page size 2 here, three credentials: two pages), as their own coverage source. The emulator serves
// them only at that URL: GET /applications/{id} has no such property.

const ISSUER =
  "https://westeurope.oic.prod-aks.azure.com/0000aaaa-0000-4000-8000-000000000001/0000aaaa-1111-4000-8000-000000000001/";
/** a service principal that holds no Azure role: only a directory role names it (a later pass reads it) */
const ADMIN_SP = "0000bbbb-0000-4000-8000-000000000031";
const ADMIN_APP_ID = "0000cccc-0000-4000-8000-000000000031";
const ADMIN_APPLICATION = "0000dddd-0000-4000-8000-000000000031";

async function tenantWithCredentials(): Promise<TenantFile> {
  const tenant = withEntraSection(await readTenantFile(smallTenantPath), "P2");
  const entra = tenant.entra;
  if (!entra) throw new Error("no entra section");
  tenant.principals.push(applicationPrincipal(ADMIN_SP, "tenant-automation", ADMIN_APP_ID));
  entra.roleAssignments.push({
    principalId: ADMIN_SP,
    roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.globalAdministrator,
    directoryScopeId: "/",
  });
  entra.applications = [
    {
      id: ids.ciDeployerApplication,
      appId: ids.ciDeployerAppId,
      displayName: "ci-deployer",
      federatedIdentityCredentials: [
        {
          id: "0000eeee-0000-4000-8000-000000000001",
          name: "aks-1-deployer",
          issuer: ISSUER,
          subject: "system:serviceaccount:default:deployer",
          audiences: ["api://AzureADTokenExchange"],
        },
        {
          name: "github-main",
          issuer: "https://token.actions.githubusercontent.com",
          subject: "repo:contoso/platform:ref:refs/heads/main",
          audiences: ["api://AzureADTokenExchange"],
          description: "CI",
        },
        {
          name: "any-ci",
          issuer: ISSUER,
          claimsMatchingExpression: {
            value: "claims['sub'] matches 'system:serviceaccount:ci:*'",
            languageVersion: 1,
          },
          audiences: ["api://AzureADTokenExchange"],
        },
      ],
    },
    {
      id: ADMIN_APPLICATION,
      appId: ADMIN_APP_ID,
      displayName: "tenant-automation",
      federatedIdentityCredentials: [
        {
          name: "aks-1-automation",
          issuer: ISSUER,
          subject: "system:serviceaccount:kube-system:automation",
          audiences: ["api://AzureADTokenExchange"],
        },
      ],
    },
  ];
  return tenant;
}

async function scan(tenant: TenantFile, faults: FaultRule[] = []) {
  const running = await startTestEmulator({ tenant, pageSize: 2, seed: 11, faults });
  const result = await collectTenant(scanTargetForEmulator(running.emulator), {
    pageSize: 2,
    http: { retryDelayMs: 10, maxRetryDelayMs: 100, requestTimeoutMs: 5_000, maxRetries: 1 },
  });
  return { running, result };
}

describe("applications' federated credentials", () => {
  let tenant: TenantFile;
  let running: TestEmulator;
  let result: CollectResult;
  beforeAll(async () => {
    tenant = await tenantWithCredentials();
    ({ running, result } = await scan(tenant));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("are read for every application, across pages, issuer and subject verbatim", () => {
    const credentials = result.model.applicationFederatedCredentials ?? [];
    expect(credentials.map((credential) => [credential.appId, credential.name, credential.subject])).toEqual(
      expect.arrayContaining([
        [ids.ciDeployerAppId, "aks-1-deployer", "system:serviceaccount:default:deployer"],
        [ids.ciDeployerAppId, "github-main", "repo:contoso/platform:ref:refs/heads/main"],
        // v1.0 returns a flexible credential without its expression: no subject, matched as unknown
        [ids.ciDeployerAppId, "any-ci", ""],
      ]),
    );
    expect(credentials.find((credential) => credential.name === "aks-1-deployer")).toEqual({
      applicationId: ids.ciDeployerApplication,
      appId: ids.ciDeployerAppId,
      id: "0000eeee-0000-4000-8000-000000000001",
      name: "aks-1-deployer",
      issuer: ISSUER,
      subject: "system:serviceaccount:default:deployer",
      audiences: ["api://AzureADTokenExchange"],
      claimsMatchingExpression: null,
    });
    expect(result.model.coverage[APPLICATION_CREDENTIALS_SOURCE]).toEqual({ status: "complete" });
  });

  it("are read for a service principal only a directory role names (a later pass)", () => {
    expect(result.model.principals.map((principal) => principal.id)).toContain(ADMIN_SP);
    expect(result.model.applicationFederatedCredentials).toContainEqual(
      expect.objectContaining({
        applicationId: ADMIN_APPLICATION,
        appId: ADMIN_APP_ID,
        subject: "system:serviceaccount:kube-system:automation",
      }),
    );
    expect(result.model.directoryOwners).toContainEqual(
      expect.objectContaining({ objectId: ADMIN_APPLICATION, objectKind: "Application" }),
    );
  });

  it("are what the tenant file's model holds (the offline import reads them as the scan does)", () => {
    const fromFile = modelFromTenantFile(tenant);
    expect(fromFile.applicationFederatedCredentials).toEqual(result.model.applicationFederatedCredentials);
  });
});

describe("the emulator's credential list (Graph v1.0 wire format)", () => {
  type Page = { value: Record<string, unknown>[]; "@odata.nextLink"?: string; "@odata.context"?: string };
  let running: TestEmulator;
  let graph: ReturnType<typeof emulatorGraphClient>;
  beforeAll(async () => {
    running = await startTestEmulator({ tenant: await tenantWithCredentials(), pageSize: 2 });
    graph = emulatorGraphClient(
      running.emulator,
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
    );
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("lists by object id and by appId, paged with @odata.nextLink", async () => {
    const first = (await graph
      .api(`/applications/${ids.ciDeployerApplication}/federatedIdentityCredentials`)
      .get()) as Page;
    expect(first.value).toHaveLength(2);
    expect(first["@odata.context"]).toContain(
      `applications('${ids.ciDeployerApplication}')/federatedIdentityCredentials`,
    );
    expect(first["@odata.nextLink"]).toBeDefined();
    const second = (await graph.api(first["@odata.nextLink"] as string).get()) as Page;
    const byAppId = (await graph
      .api(`/applications(appId='${ids.ciDeployerAppId}')/federatedIdentityCredentials`)
      .get()) as Page;
    expect([...first.value, ...second.value].map((item) => item.name)).toEqual([
      "aks-1-deployer",
      "github-main",
      "any-ci",
    ]);
    expect(byAppId.value.map((item) => item.name)).toEqual(["aks-1-deployer", "github-main"]);
    // The documented example's members; a flexible credential has no subject at v1.0
    expect(first.value[0]).toEqual({
      id: "0000eeee-0000-4000-8000-000000000001",
      name: "aks-1-deployer",
      issuer: ISSUER,
      subject: "system:serviceaccount:default:deployer",
      description: null,
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(second.value[0]).toMatchObject({ name: "any-ci", subject: null });
    expect(second.value[0]).not.toHaveProperty("claimsMatchingExpression");
  });

  it("filters on subject (eq), refuses other filters, and answers 404 for an unknown application", async () => {
    const filtered = (await graph
      .api(`/applications/${ids.ciDeployerApplication}/federatedIdentityCredentials`)
      .filter("subject eq 'repo:contoso/platform:ref:refs/heads/main'")
      .get()) as Page;
    expect(filtered.value.map((item) => item.name)).toEqual(["github-main"]);
    await expect(
      graph
        .api(`/applications/${ids.ciDeployerApplication}/federatedIdentityCredentials`)
        .filter("startswith(subject, 'repo')")
        .get(),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      graph.api(`/applications/${ids.faye}/federatedIdentityCredentials`).get(),
    ).rejects.toMatchObject({ statusCode: 404, code: "Request_ResourceNotFound" });
  });

  it("are no property of the application itself", async () => {
    const application = (await graph.api(`/applications/${ids.ciDeployerApplication}`).get()) as Record<
      string,
      unknown
    >;
    expect(application).toMatchObject({ id: ids.ciDeployerApplication, displayName: "ci-deployer" });
    expect(application).not.toHaveProperty("federatedIdentityCredentials");
  });

  it("refuses a caller without Application.Read.All (or Directory.Read.All)", async () => {
    const limited = await startTestEmulator({
      tenant: await tenantWithCredentials(),
      scannerGraphPermissions: ["GroupMember.Read.All"],
    });
    try {
      const client = emulatorGraphClient(
        limited.emulator,
        emulatorCredential(limited.emulator, limited.emulator.scannerCredential),
      );
      await expect(
        client.api(`/applications/${ids.ciDeployerApplication}/federatedIdentityCredentials`).get(),
      ).rejects.toMatchObject({ statusCode: 403, code: "Authorization_RequestDenied" });
    } finally {
      await limited.stop();
    }
  });
});

describe("a refused credential list", () => {
  it("leaves that source not read, with Graph's reason, and the directory complete", async () => {
    const { running, result } = await scan(await tenantWithCredentials(), [
      { kind: "error5xx", family: "graph", rate: 1, status: 503, match: "federatedIdentityCredentials" },
    ]);
    try {
      expect(result.model.coverage[APPLICATION_CREDENTIALS_SOURCE]).toMatchObject({ status: "not-read" });
      expect(result.model.coverage[DIRECTORY_SOURCE]).toEqual({ status: "complete" });
      expect(result.model.applicationFederatedCredentials).toEqual([]);
      expect(result.errors).toContainEqual(
        expect.objectContaining({ source: APPLICATION_CREDENTIALS_SOURCE }),
      );
    } finally {
      await running.stop();
    }
  });
});

describe("a scan's answers", () => {
  // aks-admins (Jet) administer aks-1, so they run pods as default/default there; ci-deployer's
  // application trusts that account's tokens, and ci-deployer holds Contributor on the management group
  // above aks-4 (no Entra integration, local accounts on: Contributor is cluster-admin through
  // listClusterAdminCredential). Without the credential Jet has no way into aks-4.
  const AKS4 = "aks-4";
  async function jetIntoAks4(withCredential: boolean) {
    const tenant = withEntraSection(await readTenantFile(smallTenantPath), "P2");
    if (withCredential && tenant.entra)
      tenant.entra.applications[0].federatedIdentityCredentials = [
        {
          name: "aks-1-default",
          issuer: ISSUER,
          subject: "system:serviceaccount:default:default",
          audiences: ["api://AzureADTokenExchange"],
        },
      ];
    const { running, result } = await scan(tenant);
    try {
      for (const { access, paths } of iterateAttackPaths(result.model, { maxHops: 5 }))
        if (access.cluster.name === AKS4) return paths.filter((path) => path.principal.id === ids.jet);
      throw new Error("no aks-4");
    } finally {
      await running.stop();
    }
  }

  it("lead from a pod on one cluster through the application's service principal to another cluster", async () => {
    const [path, ...rest] = await jetIntoAks4(true);
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 3, conditional: false });
    const kinds = path.path.map((step) => step.kind);
    expect(kinds.slice(kinds.indexOf("k8s.serviceAccount"), kinds.indexOf("roleAssignment") + 1)).toEqual([
      "k8s.serviceAccount",
      "applicationFederatedCredential",
      "principal",
      "roleAssignment",
    ]);
    expect(path.path.find((step) => step.kind === "principal" && step.id === ids.ciDeployer)?.label).toBe(
      "signs in as service principal ci-deployer",
    );
    expect(await jetIntoAks4(false)).toEqual([]);
  });
});
