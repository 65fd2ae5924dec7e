import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import type { AzCli } from "@/lib/collect/az-cli";
import { CommandError, type CommandRunner } from "@/lib/collect/command-runner";

// One cluster's Kubernetes objects, read with the user's kubectl. The kubeconfig is the user one AKS
// hands out (listClusterUserCredential, as `az aks get-credentials` fetches it; never the admin one),
// written to a private temporary file so the user's ~/.kube/config is left alone. On Entra-integrated
// clusters its `exec` entry wants kubelogin; the collector passes kubectl a token from the user's own az
// login instead (what `kubelogin convert-kubeconfig -l azurecli` arranges), for the AKS server application
// or, on legacy Entra clusters, the cluster's own server application.

const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
export const CORE_KINDS =
  "namespaces,serviceaccounts,pods,roles,rolebindings,clusterroles,clusterrolebindings";
/** Custom resources the model reads; a cluster without their CRD simply has none. */
export const OPTIONAL_KINDS = [
  "azureidentities",
  "azureidentitybindings",
  "azurepodidentityexceptions",
  "secretproviderclasses",
];
const MANAGED_CLUSTERS_API = "2024-09-01";

type Json = Record<string, unknown>;

export interface KubectlRead {
  /** null: nothing could be read (no credential, API server unreachable) */
  objects: Json[] | null;
  failures: string[];
  kubectlCalls: number;
}

/** Items of a `kubectl get -o json` List, without the bulky and volatile managedFields. */
export function itemsOfKubectlList(stdout: string): Json[] {
  const list = JSON.parse(stdout) as { items?: Json[] };
  return (list.items ?? []).map((item) => {
    const metadata = { ...((item.metadata ?? {}) as Json) };
    delete metadata.managedFields;
    return { ...item, metadata };
  });
}

/**
 * The kubeconfig with every user's credential replaced by the bearer token: kubectl refuses the legacy
 * `auth-provider: azure` entry outright ("The azure auth plugin has been removed") even when given --token,
 * and an `exec` entry would need kubelogin. The file is private (0600) and removed after the cluster is read.
 */
export function withToken(kubeconfig: string, token: string): string {
  const config = parse(kubeconfig) as { users?: { name: string; user?: unknown }[] } | null;
  for (const user of config?.users ?? []) user.user = { token };
  return stringify(config);
}

function kubectlReason(stderr: string): string {
  return (
    stderr
      .split("\n")
      .map((line) => line.trim())
      .find(Boolean) ?? "kubectl failed without a message"
  );
}

export async function kubernetesObjectsWithKubectl(
  cluster: Json,
  context: { az: AzCli; run: CommandRunner; kubectl: string },
): Promise<KubectlRead> {
  const id = String(cluster.id);
  const aad = ((cluster.properties as Json | undefined)?.aadProfile ?? null) as Json | null;
  let kubeconfig: string;
  let token: string | null = null;
  try {
    const credentials = (await context.az.rest(
      `${id}/listClusterUserCredential?api-version=${MANAGED_CLUSTERS_API}`,
      { method: "post" },
    )) as { kubeconfigs?: { value?: string }[] };
    const value = credentials?.kubeconfigs?.[0]?.value;
    if (!value)
      return {
        objects: null,
        failures: ["listClusterUserCredential returned no kubeconfig"],
        kubectlCalls: 0,
      };
    kubeconfig = Buffer.from(value, "base64").toString("utf8");
    if (aad) {
      const resource =
        aad.managed === true ? AKS_SERVER_APP_ID : String(aad.serverAppID ?? AKS_SERVER_APP_ID);
      const answer = (await context.az.json(["account", "get-access-token", "--resource", resource])) as {
        accessToken?: string;
      };
      token = answer?.accessToken ?? null;
    }
  } catch (error) {
    const reason =
      error instanceof CommandError ? `${error.command}: ${error.code}: ${error.message}` : String(error);
    return { objects: null, failures: [reason], kubectlCalls: 0 };
  }
  const folder = await mkdtemp(path.join(os.tmpdir(), "aks-atlas-collect-"));
  const file = path.join(folder, "kubeconfig");
  let kubectlCalls = 0;
  try {
    await writeFile(file, token ? withToken(kubeconfig, token) : kubeconfig, { mode: 0o600 });
    const get = async (kinds: string) => {
      kubectlCalls += 1;
      return context.run(context.kubectl, [
        "--kubeconfig",
        file,
        "--request-timeout",
        "60s",
        "get",
        kinds,
        "--all-namespaces",
        "-o",
        "json",
      ]);
    };
    const core = await get(CORE_KINDS);
    if (core.code !== 0)
      return { objects: null, failures: [`kubectl get: ${kubectlReason(core.stderr)}`], kubectlCalls };
    const objects = itemsOfKubectlList(core.stdout);
    const failures: string[] = [];
    for (const kind of OPTIONAL_KINDS) {
      const result = await get(kind);
      if (result.code === 0) objects.push(...itemsOfKubectlList(result.stdout));
      else if (
        !/doesn't have a resource type|the server could not find the requested resource/i.test(result.stderr)
      )
        failures.push(`kubectl get ${kind}: ${kubectlReason(result.stderr)}`);
    }
    return { objects, failures, kubectlCalls };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
