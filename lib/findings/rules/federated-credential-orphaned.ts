import { CONTROLS } from "@/lib/findings/controls";
import {
  allAssignmentsComplete,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import type { TenantModel } from "@/lib/model/tenant-model";

const SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Entra compares issuers as exact strings; a case or trailing-slash difference breaks the trust silently. */
function sameIssuerLoosely(a: string, b: string): boolean {
  const loose = (value: string) => value.trim().toLowerCase().replace(/\/+$/, "");
  return loose(a) === loose(b);
}

/**
 * Identities this cluster's workloads use (by the service accounts' client-id annotation) that also
 * trust an issuer no scanned cluster has: a deleted cluster, or one outside the scan, can still get
 * tokens for them.
 */
function foreignIssuerFindings(
  rule: FindingRule,
  model: TenantModel,
  cluster: Cluster,
  remediation: Finding["remediation"],
): Finding[] {
  const inventory = model.kubernetes[cluster.id];
  if (!inventory || !allAssignmentsComplete(model)) return [];
  const knownIssuers = model.clusters.flatMap((c) =>
    c.oidcIssuer.issuerUrl ? [c.oidcIssuer.issuerUrl] : [],
  );
  const usedClientIds = new Set(
    inventory.serviceAccounts.flatMap((a) =>
      a.workloadIdentity.clientId ? [a.workloadIdentity.clientId] : [],
    ),
  );
  const findings: Finding[] = [];
  for (const identity of model.identities) {
    if (!usedClientIds.has(identity.clientId)) continue;
    for (const credential of model.federatedCredentials) {
      if (credential.identityId !== identity.id || !SUBJECT.test(credential.subject)) continue;
      if (
        !AKS_ISSUER.test(credential.issuer) ||
        knownIssuers.some((issuer) => sameIssuerLoosely(issuer, credential.issuer))
      )
        continue;
      findings.push(
        findingFor(rule, cluster, remediation, {
          status: "fail",
          summary: `${identity.name}, used by workloads on ${cluster.name}, also trusts ${credential.subject} from issuer ${credential.issuer}, which belongs to no scanned cluster.`,
          objects: [
            {
              kind: "federatedCredential",
              id: credential.id,
              label: `federated credential ${credential.name} (${credential.subject})`,
            },
            { kind: "identity", id: identity.id, label: identity.name },
          ],
        }),
      );
    }
  }
  return findings;
}

/** AKS OIDC issuers; other issuers (GitHub Actions, other clouds) are not ours to judge. */
const AKS_ISSUER = /^https:\/\/[^/]*\.oic\.prod-aks\.azure\.com\//i;

export const federatedCredentialOrphaned: FindingRule = {
  id: "federated-credential-orphaned",
  title: "A federated credential trusts a service account that does not exist",
  severity: "medium",
  controls: [CONTROLS.guideWorkloadIdentity],
  evaluate(ctx) {
    const { model } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Delete federated credentials nobody uses (a dangling trust can be claimed by whoever later creates that service account), or fix the issuer/subject.",
        azCli:
          "az identity federated-credential delete --name <credential> --identity-name <identity> --resource-group <rg>",
      }),
      (cluster, remediation) => {
        const issuer = cluster.oidcIssuer.enabled ? cluster.oidcIssuer.issuerUrl : null;
        if (!issuer) {
          return [
            findingFor(this, cluster, remediation, {
              status: "pass",
              summary: "The cluster has no OIDC issuer: no federated credential can trust it.",
            }),
          ];
        }
        const inventory = completeKubernetes(model, cluster);
        const findings: Finding[] = [];
        let unverifiable = 0;
        for (const credential of model.federatedCredentials) {
          if (!sameIssuerLoosely(credential.issuer, issuer)) continue;
          const subject = {
            kind: "federatedCredential",
            id: credential.id,
            label: `federated credential ${credential.name} (${credential.subject})`,
          };
          const identity = {
            kind: "identity",
            id: credential.identityId,
            label: credential.identityId.split("/").pop() ?? credential.identityId,
          };
          if (credential.issuer !== issuer) {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `Issuer "${credential.issuer}" differs from the cluster's "${issuer}" only in case or trailing slash: Entra compares exactly, so the trust never works.`,
                objects: [subject, identity],
              }),
            );
            continue;
          }
          const match = SUBJECT.exec(credential.subject);
          if (!match) continue;
          if (!inventory) {
            unverifiable += 1;
            continue;
          }
          const exists = inventory.serviceAccounts.some(
            (account) => account.namespace === match[1] && account.name === match[2],
          );
          if (!exists) {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `No service account ${match[1]}/${match[2]} exists on ${cluster.name}, yet ${identity.label} trusts it.`,
                objects: [subject, identity],
              }),
            );
          }
        }
        findings.push(...foreignIssuerFindings(this, model, cluster, remediation));
        return failuresOrVerdict(this, cluster, remediation, findings, {
          unread:
            unverifiable > 0
              ? "the cluster's Kubernetes API"
              : allAssignmentsComplete(model)
                ? null
                : "every subscription's identities",
          pass: "Every federated credential trusting this cluster names an existing service account.",
        });
      },
    );
  },
};
