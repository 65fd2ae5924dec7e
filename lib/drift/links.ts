import { clusterHref, principalHref } from "@/lib/queries/cluster-slug";

// App paths drift events link to. The object view shows one record's versions between two scans.

export { principalHref };

export function driftObjectHref(input: {
  kind: string;
  key: string;
  from?: bigint | null;
  to?: bigint | null;
}): string {
  const params = new URLSearchParams({ kind: input.kind, key: input.key });
  if (input.from !== undefined && input.from !== null) params.set("from", input.from.toString());
  if (input.to !== undefined && input.to !== null) params.set("to", input.to.toString());
  return `/drift/object?${params.toString()}`;
}

export function driftClusterHref(clusterId: string, from?: bigint | null, to?: bigint | null): string {
  const params = new URLSearchParams();
  if (from !== undefined && from !== null) params.set("from", from.toString());
  if (to !== undefined && to !== null) params.set("to", to.toString());
  const query = params.toString();
  return `${clusterHref(clusterId)}/drift${query ? `?${query}` : ""}`;
}
