import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type AzAgainstEmulator,
  azAgainstEmulator,
  hasCommand,
} from "@/cli/test-support/az-against-emulator";
import { spawnRunner } from "@/lib/collect/command-runner";
import { DEMO_APPLICATIONS, DEMO_USERS, demoUpn } from "@/lib/emulator/demo/build-demo-tenant";
import { demoHistory } from "@/lib/emulator/demo/demo-history";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { DIRECTORY_ROLE_TEMPLATES } from "@/lib/model/directory";
import { asManagedCluster, listClusters, type TenantFile } from "@/lib/model/wire/tenant-file";
import { emptyEntraSection } from "@/lib/model/wire/tenant-file-entra";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";
import { type CliRun, runCliProcess } from "../test-support/run-cli-process";

// Issue 19, point 4: real `az` (Debian's azure-cli) and real `kubectl` collect the demo tenant from the
// emulator — through `aks-atlas collect` and through deploy/collect.sh — and each imported file answers
// exactly as `scan --emulate` does: the same findings, the same access on every cluster, the same drift
// from the same earlier state (aks-data, the private cluster, is unreachable in all three). How az reaches
// the emulator (custom cloud, the CA, the instance discovery proxy): cli/test-support/az-against-emulator.ts.
//
// The emulator serves the demo plus one directory role scoped to an administrative unit: Bernadette (who
// holds nothing) is Privileged Authentication Administrator over the unit "Platform", whose member Leonard
// is admin on aks-1, so she reaches it by resetting his password. The scan reads the unit: her paths go
// through Leonard only. A collector that did not read units would write a file whose import takes the
// unit's members as unknown, every user a possible member ("its members were not read": paths through
// Sheldon and the break-glass account too), and the answers would differ.
//
// It serves applications' federated identity credentials too. ci-deployer (a service principal with a
// role on prod, so both collectors govern it in their first pass) has its application, which trusts
// aks-1's service account web/default: a token of that account acts as ci-deployer. That application is
// owned by release-approver, a service principal nothing else names: found only when the principals
// governance names are resolved, it is governed in the later pass — its application holds a flexible
// credential (Graph v1.0 returns it with neither subject nor expression, so the files carry no subject)
// and is owned by Stuart, a user that only this names, resolved after that pass. A collector that read
// no credentials, or not in the later pass, would write a file without them, and the answers would differ.

const PLATFORM_UNIT = "a0000000-0000-0000-0000-00000000a001";
const CI_DEPLOYER_APPLICATION = "a0000000-0000-0000-0000-00000000ae01";
const RELEASE_APPROVER = {
  objectId: "a0000000-0000-0000-0000-00000000ae02",
  appId: "a0000000-0000-0000-0000-00000000ae03",
  application: "a0000000-0000-0000-0000-00000000ae04",
};
const STUART = "a0000000-0000-0000-0000-00000000ae05";
const AUDIENCE = "api://AzureADTokenExchange";

/** The OIDC issuer URL of the demo cluster with this name. */
function issuerOf(tenant: TenantFile, name: string): string {
  const cluster = listClusters(tenant).find((candidate) => candidate.resource.name === name);
  const issuer = cluster && asManagedCluster(cluster.resource).properties.oidcIssuerProfile?.issuerURL;
  if (!issuer) throw new Error(`the demo cluster ${name} has no OIDC issuer`);
  return issuer;
}

/** The federated credentials the emulator serves, as both collectors write them (Graph's, subject-less when flexible). */
function expectedApplications(tenant: TenantFile) {
  return [
    {
      id: CI_DEPLOYER_APPLICATION,
      appId: DEMO_APPLICATIONS.ciDeployer.appId,
      displayName: "ci-deployer",
      federatedIdentityCredentials: [
        {
          id: "a0000000-0000-0000-0000-00000000fc01",
          name: "aks-1-web-deployer",
          issuer: issuerOf(tenant, "aks-1"),
          subject: "system:serviceaccount:web:default",
          audiences: [AUDIENCE],
          description: "Deploys from aks-1's web namespace",
        },
      ],
    },
    {
      id: RELEASE_APPROVER.application,
      appId: RELEASE_APPROVER.appId,
      displayName: "release-approver",
      federatedIdentityCredentials: [
        {
          id: "a0000000-0000-0000-0000-00000000fc02",
          name: "aks-payments-any-service-account",
          issuer: issuerOf(tenant, "aks-payments"),
          audiences: [AUDIENCE],
        },
      ],
    },
  ];
}

