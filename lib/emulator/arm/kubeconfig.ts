import { stringify } from "yaml";
import type { ClusterEntry } from "@/lib/emulator/tenant-index";
import { AKS_SERVER_APP_ID, KUBELOGIN_CLIENT_ID } from "@/lib/emulator/tokens";

export type KubeconfigUser =
  | { kind: "token"; token: string }
  | { kind: "exec"; tenantId: string; serverId: string }
  | { kind: "azure-auth-provider"; tenantId: string; serverId: string; clientId: string };

/** The user entry AKS puts in a user kubeconfig for this cluster and `format`. */
export function userCredentialUser(
  cluster: ClusterEntry,
  tenantId: string,
  format: string | undefined,
  staticUserToken: string,
): KubeconfigUser {
  if (cluster.managedAad) {
    return format?.toLowerCase() === "azure"
      ? { kind: "azure-auth-provider", tenantId, serverId: AKS_SERVER_APP_ID, clientId: KUBELOGIN_CLIENT_ID }
      : { kind: "exec", tenantId, serverId: AKS_SERVER_APP_ID };
  }
  if (cluster.legacyAad) {
    const aad = (cluster.resource.properties as Record<string, Record<string, unknown>> | undefined)
      ?.aadProfile;
    return {
      kind: "azure-auth-provider",
      tenantId: typeof aad?.tenantID === "string" ? aad.tenantID : tenantId,
      serverId: cluster.serverAppId ?? AKS_SERVER_APP_ID,
      clientId: typeof aad?.clientAppID === "string" ? aad.clientAppID : KUBELOGIN_CLIENT_ID,
    };
  }
  return { kind: "token", token: staticUserToken };
}

function userEntry(user: KubeconfigUser): Record<string, unknown> {
  switch (user.kind) {
    case "token":
      return { token: user.token };
    case "exec":
      return {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "kubelogin",
          args: [
            "get-token",
            "--environment",
            "AzurePublicCloud",
            "--server-id",
            user.serverId,
            "--client-id",
            KUBELOGIN_CLIENT_ID,
            "--tenant-id",
            user.tenantId,
            "--login",
            "devicecode",
          ],
          env: null,
          installHint: "\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n",
          interactiveMode: "IfAvailable",
          provideClusterInfo: false,
        },
      };
    case "azure-auth-provider":
      return {
        "auth-provider": {
          name: "azure",
          config: {
            "apiserver-id": user.serverId,
            "client-id": user.clientId,
            "config-mode": "1",
            environment: "AzurePublicCloud",
            "tenant-id": user.tenantId,
          },
        },
      };
  }
}

/** A kubeconfig as AKS returns it (before base64), pointing at the emulated API server. */
export function buildKubeconfig(options: {
  cluster: ClusterEntry;
  server: string;
  caPem: string;
  credential: "clusterUser" | "clusterAdmin";
  user: KubeconfigUser;
}): string {
  const { cluster, credential } = options;
  const contextName = credential === "clusterAdmin" ? `${cluster.name}-admin` : cluster.name;
  const userName = `${credential}_${cluster.resourceGroup}_${cluster.name}`;
  return stringify({
    apiVersion: "v1",
    clusters: [
      {
        cluster: {
          "certificate-authority-data": Buffer.from(options.caPem).toString("base64"),
          server: options.server,
        },
        name: cluster.name,
      },
    ],
    contexts: [{ context: { cluster: cluster.name, user: userName }, name: contextName }],
    "current-context": contextName,
    kind: "Config",
    preferences: {},
    users: [{ name: userName, user: userEntry(options.user) }],
  });
}
