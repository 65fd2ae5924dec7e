import { Prisma } from "@/lib/db/generated/client";
import { prisma } from "@/lib/db/prisma";

// Aggregates over access rows read their natural keys, not their JSON. A 500-cluster tenant holds
// a quarter of a million access.grant rows whose documents (with every path) are large and TOASTed;
// the keys are short and already say cluster, principal, level and route:
//   `<cluster id>|<principal id>|<level or escalation target>|<namespace or *>|<route>`
// (accessGrantKey in lib/access/records.ts). Cluster ids, levels, namespaces and routes never hold a
// `|`; a principal id might (a Kubernetes user name), so it is cut out by length, not by splitting.

function column(alias: string, name: string): Prisma.Sql {
  return Prisma.raw(alias ? `${alias}.${name}` : name);
}

/** The level (grants) or escalation target (escalations) of an access row. */
export function accessLevelSql(alias = ""): Prisma.Sql {
  return Prisma.sql`split_part(${column(alias, "natural_key")}, '|', -3)`;
}

/** A grant's level as a rank: cluster-admin 4, admin 3, write 2, read 1, credentials-only (or anything else) 0. */
export function accessLevelRankSql(alias = ""): Prisma.Sql {
  return Prisma.sql`CASE ${accessLevelSql(alias)} WHEN 'cluster-admin' THEN 4 WHEN 'admin' THEN 3
    WHEN 'write' THEN 2 WHEN 'read' THEN 1 ELSE 0 END`;
}

export function accessRouteSql(alias = ""): Prisma.Sql {
  return Prisma.sql`split_part(${column(alias, "natural_key")}, '|', -1)`;
}

/** The principal id of an access row, whatever characters it holds. */
export function accessPrincipalSql(alias = ""): Prisma.Sql {
  const key = column(alias, "natural_key");
  const cluster = column(alias, "cluster_id");
  return Prisma.sql`substr(${key}, length(${cluster}) + 2,
    length(${key}) - length(${cluster}) - 4 - length(split_part(${key}, '|', -3))
      - length(split_part(${key}, '|', -2)) - length(split_part(${key}, '|', -1)))`;
}

/** The kind of an access principal that is no directory object, from its id; null for directory ids. */
export function nonDirectoryKindSql(id: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${id} LIKE 'system:serviceaccount:%' THEN 'ServiceAccount'
    WHEN ${id} LIKE 'k8s-user:%' THEN 'KubernetesUser' WHEN ${id} LIKE 'k8s-group:%' THEN 'KubernetesGroup' END`;
}

/** The kind of an access principal that is no directory object, as nonDirectoryKindSql names it; "Unknown" for directory ids. */
export function nonDirectoryKind(id: string): string {
  if (id.startsWith("system:serviceaccount:")) return "ServiceAccount";
  if (id.startsWith("k8s-user:")) return "KubernetesUser";
  if (id.startsWith("k8s-group:")) return "KubernetesGroup";
  return "Unknown";
}

/** How the access engine names a principal that is no directory object (see lib/access). */
export function nonDirectoryDisplayName(id: string): string {
  const serviceAccount = /^system:serviceaccount:([^:]+):(.+)$/.exec(id);
  if (serviceAccount) return `${serviceAccount[1]}/${serviceAccount[2]}`;
  if (id.startsWith("k8s-user:")) return id.slice("k8s-user:".length);
  if (id.startsWith("k8s-group:")) return id.slice("k8s-group:".length);
  return id;
}

let bytewise: Promise<boolean> | undefined;

/**
 * Whether text compares byte by byte (collation C or POSIX, as in the embedded database). Only then
 * does a key range `[prefix, prefix with the last "|" as "}")` hold exactly the keys starting with the
 * prefix, so one principal's rows can be read through the key index, cluster by cluster.
 */
export function keysAreBytewise(): Promise<boolean> {
  bytewise ??= prisma()
    .$queryRaw<{ collation: string }[]>(
      Prisma.sql`SELECT datcollate AS collation FROM pg_database WHERE datname = current_database()`,
    )
    .then((rows) => ["C", "POSIX"].includes(rows[0]?.collation ?? ""))
    .catch(() => {
      bytewise = undefined;
      return false;
    });
  return bytewise;
}
