import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTargetForEmulator } from "@/lib/azure/scan-target";
import {
  AKS_RBAC_CLUSTER_ADMIN,
  AKS3,
  CONTRIBUTOR,
  JET,
  SRE_ONCALL,
  SUB,
  withPimAndDeny,
} from "@/lib/emulator/test-fixtures/pim-deny";
import {
  ARM_SCOPE,
  armClientOptions,
  emulatorCredential,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { AZURE_PIM_SOURCE } from "@/lib/model/sources";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { validateTenantFile } from "@/lib/model/wire/tenant-file";
import { type CollectResult, collectTenant } from "@/lib/scan/collect/collect-tenant";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// PIM role settings as ARM serves them and the scanner reads them through @azure/arm-authorization
// 9.0.0 (roleManagementPolicyAssignments / roleManagementPolicies, api-version 2020-10-01). Wire
// shapes: azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/
// stable/2020-10-01/RoleManagementPolicyAssignment.json, RoleManagementPolicy.json and the example
// GetRoleManagementPolicyAssignmentByScope.json (effectiveRules with Approval_EndUser_Assignment
// setting.isApprovalRequired and Expiration_EndUser_Assignment maximumDuration). A role nobody
// configured has PIM's defaults — no approval, 8 hours (learn.microsoft.com/entra/id-governance/
// privileged-identity-management/pim-resource-roles-configure-role-settings). Licence error as for
// the other PIM reads (JulianHayward/Azure-MG-Sub-Governance-Reporting#114).

const POLICY = "9c0c7e55-0000-4000-8000-00000000c0de";
const POLICY_ID = `${SUB}/providers/Microsoft.Authorization/roleManagementPolicies/${POLICY}`;
const roleId = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** sre-oncall's Contributor eligibility on the subscription needs approval, for at most 2 hours; Jet's on aks-3 has the defaults. */
function withPolicies(tenant: TenantFile, licensed = true): TenantFile {
  const copy = withPimAndDeny(tenant, licensed);
  copy.roleManagementPolicies = [
    {
      id: POLICY_ID,
      name: POLICY,
      type: "Microsoft.Authorization/roleManagementPolicies",
      properties: {
        scope: SUB,
        rules: [
          {
            id: "Approval_EndUser_Assignment",
            ruleType: "RoleManagementPolicyApprovalRule",
            target: { caller: "EndUser", operations: ["All"], level: "Assignment" },
            setting: { isApprovalRequired: true, approvalMode: "SingleStage", approvalStages: [] },
          },
          {
            id: "Expiration_EndUser_Assignment",
            ruleType: "RoleManagementPolicyExpirationRule",
            target: { caller: "EndUser", operations: ["All"], level: "Assignment" },
            isExpirationRequired: true,
            maximumDuration: "PT2H",
          },
        ],
      },
    },
  ];
  copy.roleManagementPolicyAssignments = [
    {
      id: `${SUB}/providers/Microsoft.Authorization/roleManagementPolicyAssignments/${POLICY}_${CONTRIBUTOR}`,
      name: `${POLICY}_${CONTRIBUTOR}`,
      type: "Microsoft.Authorization/roleManagementPolicyAssignments",
      properties: { scope: SUB, roleDefinitionId: roleId(CONTRIBUTOR), policyId: POLICY_ID },
    },
  ];
  return copy;
}

let licensed: TestEmulator;
let unlicensed: TestEmulator;
let scan: CollectResult;
let unlicensedScan: CollectResult;
const dispatchers = new Map<TestEmulator, Agent>();

beforeAll(async () => {
  const tenant = await readTenantFile(smallTenantPath);
  [licensed, unlicensed] = await Promise.all([
    startTestEmulator({ tenant: withPolicies(tenant), pageSize: 1 }),
    startTestEmulator({ tenant: withPolicies(tenant, false), pageSize: 1 }),
  ]);
  for (const running of [licensed, unlicensed])
    dispatchers.set(running, new Agent({ connect: { ca: running.emulator.caPem } }));
  const options = { pageSize: 1, http: { retryDelayMs: 10, maxRetryDelayMs: 100 } };
  [scan, unlicensedScan] = await Promise.all([
    collectTenant(scanTargetForEmulator(licensed.emulator), options),
    collectTenant(scanTargetForEmulator(unlicensed.emulator), options),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([licensed?.stop(), unlicensed?.stop()]);
  await Promise.all([...dispatchers.values()].map((agent) => agent.close()));
});

function client(running: TestEmulator) {
  const credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
  return new AuthorizationManagementClient(
    credential,
    SUB.split("/")[2],
    armClientOptions(running.emulator, 0),
  );
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function armGet(running: TestEmulator, pathAndQuery: string) {
  const token = await running.emulator.issueToken(running.emulator.scanner.objectId, ARM_SCOPE);
  const response = await fetch(`${running.emulator.armEndpoint}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: dispatchers.get(running),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("roleManagementPolicyAssignments and roleManagementPolicies (emulator, SDK)", () => {
  it("lists the policy assignments at a scope with their effective rules, a default where none was set", async () => {
    const atCluster = await collect(
      client(licensed).roleManagementPolicyAssignments.listForScope(AKS3.slice(1)),
    );
    expect(atCluster).toHaveLength(1);
    const [jets] = atCluster;
    expect(jets.roleDefinitionId?.toLowerCase()).toBe(roleId(AKS_RBAC_CLUSTER_ADMIN).toLowerCase());
    expect(jets.scope).toBe(AKS3);
    expect(jets.effectiveRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: "Approval_EndUser_Assignment",
          ruleType: "RoleManagementPolicyApprovalRule",
          setting: expect.objectContaining({ isApprovalRequired: false }),
        }),
        expect.objectContaining({ id: "Expiration_EndUser_Assignment", maximumDuration: "PT8H" }),
      ]),
    );
    expect(jets.policyAssignmentProperties?.scope?.type).toBe("resource");

    const atSubscription = await collect(
      client(licensed).roleManagementPolicyAssignments.listForScope(SUB.slice(1)),
    );
    expect(atSubscription.map((assignment) => assignment.name)).toEqual([`${POLICY}_${CONTRIBUTOR}`]);
    // not inherited: the subscription's policy is not listed at the cluster, nor the cluster's here
    expect(atSubscription[0].policyId).toBe(POLICY_ID);
  });

  it("gets a policy with its rules and lists the policies at a scope", async () => {
    const policy = await client(licensed).roleManagementPolicies.get(SUB.slice(1), POLICY);
    expect(policy.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: "Expiration_EndUser_Assignment", maximumDuration: "PT2H" }),
      ]),
    );
    const listed = await collect(client(licensed).roleManagementPolicies.listForScope(SUB.slice(1)));
    expect(listed.map((entry) => entry.id)).toEqual([POLICY_ID]);
  });

  it("filters by role, refuses other filters, 404s an unknown name, and answers the licence error without P2", async () => {
    const base = `${SUB}/providers/Microsoft.Authorization/roleManagementPolicyAssignments`;
    const filtered = await armGet(
      licensed,
      `${base}?api-version=2020-10-01&$filter=${encodeURIComponent(`roleDefinitionId eq '${roleId(AKS_RBAC_CLUSTER_ADMIN)}'`)}`,
    );
    expect(filtered).toMatchObject({ status: 200, body: { value: [] } });
    const bad = await armGet(licensed, `${base}?api-version=2020-10-01&$filter=principalId%20eq%20'x'`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "InvalidFilterInQueryString" } } });
    const missing = await armGet(licensed, `${base}/nope_${CONTRIBUTOR}?api-version=2020-10-01`);
    expect(missing).toMatchObject({
      status: 404,
      body: { error: { code: "RoleManagementPolicyAssignmentNotFound" } },
    });
    const noLicence = await armGet(unlicensed, `${base}?api-version=2020-10-01`);
    expect(noLicence).toMatchObject({ status: 400, body: { error: { code: "AadPremiumLicenseRequired" } } });
  });
});

describe("the scanner reads each eligibility's activation settings", () => {
  it("attaches approval and maximum duration, as the offline import of the same file does", () => {
    const byPrincipal = Object.fromEntries(
      scan.model.roleEligibilities.map((eligibility) => [eligibility.principalId, eligibility.activation]),
    );
    expect(byPrincipal[JET]).toMatchObject({ approvalRequired: false, maximumDuration: "PT8H" });
    expect(byPrincipal[SRE_ONCALL]).toEqual({
      approvalRequired: true,
      maximumDuration: "PT2H",
      policyId: POLICY_ID.toLowerCase(),
    });
    const imported = modelFromTenantFile(licensed.tenant);
    const sort = <T extends { id: string }>(items: readonly T[]) =>
      [...items].sort((a, b) => a.id.localeCompare(b.id));
    expect(sort(scan.model.roleEligibilities)).toEqual(sort(imported.roleEligibilities));
    expect(scan.model.coverage[AZURE_PIM_SOURCE]).toEqual({ status: "complete" });
  });

  it("fails eligible-cluster-admin-without-approval for Jet on aks-3 from what it read", () => {
    const rule = FINDING_RULES.filter(
      (candidate) => candidate.id === "eligible-cluster-admin-without-approval",
    );
    const failing = evaluateFindings(scan.model, undefined, { rules: rule }).filter(
      (finding) => finding.status === "fail",
    );
    expect(failing.map((finding) => [finding.cluster.name, finding.evidence.objects[0].id])).toEqual([
      ["aks-3", JET],
    ]);
  });

  it("without P2 the PIM source is partial with the licence reason, never failed", () => {
    expect(unlicensedScan.model.roleEligibilities).toEqual([]);
    expect(unlicensedScan.model.coverage[AZURE_PIM_SOURCE]?.status).toBe("partial");
    expect(unlicensedScan.model.coverage[AZURE_PIM_SOURCE]?.reason).toMatch(/AadPremiumLicenseRequired/);
  });
});

describe("tenant validate: role management policy sections", () => {
  it("names the JSON path of a malformed rule and of a dangling policy id", async () => {
    const tenant = withPolicies(await readTenantFile(smallTenantPath)) as unknown as Record<string, unknown>;
    const bad = structuredClone(tenant) as {
      roleManagementPolicies: { properties: { rules: Record<string, unknown>[] } }[];
      roleManagementPolicyAssignments: { properties: { policyId: string } }[];
    };
    bad.roleManagementPolicies[0].properties.rules[1].maximumDuration = "8 hours";
    expect(validateTenantFile(bad).errors).toEqual([
      expect.objectContaining({ path: "$.roleManagementPolicies[0].properties.rules[1].maximumDuration" }),
    ]);
    const dangling = structuredClone(tenant) as typeof bad;
    dangling.roleManagementPolicyAssignments[0].properties.policyId = `${SUB}/providers/Microsoft.Authorization/roleManagementPolicies/missing`;
    expect(validateTenantFile(dangling).errors).toEqual([
      expect.objectContaining({
        path: "$.roleManagementPolicyAssignments[0].properties.policyId",
        message: "no policy in $.roleManagementPolicies has this id",
      }),
    ]);
  });
});
