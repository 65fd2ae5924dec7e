import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { z } from "zod";
import type { ClusterConnection } from "@/lib/k8s/cluster-connection";
import { type ClusterKubernetes, emptyClusterKubernetes } from "@/lib/model/kubernetes";
import { clusterKubernetesFromObjects } from "@/lib/model/wire-kubernetes";
import { describeError, isNotFound } from "@/lib/net/describe-error";
import { mapWithLimit } from "@/lib/net/request-slots";
import { isTransientStatus, networkErrorCode } from "@/lib/net/transient-retry";

// Everything identity analysis needs from one cluster's API, listed cluster-wide (one paged list per
// kind, never per namespace) with `limit`/`continue`. Custom resources whose CRD is not installed
// answer 404: that kind is simply empty.

type Page = { items: unknown[]; continueToken: string | undefined };
type Lister = (limit: number, continueToken: string | undefined) => Promise<Page>;

export type KindRead = {
  kind: string;
  /** Custom resources only: false when the CRD is absent. */
  installed: boolean;
  error?: { code: string; message: string };
  /** The API server did not serve the request (reset, timeout, 429/5xx after retries) rather than refusing it. */
  unreachable?: boolean;
};

export type ClusterKubernetesRead = {
  inventory: ClusterKubernetes;
  kinds: KindRead[];
  objectCount: number;
  /** Set when the API server could not be reached at all; nothing else was attempted. */
  unreachable?: { code: string; message: string };
};

const typedListSchema = z.looseObject({
  items: z.array(z.unknown()),
  metadata: z.looseObject({ _continue: z.string().optional() }).optional(),
});
const customListSchema = z.looseObject({
  items: z.array(z.unknown()),
  metadata: z.looseObject({ continue: z.string().optional() }).optional(),
});

function typedPage(value: unknown): Page {
  const parsed = typedListSchema.parse(value);
  return { items: parsed.items, continueToken: parsed.metadata?._continue || undefined };
}

function customPage(value: unknown): Page {
  const parsed = customListSchema.parse(value);
  return { items: parsed.items, continueToken: parsed.metadata?.continue || undefined };
}

type KindSpec = { kind: string; custom: boolean; list: Lister };

function kindSpecs(connection: ClusterConnection): KindSpec[] {
  const rbac = new RbacAuthorizationV1Api(connection.configuration);
  const core = new CoreV1Api(connection.configuration);
  const custom = new CustomObjectsApi(connection.configuration);
  const page = (limit: number, continueToken: string | undefined) => ({
    limit,
    ...(continueToken ? { _continue: continueToken } : {}),
  });
  const customKind = (kind: string, group: string, resourcePlural: string): KindSpec => ({
    kind,
    custom: true,
    list: async (limit, token) =>
      customPage(
        await custom.listCustomObjectForAllNamespaces({
          group,
          version: "v1",
          resourcePlural,
          ...page(limit, token),
        }),
      ),
  });
  return [
    {
      kind: "ClusterRole",
      custom: false,
      list: async (limit, token) => typedPage(await rbac.listClusterRole(page(limit, token))),
    },
    {
      kind: "ClusterRoleBinding",
      custom: false,
      list: async (limit, token) => typedPage(await rbac.listClusterRoleBinding(page(limit, token))),
    },
    {
      kind: "Role",
      custom: false,
      list: async (limit, token) => typedPage(await rbac.listRoleForAllNamespaces(page(limit, token))),
    },
    {
      kind: "RoleBinding",
      custom: false,
      list: async (limit, token) => typedPage(await rbac.listRoleBindingForAllNamespaces(page(limit, token))),
    },
    {
      kind: "Namespace",
      custom: false,
      list: async (limit, token) => typedPage(await core.listNamespace(page(limit, token))),
    },
    {
      kind: "ServiceAccount",
      custom: false,
      list: async (limit, token) =>
        typedPage(await core.listServiceAccountForAllNamespaces(page(limit, token))),
    },
    {
      kind: "Pod",
      custom: false,
      list: async (limit, token) => typedPage(await core.listPodForAllNamespaces(page(limit, token))),
    },
    customKind("AzureIdentity", "aadpodidentity.k8s.io", "azureidentities"),
    customKind("AzureIdentityBinding", "aadpodidentity.k8s.io", "azureidentitybindings"),
    customKind("AzurePodIdentityException", "aadpodidentity.k8s.io", "azurepodidentityexceptions"),
    customKind("SecretProviderClass", "secrets-store.csi.x-k8s.io", "secretproviderclasses"),
  ];
}

function appendInventory(target: ClusterKubernetes, source: ClusterKubernetes): void {
  for (const key of Object.keys(target) as (keyof ClusterKubernetes)[]) {
    (target[key] as unknown[]).push(...source[key]);
  }
}

/**
 * Reads one cluster. A kind that fails (403, retries exhausted) is reported in `kinds` and the rest
 * is still read; the caller decides coverage. Objects are converted page by page so raw objects
 * (pods especially) never pile up in memory.
 */
export async function readClusterKubernetes(
  clusterId: string,
  connection: ClusterConnection,
  options: { pageSize: number; parallelKinds: number },
): Promise<ClusterKubernetesRead> {
  const inventory = emptyClusterKubernetes();
  let objectCount = 0;
  const readKind = async (spec: KindSpec): Promise<KindRead> => {
    const pages: ClusterKubernetes[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await spec.list(options.pageSize, token);
        // List items carry no kind of their own on a real API server.
        const objects = page.items.map((item) => ({ ...(item as object), kind: spec.kind }));
        pages.push(clusterKubernetesFromObjects(clusterId, objects));
        objectCount += objects.length;
        token = page.continueToken;
      } while (token);
      // A kind counts only once it was listed to the end.
      for (const converted of pages) appendInventory(inventory, converted);
      return { kind: spec.kind, installed: true };
    } catch (error) {
      if (spec.custom && isNotFound(error)) return { kind: spec.kind, installed: false };
      const { code, message, status } = describeError(error);
      return {
        kind: spec.kind,
        installed: true,
        error: { code, message },
        // A network failure, or an API server still answering 429/5xx after every retry: either
        // way it is not serving, which is different from refusing one kind (403).
        unreachable:
          networkErrorCode(error) !== undefined ||
          code === "AbortError" ||
          code === "TimeoutError" ||
          (status !== undefined && isTransientStatus(status)),
      };
    }
  };
  const [first, ...rest] = kindSpecs(connection);
  // The first list doubles as the reachability probe: an API server that cannot be reached is not
  // asked ten more times.
  const firstRead = await readKind(first as KindSpec);
  if (firstRead.unreachable) {
    return { inventory, kinds: [firstRead], objectCount, unreachable: firstRead.error };
  }
  const kinds = [firstRead, ...(await mapWithLimit(rest, options.parallelKinds, readKind))];
  return { inventory, kinds, objectCount };
}
