import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { orNotFound, type PageSearchParams, pageScope } from "@/app/_lib/page-scope";
import { becomeClusterAdmin, reachChipsBeyond } from "@/components/access/can-become";
import { blocksInPlace } from "@/components/access/capped-list";
import { PathBlocks } from "@/components/access/path-blocks";
import { EligibleBadge } from "@/components/access/path-steps";
import { PrincipalAccessDetails } from "@/components/access/principal-access-details";
import { ReachChips } from "@/components/access/reach-chip";
import { NoScanYet } from "@/components/no-scan-yet";
import {
  type PrincipalClusterRow,
  PrincipalClusterTable,
} from "@/components/principals/principal-cluster-table";
import { KindTag, LevelBadge } from "@/components/ui/badges";
import { plural } from "@/components/ui/format";
import { JsonLink } from "@/components/ui/json-link";
import { PageHeader, Section } from "@/components/ui/layout";
import { Pagination } from "@/components/ui/pagination";
import { ELIGIBLE_EXPLANATION, ROUTE_LABEL } from "@/lib/access/labels";
import type { AccessLevel } from "@/lib/access/types";
import { type ClusterDifference, differenceSentence } from "@/lib/queries/cluster-differences";
import { clusterHref, clusterSlug, principalHref, principalIdFromParam } from "@/lib/queries/cluster-slug";
import { getClusterDifferences } from "@/lib/queries/get-cluster-differences";
import { getPrincipal, PRINCIPAL_CLUSTERS_PER_PAGE } from "@/lib/queries/get-principal";
import { describeScope } from "@/lib/queries/scope-label";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

/**
 * Grant and escalation blocks rendered with their steps on a page of clusters, whole clusters at a time (the
 * demo's widest principal, break-glass, has 31 on its page, 188 steps): past it, a cluster's paths load when
 * opened. A principal with cluster-admin on 456 of 500 clusters had 40 blocks, 261 steps on each page; at 32
 * those steps were half of the 2,121 elements of its page, and a page's rendering costs about its elements.
 */
