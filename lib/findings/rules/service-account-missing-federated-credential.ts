import { CONTROLS } from "@/lib/findings/controls";
import {
  allAssignmentsComplete,
  anyKubernetes,
  completeKubernetes,
  type FindingRule,
  failuresOrVerdict,
  findingFor,
  findingsPerCluster,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";
import type { Cluster } from "@/lib/model/azure";
import { kubernetesNaturalKey } from "@/lib/model/ids";

export const serviceAccountMissingFederatedCredential: FindingRule = {
  id: "service-account-missing-federated-credential",
  title: "A workload-identity service account has no matching federated credential",
  severity: "low",
  controls: [CONTROLS.guideWorkloadIdentity],
  evaluate(ctx) {
    const { model } = ctx;
    const identitiesByClientId = new Map(model.identities.map((identity) => [identity.clientId, identity]));
    const everyIdentityRead = allAssignmentsComplete(model);
    // Applications: the client id is an app id; their credentials were read when the model has the list.
    const applicationsByAppId = new Map(
      (model.directoryOwners ?? []).flatMap((ownership) =>
        ownership.objectKind === "Application" && ownership.appId
          ? [[ownership.appId, ownership] as const]
          : [],
      ),
    );
    const applicationCredentials = model.applicationFederatedCredentials;
    const issuerOf = (cluster: Cluster) =>
      cluster.oidcIssuer.enabled && cluster.workloadIdentityEnabled ? cluster.oidcIssuer.issuerUrl : null;
    return findingsPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Create the federated credential on the identity or application the service account names (exact issuer, subject system:serviceaccount:<ns>:<name>), or remove the annotation.",
        azCli: `az identity federated-credential create --name <name> --identity-name <identity> --resource-group <rg> --issuer ${issuerOf(cluster) ?? "<cluster-oidc-issuer>"} --subject system:serviceaccount:<namespace>:<service-account> --audiences api://AzureADTokenExchange`,
      }),
      (cluster, remediation) => {
        const issuer = issuerOf(cluster);
        const inventory = anyKubernetes(model, cluster);
        const findings: Finding[] = [];
        for (const account of inventory?.serviceAccounts ?? []) {
          const clientId = account.workloadIdentity.clientId;
          if (!clientId) continue;
          const subject = {
            kind: "k8s.serviceAccount",
            id: kubernetesNaturalKey(cluster.id, "ServiceAccount", account.namespace, account.name),
            label: `ServiceAccount ${account.namespace}/${account.name}`,
          };
          const wanted = `system:serviceaccount:${account.namespace}:${account.name}`;
          if (!issuer) {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `${subject.label} asks for client ${clientId}, but workload identity or the OIDC issuer is off on ${cluster.name}.`,
                objects: [subject],
              }),
            );
            continue;
          }
          const identity = identitiesByClientId.get(clientId);
          const application = identity ? undefined : applicationsByAppId.get(clientId);
          if (application && applicationCredentials) {
            const trusted = applicationCredentials.some(
              (credential) =>
                credential.appId === clientId &&
                credential.issuer === issuer &&
                // a flexible credential read through Graph v1.0 (no subject) may trust it: not a failure
                (credential.subject === wanted || credential.subject === ""),
            );
            if (!trusted)
              findings.push(
                findingFor(this, cluster, remediation, {
                  status: "fail",
                  summary: `${subject.label} asks for application ${application.displayName}, but no federated credential of ${application.displayName} trusts ${wanted} from this cluster's issuer.`,
                  objects: [
                    subject,
                    { kind: "application", id: application.objectId, label: application.displayName },
                  ],
                }),
              );
            continue;
          }
          if (!identity) {
            findings.push(
              findingFor(this, cluster, remediation, {
                // An app registration the scan did not read (its service principal holds nothing the scan saw),
                // or one whose credentials were not read: unknown, not broken.
                status: "not-assessed",
                summary: application
                  ? `${subject.label} asks for application ${application.displayName}, whose federated credentials were not read in this scan.`
                  : everyIdentityRead
                    ? `${subject.label} asks for client ${clientId}, which is no user-assigned identity in the tenant, nor the application of a service principal this scan read.`
                    : `${subject.label} asks for client ${clientId}, whose identity was not read in this scan.`,
                objects: [subject],
              }),
            );
            continue;
          }
          const trusted = model.federatedCredentials.some(
            (credential) =>
              credential.identityId === identity.id &&
              credential.issuer === issuer &&
              credential.subject === wanted,
          );
          if (!trusted) {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `${subject.label} is annotated with ${identity.name}, but no federated credential of ${identity.name} trusts ${wanted} from this cluster's issuer.`,
                objects: [subject, { kind: "identity", id: identity.id, label: identity.name }],
              }),
            );
          }
        }
        return failuresOrVerdict(this, cluster, remediation, findings, {
          unread: completeKubernetes(model, cluster) ? null : "the cluster's Kubernetes API",
          pass: "Every annotated service account has a matching federated credential.",
        });
      },
    );
  },
};
