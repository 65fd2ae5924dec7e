import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { PageSearchParams } from "@/app/_lib/page-scope";
import { DriftView } from "@/app/drift/_components/drift-view";
import { rangeFailure } from "@/app/drift/_components/range-errors";
import { driftPageParamsSchema, malformedScanParam } from "@/app/drift/search-params";
import { PageHeader } from "@/components/ui/layout";
import { getClusterDriftPage } from "@/lib/drift/get-drift-page";
import { clusterHref, clusterIdFromSlug, clusterSlug } from "@/lib/queries/cluster-slug";
import { lenientParse, searchParamsRecord } from "@/lib/queries/search-params";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const id = clusterIdFromSlug((await params).id);
  return { title: `Drift of ${id ? (id.split("/").pop() ?? "cluster") : "cluster"}` };
}

/** One cluster's drift: its own objects, the role assignments scoped inside it, its access and findings. */
export default async function ClusterDriftPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: PageSearchParams;
}) {
  const clusterId = clusterIdFromSlug((await params).id);
  if (!clusterId) notFound();
  const raw = searchParamsRecord(await searchParams);
  if (malformedScanParam(raw)) notFound();
  const query = lenientParse(driftPageParamsSchema, raw);
  const name = clusterId.split("/").pop() ?? clusterId;
  let page: Awaited<ReturnType<typeof getClusterDriftPage>>;
  try {
    page = await getClusterDriftPage(query, clusterId);
  } catch (error) {
    return (
      <div className="space-y-6">
        <PageHeader title={`Drift of ${name}`} />
        {rangeFailure(error)}
      </div>
    );
  }
  const { range, cluster } = page;
  return (
    <div className="space-y-6">
      <PageHeader
        eyebrow={
          <nav aria-label="Breadcrumb">
            <Link className="text-brand-700 underline" href="/clusters">
              Clusters
            </Link>{" "}
            /{" "}
            <Link className="text-brand-700 underline" href={clusterHref(cluster.id)}>
              {cluster.name}
            </Link>
          </nav>
        }
        title={`Drift of ${cluster.name}`}
        description={
          <>
            What changed on this cluster between two scans. Tenant-wide changes are on the{" "}
            <Link className="text-brand-700 underline" href="/drift">
              drift page
            </Link>
            .
          </>
        }
      />
      <DriftView
        range={range}
        cluster={cluster}
        params={query}
        basePath={`/clusters/${clusterSlug(cluster.id)}/drift`}
      />
    </div>
  );
}