const PATH_BLOCKS_IN_PLACE = 16;
/** "Why clusters differ" notes before "list all" (the demo has at most 1; a 500-cluster principal had 58) */
const DIFFERENCES_SHOWN = 10;
/** "Access by cluster" rows before "list all", as the cluster page's 25 principals (50 rows were 725 elements) */
const SUMMARY_ROWS = 25;
const ROLE_ROWS = 50;
const pageParamsSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  all: z.literal("1").optional(),
});

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
  const query = await searchParams;
  const scope = await pageScope(query);
  if (!scope) return <NoScanYet />;
  // a principal with access everywhere has hundreds of clusters: paths are read and shown a page at a time
  const view = lenientParse(pageParamsSchema, searchParamsRecord(query));
  const [data, differences] = await Promise.all([
    orNotFound(getPrincipal(scope, id, { page: view.page, perPage: PRINCIPAL_CLUSTERS_PER_PAGE })),
    getClusterDifferences(scope, id),
  ]);
  // the API's JSON of this very scan: a plain anchor, never next/link (its ?_rsc prefetch is a 400)
  const jsonHref = `/api/principals/${encodeURIComponent(data.principal.id)}?scan=${scope.scanId}`;
  // each cluster's notes, looked up per table row (filtering every note per row was 50 × 58 × hundreds)
  const notesOf = new Map<string, ClusterDifference[]>();
  for (const note of differences)
    for (const cluster of note.clusters) notesOf.set(cluster.id, [...(notesOf.get(cluster.id) ?? []), note]);
  const differencesOf = (clusterId: string) => notesOf.get(clusterId) ?? [];
  const page = view.page;
  const first = (page - 1) * PRINCIPAL_CLUSTERS_PER_PAGE;
  const shown = data.clusters;
  const inPlace = blocksInPlace(
    shown.map((entry) => entry.grants.length + entry.escalations.length),
    PATH_BLOCKS_IN_PLACE,
  );
  const tableRows = view.all ? data.summary : data.summary.slice(0, SUMMARY_ROWS);
  const { principal } = data;
  const withAccess = data.summary.filter((entry) => entry.strongestLevel !== null);
  const admin = withAccess.filter((entry) => entry.strongestLevel === "cluster-admin");
  // eligible (PIM) access is counted apart: not held until activated
  const eligibleAdmin = data.summary.filter(
    (entry) => entry.eligibleLevel === "cluster-admin" && entry.strongestLevel !== "cluster-admin",
  );
  const eligibleOnly = data.summary.filter(
    (entry) => entry.strongestLevel === null && entry.eligibleLevel !== null,
  );
  const held = (entry: { strongestLevel: AccessLevel | null }) =>
    entry.strongestLevel ? [{ level: entry.strongestLevel }] : [];
  const canBecomeAdmin = data.summary.filter((entry) =>
    becomeClusterAdmin({ grants: held(entry), reaches: entry.reaches, oneStep: entry.oneStep }),
  );
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <Link href="/principals" className="link">
            Principals
          </Link>
        }
        title={<>What can {principal.displayName} do?</>}
        actions={
          <JsonLink href={jsonHref} className="text-sm link">
            JSON<span className="sr-only"> of {principal.displayName}'s access</span>
          </JsonLink>
        }
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
          : `Standing access to ${withAccess.length} cluster${withAccess.length === 1 ? "" : "s"}, cluster-admin on ${admin.length}.`}{" "}
        {eligibleAdmin.length > 0 || eligibleOnly.length > 0 ? (
          <span title={ELIGIBLE_EXPLANATION}>
            Eligible (PIM) for cluster-admin on {eligibleAdmin.length} cluster
            {eligibleAdmin.length === 1 ? "" : "s"}
            {eligibleAdmin.length > 0
              ? `: ${eligibleAdmin.map((entry) => entry.cluster.name).join(", ")}`
              : ""}
            {eligibleOnly.length > 0 ? `; eligible only, nothing standing, on ${eligibleOnly.length}` : ""}.{" "}
          </span>
        ) : null}
        {canBecomeAdmin.length > 0 ? (
          <strong className="font-semibold text-red-900">
            Can become cluster-admin on {canBecomeAdmin.length} cluster
            {canBecomeAdmin.length === 1 ? "" : "s"}:{" "}
            {canBecomeAdmin.map((entry) => entry.cluster.name).join(", ")}.{" "}
          </strong>
        ) : null}
        {data.summary.some((entry) => entry.escalations > 0)
          ? `Can escalate on ${data.summary.filter((entry) => entry.escalations > 0).length}.`
          : ""}
      </p>

      {differences.length > 0 ? (
        <Section
          id="differences"
          title="Why clusters differ"
          description="The same Azure role gives less on some clusters: their settings decide."
        >
          <DifferenceList
            notes={view.all ? differences : differences.slice(0, DIFFERENCES_SHOWN)}
            who={principal.displayName}
          />
          {!view.all && differences.length > DIFFERENCES_SHOWN ? (
            <p className="mt-2 text-sm">
              {differences.length - DIFFERENCES_SHOWN} more notes not shown here.{" "}
              <Link className="link" href={`${principalHref(principal.id)}?all=1#differences-heading`}>
                List all {differences.length}
              </Link>
            </p>
          ) : null}
        </Section>
      ) : null}

      {data.summary.length > 0 ? (
        <Section id="clusters" title="Access by cluster" description="Strongest first.">
          <PrincipalClusterTable
            label={`Access of ${principal.displayName} by cluster`}
            rows={tableRows.map(
              (entry, index): PrincipalClusterRow => ({
                name: entry.cluster.name,
                href: clusterHref(entry.cluster.id),
                strongestLevel: entry.strongestLevel,
                strongestWhere: namespaceWords(entry.strongestNamespaces),
                eligibleLevel: entry.eligibleLevel,
                eligibleWhere: namespaceWords(entry.eligibleNamespaces),
                differences:
                  differencesOf(entry.cluster.id)
                    .map((note) => DIFFERENCE_SHORT[note.reason])
                    .join("; ") || null,
                chips: reachChipsBeyond({ ...entry, grants: held(entry) }),
                routes: [...new Set([...entry.routes, ...entry.eligibleRoutes])]
                  .map((route) => ROUTE_LABEL[route])
                  .join(", "),
                escalations: entry.escalations,
                pathsHref: `?page=${Math.floor(index / PRINCIPAL_CLUSTERS_PER_PAGE) + 1}#paths-${index}`,
              }),
            )}
          />
          {tableRows.length < data.summary.length ? (
            <p className="mt-2 text-sm">
              {tableRows.length} of {data.summary.length} clusters listed.{" "}
              <Link className="link" href={`${principalHref(principal.id)}?all=1`}>
                List all {data.summary.length}
              </Link>
            </p>
          ) : null}
        </Section>
      ) : null}

      <Section id="paths" title="How, step by step" description="Each grant with the path that explains it.">
        {data.summary.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing.</p>
        ) : (
          <ul className="space-y-4">
            {shown.map((entry, offset) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: server-rendered, never reordered; the cluster's ARM id as key weighed ~150 B a block in the RSC payload
                key={offset}
                id={`paths-${first + offset}`}
                className="scroll-mt-4 rounded border border-slate-200"
              >
                <h3 className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50 px-3 py-2 font-medium">
                  <Link href={clusterHref(entry.cluster.id)} className="link">
                    {entry.cluster.name}
                  </Link>
                  {entry.strongestLevel ? (
                    <LevelBadge
                      level={entry.strongestLevel}
                      namespace={namespaceWords(
                        data.summary.find((row) => row.cluster.id === entry.cluster.id)
                          ?.strongestNamespaces ?? null,
                      )}
                    />
                  ) : entry.eligibleLevel ? null : (
                    <span className="text-sm font-normal text-slate-600">no access, can escalate</span>
                  )}
                  {entry.eligibleLevel ? (
                    <>
                      <LevelBadge level={entry.eligibleLevel} />
                      <EligibleBadge />
                    </>
                  ) : null}
                  <ReachChips chips={reachChipsBeyond({ ...entry, grants: held(entry) })} />
                </h3>
                <div className="space-y-2 p-3">
                  {differencesOf(entry.cluster.id).length > 0 ? (
                    <DifferenceList
                      notes={differencesOf(entry.cluster.id)}
                      who={principal.displayName}
                      only={entry.cluster.name}
                    />
                  ) : null}
                  {inPlace[offset] ? null : (
                    <div className="rounded border border-slate-200 bg-white">
                      <PrincipalAccessDetails
                        clusterSlug={clusterSlug(entry.cluster.id)}
                        clusterName={entry.cluster.name}
                        principal={{ id: principal.id, displayName: principal.displayName }}
                        scanId={data.scanId}
                        headingLevel={4}
                        linkToPrincipal={false}
                        summaryClassName="text-sm hover:bg-slate-50"
                        summary={
                          <span>
                            Step by step: {plural(entry.grants.length, "grant")}
                            {entry.escalations.length > 0
                              ? `, ${plural(entry.escalations.length, "escalation")}`
                              : ""}
                          </span>
                        }
                      />
                    </div>
                  )}
                  {inPlace[offset] ? (
                    <PathBlocks
                      grants={entry.grants}
                      escalations={entry.escalations}
                      headingLevel={4}
                      who={principal.displayName}
                      where={entry.cluster.name}
                    />
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
        <Pagination
          basePath={principalHref(principal.id)}
          params={{}}
          page={page}
          pageSize={PRINCIPAL_CLUSTERS_PER_PAGE}
          total={data.summary.length}
          label="Clusters with paths"
        />
      </Section>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Section id="roles" title="Azure role assignments" description="Held directly or through a group.">
          {data.roleAssignments.length === 0 ? (
            <p className="text-sm text-slate-600">None.</p>
          ) : (
            <ul className="space-y-1.5 text-sm">
              {data.roleAssignments.slice(0, ROLE_ROWS).map((assignment, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: server-rendered, never reordered; ARM ids as keys weigh in the RSC payload
                <li key={index}>
                  <span className="font-medium">{assignment.role}</span>{" "}
                  <span className="text-slate-600" title={assignment.scope}>
                    on {describeScope(assignment.scope)}
                  </span>
                  {assignment.via ? (
                    <span className="text-slate-600">
                      {" "}
                      through{" "}
                      <Link className="link" href={principalHref(assignment.via.id)}>
                        {assignment.via.displayName}
                      </Link>
                    </span>
                  ) : null}
                  {assignment.conditional ? (
                    <span className="ml-1 rounded bg-amber-50 px-1 text-xs text-amber-900">conditional</span>
                  ) : null}
                  <AssignmentCaveat
                    notes={differences.filter(
                      (note) =>
                        note.role === assignment.role &&
                        note.scope === assignment.scope &&
                        note.via === (assignment.via?.displayName ?? null),
                    )}
                  />
                </li>
              ))}
            </ul>
          )}
          {data.roleAssignments.length > ROLE_ROWS ? (
            <p className="mt-2 text-sm text-slate-600">
              {data.roleAssignments.length - ROLE_ROWS} more in{" "}
              <JsonLink className="link" href={jsonHref}>
                the JSON answer
              </JsonLink>
              .
            </p>
          ) : null}
        </Section>
        <Section id="groups" title="Groups">
          {data.memberOf.length === 0 ? (
            <p className="text-sm text-slate-600">Member of no group the scan knows.</p>
          ) : (
            <ul className="flex flex-wrap gap-2 text-sm">
              {data.memberOf.map((group) => (
                <li key={group.id}>
                  <Link className="link" href={principalHref(group.id)}>
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
                {"firstOnly" in data.members
                  ? `Members (${data.members.transitiveCount}: every account of the tenant the scan knows${data.members.direct.length < data.members.transitiveCount ? `; the first ${data.members.direct.length} by name` : ""})`
                  : `Members (${data.members.transitiveCount} with nesting)`}
              </h3>
              <ul className="flex flex-wrap gap-2 text-sm">
                {data.members.direct.map((member) => (
                  <li key={member.id}>
                    <Link className="link" href={principalHref(member.id)}>
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
              <Link className="link" href={`/identities?q=${encodeURIComponent(data.managedIdentity.name)}`}>
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

/** "namespace default", "namespaces a, b"; null (cluster-wide) shows nothing. */
function namespaceWords(namespaces: string[] | null): string | null {
  if (!namespaces || namespaces.length === 0) return null;
  return `${namespaces.length === 1 ? "namespace" : "namespaces"} ${namespaces.join(", ")}`;
}

const DIFFERENCE_SHORT: Record<ClusterDifference["reason"], string> = {
  "local-accounts-disabled": "local accounts disabled here",
  "azure-rbac-off": "Azure RBAC off here",
};

const NAMED_CLUSTERS = 8;

/** "aks-3: local accounts are disabled, so Contributor (on …) gives credentials only — but …". */
function DifferenceList({
  notes,
  who,
  only,
}: {
  notes: ClusterDifference[];
  who: string;
  /** inside one cluster's block: its name alone, not the note's other clusters */
  only?: string;
}) {
  return (
    <ul className="space-y-1.5 text-sm">
      {notes.map((note, index) => {
        const names = note.clusters.map((cluster) => cluster.name);
        const shown = only ? [only] : names.slice(0, NAMED_CLUSTERS);
        return (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: server-rendered, never reordered; the scope's ARM id as key weighs in the RSC payload
            key={index}
            className="rounded border-l-4 border-amber-400 bg-amber-50 px-2 py-1 text-amber-950"
          >
            <strong className="font-semibold">
              {shown.join(", ")}
              {!only && names.length > shown.length ? ` and ${names.length - shown.length} more` : ""}:
            </strong>{" "}
            {differenceSentence(note, who, describeScope(note.scope))}
          </li>
        );
      })}
    </ul>
  );
}

/** Under a role assignment: where its role gives less than its name says ("gives nothing on aks-2: …"). */
function AssignmentCaveat({ notes }: { notes: ClusterDifference[] }) {
  if (notes.length === 0) return null;
  return (
    <span className="block text-xs text-amber-950">
      {notes
        .map((note) => {
          const names = note.clusters.map((cluster) => cluster.name);
          const where =
            names.length > 3
              ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`
              : names.join(", ");
          const gives = note.gives === "credentials-only" ? "gives credentials only" : "gives nothing";
          return `${gives} on ${where}: ${DIFFERENCE_SHORT[note.reason].replace(" here", "")}`;
        })
        .join("; ")}
    </span>
  );
}
