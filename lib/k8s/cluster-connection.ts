import {
  type Configuration,
  createConfiguration,
  HttpMethod,
  KubeConfig,
  RequestContext,
  type SecurityAuthentication,
  ServerConfiguration,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import type { ScanHttpContext } from "@/lib/azure/scan-http-context";
import { KubernetesTransport } from "@/lib/k8s/kubernetes-transport";

// How the scanner reaches one cluster's API server: the server and CA come from the user kubeconfig
// that `listClusterUserCredential` returns (never the admin one). The credential is an Entra token
// for the cluster's server application on Entra-integrated clusters — the kubeconfig's exec
// (kubelogin) or auth-provider entry is never run — and the kubeconfig's own credential elsewhere.

/** The AKS AAD server application; tokens for it are what managed-Entra clusters accept. */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
export const AKS_SERVER_SCOPE = `${AKS_SERVER_APP_ID}/.default`;

export type ClusterCredential =
  /** An Entra access token for the cluster's server application. */
  | { kind: "entra-token"; token: string }
  /** The kubeconfig's own user (a static token or a client certificate). */
  | { kind: "kubeconfig" };

export class KubeconfigError extends Error {
  override name = "KubeconfigError";
  readonly code = "InvalidKubeconfig";
}

export type ParsedKubeconfig = {
  config: KubeConfig;
  server: string;
  /** What the kubeconfig's user would do to sign in. */
  userKind: "exec" | "auth-provider" | "token" | "certificate" | "none";
  /** The token audience an exec or azure auth-provider user asks for (`--server-id`, `apiserver-id`). */
  serverApplicationId: string | null;
};

function argumentAfter(args: unknown, flag: string): string | null {
  if (!Array.isArray(args)) return null;
  const at = args.indexOf(flag);
  const value = at >= 0 ? args[at + 1] : undefined;
  return typeof value === "string" ? value : null;
}

export function parseKubeconfig(yaml: string): ParsedKubeconfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(yaml);
  } catch (error) {
    throw new KubeconfigError(
      `the user kubeconfig cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  if (!cluster) throw new KubeconfigError("the user kubeconfig names no current cluster");
  if (!cluster.server.startsWith("https://")) {
    throw new KubeconfigError(`the API server "${cluster.server}" is not an https:// URL`);
  }
  const authProviderConfig = (user?.authProvider as { config?: Record<string, unknown> } | undefined)?.config;
  const userKind: ParsedKubeconfig["userKind"] = user?.exec
    ? "exec"
    : user?.authProvider
      ? "auth-provider"
      : user?.token
        ? "token"
        : user?.certData || user?.certFile
          ? "certificate"
          : "none";
  const serverApplicationId =
    argumentAfter((user?.exec as { args?: unknown } | undefined)?.args, "--server-id") ??
    (typeof authProviderConfig?.["apiserver-id"] === "string" ? authProviderConfig["apiserver-id"] : null);
  return { config, server: cluster.server, userKind, serverApplicationId };
}

export type ClusterConnection = {
  server: string;
  configuration: Configuration;
  close(): Promise<void>;
};

/**
 * A client configuration for one cluster. Authentication is resolved once (the client library would
 * otherwise build a new connection pool for every request) and shared by every request.
 */
export async function connectToCluster(
  kubeconfig: ParsedKubeconfig,
  credential: ClusterCredential,
  http: ScanHttpContext,
  budget: AbortSignal,
): Promise<ClusterConnection> {
  let config = kubeconfig.config;
  if (credential.kind === "entra-token") {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new KubeconfigError("the user kubeconfig names no current cluster");
    config = new KubeConfig();
    config.loadFromClusterAndUser(cluster, { name: "aks-identity-atlas-scanner", token: credential.token });
  } else if (kubeconfig.userKind === "exec" || kubeconfig.userKind === "auth-provider") {
    // Running a kubeconfig's command is never an option for the scanner.
    throw new KubeconfigError(
      `the user kubeconfig signs in with ${kubeconfig.userKind}, which the scanner does not run`,
    );
  }
  const probe = new RequestContext(kubeconfig.server, HttpMethod.GET);
  await config.applySecurityAuthentication(probe);
  const headers = probe.getHeaders();
  const dispatcher = probe.getDispatcher();
  const authentication: SecurityAuthentication = {
    getName: () => "aks-identity-atlas scanner",
    applySecurityAuthentication(context) {
      for (const [name, value] of Object.entries(headers)) context.setHeaderParam(name, value);
      if (dispatcher) context.setDispatcher(dispatcher);
    },
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(kubeconfig.server, {}),
    authMethods: { default: authentication },
    httpApi: wrapHttpLibrary(new KubernetesTransport(http, budget)),
  });
  return {
    server: kubeconfig.server,
    configuration,
    async close() {
      await dispatcher?.close().catch(() => undefined);
    },
  };
}