async function demoWithUnitScopedRole(): Promise<TenantFile> {
  const tenant = await loadDemoTenant();
  const entra = tenant.entra ?? emptyEntraSection();
  tenant.entra = {
    ...entra,
    roleAssignments: [
      ...entra.roleAssignments,
      {
        principalId: DEMO_USERS.bernadette,
        roleDefinitionId: DIRECTORY_ROLE_TEMPLATES.privilegedAuthenticationAdministrator,
        directoryScopeId: `/administrativeUnits/${PLATFORM_UNIT}`,
      },
    ],
    administrativeUnits: [
      {
        id: PLATFORM_UNIT,
        displayName: "Platform",
        members: [DEMO_USERS.leonard],
        isMemberManagementRestricted: false,
      },
    ],
    // What the collectors should write, with the flexible credential's expression Graph v1.0 does not return
    applications: [
      ...entra.applications,
      ...expectedApplications(tenant).map((application) => ({
        ...application,
        federatedIdentityCredentials: application.federatedIdentityCredentials.map((credential) =>
          "subject" in credential
            ? credential
            : {
                ...credential,
                claimsMatchingExpression: {
                  value: "claims['sub'] matches 'system:serviceaccount:*'",
                  languageVersion: 1,
                },
              },
        ),
      })),
    ],
    owners: [
      ...entra.owners,
      { objectId: CI_DEPLOYER_APPLICATION, ownerIds: [RELEASE_APPROVER.objectId] },
      { objectId: RELEASE_APPROVER.application, ownerIds: [STUART] },
    ],
  };
  tenant.principals = [
    ...tenant.principals,
    {
      id: RELEASE_APPROVER.objectId,
      type: "ServicePrincipal",
      displayName: "release-approver",
      appId: RELEASE_APPROVER.appId,
      servicePrincipalType: "Application",
    },
    {
      id: STUART,
      type: "User",
      displayName: "Stuart Bloom",
      userPrincipalName: demoUpn("stuart"),
      accountEnabled: true,
    },
  ];
  return tenant;
}

