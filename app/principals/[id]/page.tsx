import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { EscalationBlock, GrantBlock } from "@/components/access/grant-block";
import { NoScanYet } from "@/components/no-scan-yet";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { PageHeader, Section } from "@/components/ui/layout";
import { clusterHref, principalHref, principalIdFromParam } from "@/lib/queries/cluster-slug";
import { getPrincipal } from "@/lib/queries/get-principal";
import { describeScope } from "@/lib/queries/scope-label";
import { pathKey } from "@/lib/queries/stored-records";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Principal ${principalIdFromParam((await params).id)}` };
}

export default async function PrincipalPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: PageSearchParams;
}) {
  const id = principalIdFromParam((await params).id);
  const scope = await pageScope(await searchParams);
  if (!scope) return <NoScanYet />;
  const data = await orNotFound(getPrincipal(scope, id));
  const { principal } = data;
  const withAccess = data.clusters.filter((entry) => entry.grants.length > 0);
  const admin = withAccess.filter((entry) => entry.strongestLevel === "cluster-admin");
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <Link
            href="/principals"
            className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
          >
            Principals
          </Link>
        }
        title={<>What can {principal.displayName} do?</>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <KindTag kind={principal.kind} />
            {principal.userPrincipalName ? <span>{principal.userPrincipalName}</span> : null}
            <span className="break-all font-mono text-xs">{principal.id}</span>
            {principal.deleted ? (
              <span className="rounded bg-red-50 px-1 text-xs text-red-900">
                deleted from the directory, still referenced
              </span>
            ) : null}
            {!principal.inDirectory ? (
              <span className="rounded bg-slate-100 px-1 text-xs">not a directory object</span>
            ) : null}
          </span>
        }
      />
      <p className="text-sm">
        {withAccess.length === 0
          ? "No access to any cluster in this scan."
          : `Access to ${withAccess.length} cluster${withAccess.length === 1 ? "" : "s"}, cluster-admin on ${admin.length}.`}{" "}
        {data.clusters.some((entry) => entry.escalations.length > 0)
          ? `Can escalate on ${data.clusters.filter((entry) => entry.escalations.length > 0).length}.`
          : ""}
      </p>

      <Section
        id="clusters"
        title="Access by cluster"
        description="Each grant with the path that explains it."
      >
        {data.clusters.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing.</p>
        ) : (
          <ul className="space-y-4">
            {data.clusters.map((entry) => (
              <li key={entry.cluster.id} className="rounded border border-slate-200">
                <h3 className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50 px-3 py-2 font-medium">
                  <Link
                    href={clusterHref(entry.cluster.id)}
                    className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                  >
                    {entry.cluster.name}
                  </Link>
                  {entry.strongestLevel ? (
                    <LevelBadge level={entry.strongestLevel} />
                  ) : (
                    <span className="text-sm font-normal text-slate-600">no access, can escalate</span>
                  )}
                </h3>
                <div className="space-y-2 p-3">
                  {entry.grants.map((grant) => (
                    <GrantBlock
                      key={`${grant.level}|${grant.namespace}|${grant.route}|${pathKey(grant.path)}`}
                      grant={grant}
                      headingLevel={4}
                      who={principal.displayName}
                      where={entry.cluster.name}
                    />
                  ))}
                  {entry.escalations.map((escalation) => (
                    <EscalationBlock
                      key={`${escalation.to}|${escalation.route}|${pathKey(escalation.path)}`}
                      escalation={escalation}
                      who={principal.displayName}
                      where={entry.cluster.name}
                    />
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Section id="roles" title="Azure role assignments" description="Held directly or through a group.">
          {data.roleAssignments.length === 0 ? (
            <p className="text-sm text-slate-600">None.</p>
          ) : (
            <ul className="space-y-1.5 text-sm">
              {data.roleAssignments.map((assignment) => (
                <li key={assignment.id}>
                  <span className="font-medium">{assignment.role}</span>{" "}
                  <span className="text-slate-600" title={assignment.scope}>
                    on {describeScope(assignment.scope)}
                  </span>
                  {assignment.via ? (
                    <span className="text-slate-600">
                      {" "}
                      through{" "}
                      <Link
                        className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                        href={principalHref(assignment.via.id)}
                      >
                        {assignment.via.displayName}
                      </Link>
                    </span>
                  ) : null}
                  {assignment.conditional ? (
                    <span className="ml-1 rounded bg-amber-50 px-1 text-xs text-amber-900">conditional</span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section id="groups" title="Groups">
          {data.memberOf.length === 0 ? (
            <p className="text-sm text-slate-600">Member of no group the scan knows.</p>
          ) : (
            <ul className="flex flex-wrap gap-2 text-sm">
              {data.memberOf.map((group) => (
                <li key={group.id}>
                  <Link
                    className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                    href={principalHref(group.id)}
                  >
                    {group.displayName}
                  </Link>
                  {!group.direct ? <span className="text-xs text-slate-600"> (nested)</span> : null}
                </li>
              ))}
            </ul>
          )}
          {data.members ? (
            <div className="mt-3">
              <h3 className="mb-1 text-sm font-semibold">
                Members ({data.members.transitiveCount} with nesting)
              </h3>
              <ul className="flex flex-wrap gap-2 text-sm">
                {data.members.direct.map((member) => (
                  <li key={member.id}>
                    <Link
                      className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                      href={principalHref(member.id)}
                    >
                      {member.displayName}
                    </Link>{" "}
                    <KindTag kind={member.kind} />
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {data.managedIdentity ? (
            <p className="mt-3 text-sm">
              Managed identity{" "}
              <Link
                className="text-brand-700 underline decoration-brand-500/40 underline-offset-2 hover:decoration-brand-700"
                href={`/identities?q=${encodeURIComponent(data.managedIdentity.name)}`}
              >
                {data.managedIdentity.name}
              </Link>{" "}
              in {data.managedIdentity.resourceGroup}.
            </p>
          ) : null}
        </Section>
      </div>
    </div>
  );
}
