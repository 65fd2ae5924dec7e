import Link from "next/link";
import type { ReactNode } from "react";
import { Fact, SubHeading } from "@/components/cluster/fact";
import { PostureFlag } from "@/components/ui/badges";
import type { ClusterDetail } from "@/lib/queries/cluster-detail";
import { principalHref } from "@/lib/queries/cluster-slug";

function Arrow() {
  return (
    <span aria-hidden="true" className="px-1 text-slate-500">
      →
    </span>
  );
}

type Chain =
  | ClusterDetail["workloads"]["chains"][number]
  | ClusterDetail["workloads"]["applicationChains"][number];

/** issuer → credential → what it signs in as → service account → pods, with what breaks it and what it reaches. */
function ChainItem({ chain, target }: { chain: Chain; target: ReactNode }) {
  return (
    <li
      className={`rounded border p-2 text-sm ${chain.problem ? "border-red-200 bg-red-50" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-center">
        <span title={chain.credential.issuer}>issuer</span>
        <Arrow />
        <span>credential {chain.credential.name}</span>
        <Arrow />
        {target}
        <Arrow />
        <span>
          {chain.serviceAccount
            ? `${chain.serviceAccount.namespace}/${chain.serviceAccount.name}`
            : chain.credential.subject ||
              (chain.credential.claimsMatchingExpression?.value ??
                "any service account (a flexible credential whose expression was not read)")}
        </span>
        <Arrow />
        <span>
          {chain.pods.length ? `${chain.pods.length} pod${chain.pods.length === 1 ? "" : "s"}` : "no pods"}
        </span>
      </div>
      {chain.problem ? <p className="mt-1 font-medium text-red-900">Broken: {chain.problem}.</p> : null}
      {chain.assignments.length > 0 ? (
        <p className="mt-1 text-xs text-slate-700">
          Reaches:{" "}
          {chain.assignments
            .map((assignment) => `${assignment.role.name} on ${assignment.scopeLabel}`)
            .join("; ")}
        </p>
      ) : null}
    </li>
  );
}

export function Workloads({ detail }: { detail: ClusterDetail }) {
  const workloads = detail.workloads;
  const kubernetesRead = detail.coverage.kubernetes.status === "complete";
  return (
    <div>
      <dl className="divide-y divide-slate-100">
        <Fact label="OIDC issuer">
          <PostureFlag value={workloads.oidcIssuer.enabled} good yes="enabled" no="disabled" />
        </Fact>
        <Fact label="Workload identity">
          <PostureFlag value={workloads.workloadIdentityEnabled} good yes="enabled" no="disabled" />
        </Fact>
        <Fact label="AAD Pod Identity (deprecated)">
          <PostureFlag value={workloads.podIdentity.enabled} good={false} yes="in use" no="not in use" />
        </Fact>
      </dl>
      {!kubernetesRead ? (
        <p className="mt-2 rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
          The Kubernetes API was not read completely in this scan (
          {detail.coverage.kubernetes.reason ?? detail.coverage.kubernetes.status}): service accounts, pods
          and pod identities may be missing below.
        </p>
      ) : null}

      <SubHeading>Workload identity chains</SubHeading>
      {workloads.chains.length === 0 ? (
        <p className="text-sm text-slate-600">No federated credential trusts this cluster's issuer.</p>
      ) : (
        <ul className="space-y-2">
          {workloads.chains.map((chain) => (
            <ChainItem
              key={chain.credential.id}
              chain={chain}
              target={
                chain.identity ? (
                  <Link href={`/identities?q=${encodeURIComponent(chain.identity.name)}`} className="link">
                    {chain.identity.name}
                  </Link>
                ) : (
                  <span>unknown identity</span>
                )
              }
            />
          ))}
        </ul>
      )}
      {workloads.applicationChains.length > 0 ? (
        <>
          <SubHeading>Workload identity chains to applications</SubHeading>
          <p className="mb-2 text-xs text-slate-600">
            A token these credentials accept signs in as the application's service principal, with every role
            it holds.
          </p>
          <ul className="space-y-2">
            {workloads.applicationChains.map((chain) => (
              <ChainItem
                key={`${chain.credential.applicationId}/${chain.credential.id}`}
                chain={chain}
                target={
                  chain.servicePrincipal ? (
                    <Link href={principalHref(chain.servicePrincipal.id)} className="link">
                      application {chain.application?.displayName ?? chain.servicePrincipal.displayName}
                    </Link>
                  ) : (
                    <span>application {chain.application?.displayName ?? chain.credential.appId}</span>
                  )
                }
              />
            ))}
          </ul>
        </>
      ) : null}
      {workloads.annotatedWithoutCredential.length > 0 ? (
        <>
          <SubHeading>Service accounts naming an identity with no credential here</SubHeading>
          <ul className="space-y-1 text-sm">
            {workloads.annotatedWithoutCredential.map((account) => (
              <li
                key={`${account.namespace}/${account.name}`}
                className="rounded border border-red-200 bg-red-50 p-2"
              >
                {account.namespace}/{account.name} <Arrow />{" "}
                {account.identity?.name ??
                  (account.application
                    ? `application ${account.application}`
                    : `client id ${account.clientId}`)}
                : no federated credential trusts this cluster for it
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {workloads.podIdentity.identities.length > 0 ? (
        <>
          <SubHeading>AAD Pod Identity in use</SubHeading>
          <ul className="space-y-1 text-sm">
            {workloads.podIdentity.identities.map((entry) => (
              <li
                key={`${entry.azureIdentity.namespace}/${entry.azureIdentity.name}`}
                className="rounded border border-amber-200 bg-amber-50 p-2"
              >
                {entry.azureIdentity.namespace}/{entry.azureIdentity.name}
                <Arrow />
                {entry.identity?.name ?? entry.azureIdentity.clientId ?? "unknown identity"}
                <span className="text-slate-700">
                  {" "}
                  · bindings {entry.bindings.map((binding) => binding.selector).join(", ") || "none"} ·{" "}
                  {entry.pods.length} pod
                  {entry.pods.length === 1 ? "" : "s"}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <SubHeading>SecretProviderClasses</SubHeading>
      {workloads.secretProviderClasses.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {workloads.secretProviderClasses.map((spc) => (
            <li key={`${spc.namespace}/${spc.name}`}>
              <span className="font-medium">
                {spc.namespace}/{spc.name}
              </span>
              <span className="text-slate-700">
                {" "}
                · {spc.keyvaultName ?? spc.provider} via {spc.identityMode}
                {spc.identity ? ` (${spc.identity.name})` : ""} · {spc.pods.length} pod
                {spc.pods.length === 1 ? "" : "s"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