async function run(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => out.push(parts.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => err.push(parts.join(" ")));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    process.exitCode = undefined;
    const code = await main(["node", "aks-atlas", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

const SCRIPT = path.resolve(import.meta.dirname, "../../deploy/collect.sh");
const missing = ["az", "kubectl"].filter((command) => !hasCommand(command));

describe.skipIf(missing.length > 0)("aks-atlas collect with real az and kubectl against the emulator", () => {
  let az: AzAgainstEmulator;
  let scratch: string;
  let azEnv: Record<string, string>;
  const databases: TestDatabase[] = [];
  /** the tenant the emulator serves, as a file for `scan --emulate` */
  let tenantPath: string;
  /** What the emulated scan answers, by the first test; the collect.sh test compares its import to it. */
  let scanAnswers: Record<string, unknown> | undefined;

  /**
   * A fresh database with the demo's earlier state imported, then `second` (a scan or an import): its
   * summary, findings, drift and access on every cluster, scan ids blanked.
   */
  async function answersAfter(second: string[]): Promise<Record<string, unknown>> {
    const baseline = path.join(scratch, "baseline.json");
    const history = demoHistory(await loadDemoTenant());
    await fs.writeFile(baseline, JSON.stringify(history[0].tenant));
    const db = await createTestDatabase();
    databases.push(db);
    const env = { DATABASE_URL: db.url, ATLAS_DATA_DIR: path.join(scratch, `data-${databases.length}`) };
    expect((await run(env, "import", baseline, "--json")).code).toBe(2); // aks-data: never reachable
    const scanned = await run(env, ...second, "--json");
    expect(scanned.code, scanned.stderr).toBe(2);
    const strip = (text: string) =>
      JSON.parse(text.replace(/"(scanId|fromScanId|toScanId|from|to)": "?\d+"?/g, '"$1": 0'));
    const findings = await run(env, "findings", "--json");
    const drift = await run(env, "drift", "--json");
    const access: Record<string, unknown> = {};
    for (const cluster of [
      "aks-1",
      "aks-2",
      "aks-3",
      "aks-payments",
      "aks-data",
      "aks-dev-1",
      "aks-dev-sandbox",
    ])
      access[cluster] = strip((await run(env, "access", "--cluster", cluster, "--json")).stdout);
    return {
      summary: (({ status, counts }) => {
        const { resourceGraphFallbacks, throttledResponses, pacedMs, ...objects } = counts as Record<
          string,
          number
        >;
        void resourceGraphFallbacks;
        void throttledResponses;
        void pacedMs;
        return { status, objects };
      })(JSON.parse(scanned.stdout)),
      findings: strip(findings.stdout),
      drift: strip(drift.stdout),
      access,
    };
  }

  let nodeCollection: Promise<{ out: string; collected: CliRun }> | undefined;
  /** `aks-atlas collect` into collected.json, once: both collectors' tests read its file. */
  function nodeCollected() {
    nodeCollection ??= (async () => {
      const out = path.join(scratch, "collected.json");
      // A harness deadline, not a measure: a hung az or kubectl fails the test instead of stalling it.
      const collected = await runCliProcess(["collect", "--out", out, "--concurrency", "6"], azEnv, {
        deadlineMs: 1_500_000,
      });
      return { out, collected };
    })();
    return nodeCollection;
  }

  beforeAll(async () => {
    const tenant = await demoWithUnitScopedRole();
    az = await azAgainstEmulator(undefined, tenant);
    scratch = az.scratch;
    azEnv = az.env;
    tenantPath = path.join(scratch, "tenant.json");
    await fs.writeFile(tenantPath, JSON.stringify(tenant));
  }, 600_000);

  afterAll(async () => {
    for (const db of databases) await db.drop();
    await az?.close();
  });

  it("collects the demo tenant; its import answers as scan --emulate does", async () => {
    const { out, collected } = await nodeCollected();
    expect(collected.hung, collected.stderr).toBe(false);
    expect(collected.code, collected.stderr).toBe(2); // written, with the private cluster not read
    // Instance discovery really went through the emulator's proxy.
    expect(az.proxy.requests.some((line) => line.startsWith("GET /common/discovery/instance"))).toBe(true);
    const file = JSON.parse(await fs.readFile(out, "utf8")) as {
      coverage: { unread: Record<string, { status: string; reason: string }> };
      principals: { id: string }[];
      entra: { administrativeUnits?: unknown[]; applications: unknown[]; owners: unknown[] };
    };
    expect(Object.keys(file.coverage.unread)).toEqual([expect.stringMatching(/^cluster:.*\/aks-data$/)]);
    // The unit the role is scoped to, with its member: the import knows whom the role manages.
    expect(file.entra.administrativeUnits).toEqual([
      expect.objectContaining({ id: PLATFORM_UNIT, displayName: "Platform", members: [DEMO_USERS.leonard] }),
    ]);
    expect(file.coverage.unread[Object.keys(file.coverage.unread)[0]].status).toBe("not-read");
    // Both applications with their credentials — release-approver's read in the later pass — and the
    // principals that pass names, resolved: release-approver (an owner) and Stuart (its owner).
    const tenant = JSON.parse(await fs.readFile(tenantPath, "utf8")) as TenantFile;
    expect(file.entra.applications).toEqual(expectedApplications(tenant));
    expect(file.entra.owners).toEqual(
      expect.arrayContaining([
        { objectId: CI_DEPLOYER_APPLICATION, ownerIds: [RELEASE_APPROVER.objectId] },
        { objectId: RELEASE_APPROVER.application, ownerIds: [STUART] },
      ]),
    );
    expect(file.principals.map((principal) => principal.id)).toEqual(
      expect.arrayContaining([RELEASE_APPROVER.objectId, STUART]),
    );

    // The same earlier state in both databases, then the emulated scan in one and the import in the other.
    const scan = await answersAfter(["scan", "--emulate", tenantPath]);
    scanAnswers = scan;
    const imported = await answersAfter(["import", out]);
    expect((scan.findings as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(scan.drift)).not.toBe("{}");
    // Bernadette's path through the unit's member, as the scan (which reads units) reports it.
    expect(JSON.stringify(scan.access)).toContain("at administrative unit Platform");
    expect(JSON.stringify(scan.access)).not.toContain("its members were not read");
    // The applications' credentials, as the scan (which reads them) reports them: a token of aks-1's
    // web/default acts as ci-deployer; one of aks-payments may act as release-approver, its owner.
    expect(JSON.stringify(scan.access)).toContain(
      "federated credential aks-1-web-deployer of application ci-deployer trusts it",
    );
    expect(JSON.stringify(scan.access)).toContain(
      "federated credential aks-payments-any-service-account of application release-approver trusts it",
    );
    expect(imported.summary).toEqual(scan.summary);
    expect(imported.findings).toEqual(scan.findings);
    expect(imported.access).toEqual(scan.access);
    expect(imported.drift).toEqual(scan.drift);
  }, 1_800_000);

  it("deploy/collect.sh (bash, az, kubectl, jq) writes the file aks-collect writes; its import answers as the scan does", async () => {
    if (!hasCommand("jq")) return; // the script needs jq; without it there is nothing to run
    const out = path.join(scratch, "collected-sh.json");
    // A harness deadline, not a measure: a hung az or kubectl fails the test instead of stalling it.
    const result = await spawnRunner({ env: { ...process.env, ...azEnv }, timeoutMs: 1_500_000 })("bash", [
      SCRIPT,
      out,
    ]);
    expect(result.code, result.stderr).toBe(2); // aks-data is not read, and says so
    type File = Record<string, unknown> & {
      coverage: { unread: Record<string, { status: string }> };
    };
    const shell = JSON.parse(await fs.readFile(out, "utf8")) as File;
    const fromNode = await nodeCollected();
    expect(fromNode.collected.code, fromNode.collected.stderr).toBe(2);
    const node = JSON.parse(await fs.readFile(fromNode.out, "utf8")) as File;
    // The same sources unread, with the same status (the reasons carry kubectl's timestamps).
    const statuses = (file: File) =>
      Object.fromEntries(Object.entries(file.coverage.unread).map(([source, u]) => [source, u.status]));
    expect(statuses(shell)).toEqual(statuses(node));
    // Every section the same as the Node collector's — the directory's governance (entra: directory roles,
    // PIM for Groups, owners) included — in any order (the two collectors page in different orders).
    const canonical = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(canonical).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))
        : value !== null && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value as Record<string, unknown>)
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([k, v]) => [k, canonical(v)]),
            )
          : value;
    const { coverage: _shellCoverage, ...shellSections } = shell;
    const { coverage: _nodeCoverage, ...nodeSections } = node;
    expect(Object.keys(shellSections).sort()).toEqual(Object.keys(nodeSections).sort());
    for (const section of Object.keys(nodeSections))
      expect(canonical(shellSections[section]), section).toEqual(canonical(nodeSections[section]));
    expect((node.entra as { owners: unknown[] }).owners.length).toBeGreaterThan(0);
    // The applications' federated credentials, the later pass's included, as the Node collector writes them.
    const tenant = JSON.parse(await fs.readFile(tenantPath, "utf8")) as TenantFile;
    expect((shell.entra as { applications: unknown[] }).applications).toEqual(expectedApplications(tenant));

    // Imported, it answers as scan --emulate: summary, findings, access and drift.
    const scan = scanAnswers ?? (await answersAfter(["scan", "--emulate", tenantPath]));
    const imported = await answersAfter(["import", out]);
    expect(imported.summary).toEqual(scan.summary);
    expect(imported.findings).toEqual(scan.findings);
    expect(imported.access).toEqual(scan.access);
    expect(imported.drift).toEqual(scan.drift);
  }, 1_800_000);

  it("deploy/collect.sh fails with its own message and exit 1: bad arguments, an unwritable path, no az login", async () => {
    if (!hasCommand("jq")) return;
    const bash = spawnRunner({ env: { ...process.env, ...azEnv }, timeoutMs: 300_000 });
    const usage = await bash("bash", [SCRIPT]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^collect\.sh: usage: collect\.sh tenant\.json/m);
    const option = await bash("bash", [SCRIPT, "--out"]);
    expect(option.code).toBe(1);
    expect(option.stderr).toMatch(/collect\.sh: unknown option --out/);
    const folder = await bash("bash", [SCRIPT, path.join(scratch, "no-such-folder", "t.json")]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/collect\.sh: cannot write .*no-such-folder.*does not exist/);
    // A fresh az configuration: nobody is signed in.
    const signedOut = spawnRunner({
      env: { ...process.env, ...azEnv, AZURE_CONFIG_DIR: path.join(scratch, "az-signed-out") },
      timeoutMs: 300_000,
    });
    const out = path.join(scratch, "signed-out.json");
    const login = await signedOut("bash", [SCRIPT, out]);
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/collect\.sh: az has no signed-in account \(run az login first\)/);
    await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
  }, 600_000);
});
