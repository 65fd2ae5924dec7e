import { describe, expect, it } from "vitest";
import {
  AccessModelBuilder,
  CLUSTER,
  RG,
  ROLE,
  workloadServiceAccount,
} from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { Finding } from "@/lib/findings/types";
import type { ApplicationFederatedCredential } from "@/lib/model/directory";
import type { TenantModel } from "@/lib/model/tenant-model";

// Workload identity federated to an application registration (learn.microsoft.com/azure/aks/workload-identity-overview:
// the service account's client-id annotation names "a Microsoft Entra application or a user-assigned managed
// identity"): the two workload-identity rules judge the application as they judge an identity.

const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant-1/aks-1/";
const SP = "sp-ci";
const APP_ID = "app-ci";
const APP_OBJECT = "app-ci-object";

function credential(subject: string, issuer = ISSUER): ApplicationFederatedCredential {
  return {
    applicationId: APP_OBJECT,
    appId: APP_ID,
    id: `fic-${subject}`,
    name: "aks-1-ci",
    issuer,
    subject,
    audiences: ["api://AzureADTokenExchange"],
    claimsMatchingExpression: null,
  };
}

function tenant(
  credentials: ApplicationFederatedCredential[] | undefined,
  role: string = ROLE.contributor,
): TenantModel {
  const model = new AccessModelBuilder({
    oidcIssuer: { enabled: true, issuerUrl: ISSUER },
    workloadIdentityEnabled: true,
  })
    .principal(SP, "ServicePrincipal", { appId: APP_ID })
    .assign(role, SP, RG, { principalType: "ServicePrincipal" })
    .application(APP_OBJECT, APP_ID, "ci-deployer", credentials)
    .build();
  model.kubernetes[CLUSTER].serviceAccounts.push(workloadServiceAccount(CLUSTER, "ci", "runner", APP_ID));
  return model;
}

function findingsOf(ruleId: string, model: TenantModel): Finding[] {
  const rule = FINDING_RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return evaluateFindings(model, undefined, { rules: [rule] });
}

describe("workload-identity-privileged", () => {
  it("fails for an application's service principal that pods can act as and that holds Contributor on a resource group", () => {
    const [finding, ...rest] = findingsOf(
      "workload-identity-privileged",
      tenant([credential("system:serviceaccount:ci:runner")]),
    );
    expect(rest).toEqual([]);
    expect(finding.status).toBe("fail");
    expect(finding.evidence.summary).toContain(`${SP}, usable from pods on aks-1`);
    expect(finding.evidence.summary).toContain("application federated credential aks-1-ci");
    expect(finding.evidence.objects).toContainEqual({ kind: "principal", id: SP, label: SP });
  });

  it("passes when the application's credential trusts another issuer, or its principal holds a reader role", () => {
    expect(
      findingsOf(
        "workload-identity-privileged",
        tenant([credential("system:serviceaccount:ci:runner", `${ISSUER}x/`)]),
      ).map((finding) => finding.status),
    ).toEqual(["pass"]);
    expect(
      findingsOf(
        "workload-identity-privileged",
        tenant([credential("system:serviceaccount:ci:runner")], ROLE.reader),
      ).map((finding) => finding.status),
    ).toEqual(["pass"]);
  });
});

describe("service-account-missing-federated-credential", () => {
  const statuses = (model: TenantModel) =>
    findingsOf("service-account-missing-federated-credential", model).map((finding) => finding.status);

  it("passes when the application the account names trusts it", () => {
    expect(statuses(tenant([credential("system:serviceaccount:ci:runner")]))).toEqual(["pass"]);
  });

  it("fails, naming the application, when none of its credentials trusts the account", () => {
    const [finding] = findingsOf(
      "service-account-missing-federated-credential",
      tenant([credential("system:serviceaccount:ci:other")]),
    );
    expect(finding.status).toBe("fail");
    expect(finding.evidence.summary).toContain("asks for application ci-deployer");
    expect(finding.evidence.objects).toContainEqual({
      kind: "application",
      id: APP_OBJECT,
      label: "ci-deployer",
    });
  });

  it("is not assessed when the application's credentials were not read", () => {
    const [finding] = findingsOf("service-account-missing-federated-credential", tenant(undefined));
    expect(finding.status).toBe("not-assessed");
    expect(finding.evidence.summary).toContain("whose federated credentials were not read");
  });
});
