import type { TokenCredential } from "@azure/core-auth";
import type { ArmClients } from "@/lib/azure/arm-clients";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import {
  AKS_SERVER_SCOPE,
  type ClusterCredential,
  connectToCluster,
  KubeconfigError,
  parseKubeconfig,
} from "@/lib/k8s/cluster-connection";
import { type ClusterKubernetesRead, readClusterKubernetes } from "@/lib/k8s/kubernetes-reader";
import type { Cluster } from "@/lib/model/azure";
import { describeError } from "@/lib/net/describe-error";

// One cluster's Kubernetes side, inside its time budget: the user kubeconfig (server and CA), the
// right credential for its Entra mode, then every kind the model keeps.

export type ClusterReadOutcome =
  | { status: "read"; read: ClusterKubernetesRead }
  | { status: "failed"; stage: string; code: string; message: string };

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  readonly code = "ClusterTimeBudgetExceeded";
}

async function clusterCredential(
  cluster: Cluster,
  serverApplicationId: string | null,
  credential: TokenCredential,
  budget: AbortSignal,
): Promise<ClusterCredential> {
  if (cluster.entra.mode === "none") return { kind: "kubeconfig" };
  // Managed Entra: always the AKS server application. Legacy: the customer's own server app,
  // which only the kubeconfig names.
  const scope =
    cluster.entra.mode === "managed" || serverApplicationId === null
      ? AKS_SERVER_SCOPE
      : `${serverApplicationId}/.default`;
  const token = await credential.getToken(scope, { abortSignal: budget });
  if (!token) throw new KubeconfigError(`no Entra token was issued for ${scope}`);
  return { kind: "entra-token", token: token.token };
}

export async function readCluster(
  cluster: Cluster,
  deps: { clients: ArmClients; credential: TokenCredential; http: ScanHttpContext },
  options: { budgetMs: number; pageSize: number; parallelKinds: number },
): Promise<ClusterReadOutcome> {
  const budgetSignals = [AbortSignal.timeout(options.budgetMs)];
  if (deps.http.signal) budgetSignals.push(deps.http.signal);
  const budget = AbortSignal.any(budgetSignals);
  let stage = "listClusterUserCredential";
  const fail = (error: unknown): ClusterReadOutcome => {
    const described =
      budget.aborted && !deps.http.signal?.aborted
        ? {
            code: "ClusterTimeBudgetExceeded",
            message: `the cluster's time budget of ${options.budgetMs} ms ran out`,
          }
        : describeError(error);
    return { status: "failed", stage, code: described.code, message: described.message };
  };
  try {
    const result = await deps.clients
      .containerServiceFor(cluster.subscriptionId)
      .managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name, {
        abortSignal: budget,
      });
    const value = result.kubeconfigs?.[0]?.value;
    if (!value) throw new KubeconfigError("listClusterUserCredential returned no kubeconfig");
    // The SDK already decoded the base64: value holds the kubeconfig bytes.
    const kubeconfig = parseKubeconfig(Buffer.from(value).toString("utf8"));
    stage = "Entra token for the cluster";
    const credential = await clusterCredential(
      cluster,
      kubeconfig.serverApplicationId,
      deps.credential,
      budget,
    );
    stage = "Kubernetes API";
    const connection = await connectToCluster(kubeconfig, credential, deps.http, budget);
    try {
      const read = await readClusterKubernetes(cluster.id, connection, {
        pageSize: options.pageSize,
        parallelKinds: options.parallelKinds,
      });
      if (budget.aborted && !deps.http.signal?.aborted) {
        // Kinds cut off by the budget failed with aborts; say why once, plainly.
        for (const kind of read.kinds) {
          if (kind.error && (kind.error.code === "AbortError" || kind.error.code === "TimeoutError")) {
            kind.error = {
              code: "ClusterTimeBudgetExceeded",
              message: `the cluster's time budget of ${options.budgetMs} ms ran out`,
            };
          }
        }
        if (read.unreachable) return fail(budget.reason);
      }
      return { status: "read", read };
    } finally {
      await connection.close();
    }
  } catch (error) {
    return fail(error);
  }
}
