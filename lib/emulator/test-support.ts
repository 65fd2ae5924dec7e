/**
 * Helpers for tests that talk to the emulator through the official SDKs (never a shortcut path):
 * start it on a fixture tenant, make a `ClientSecretCredential` that trusts the emulator's CA, and
 * build SDK client options, a Microsoft Graph client and a Kubernetes KubeConfig.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request as httpsRequest } from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential } from "@azure/identity";
import { KubeConfig } from "@kubernetes/client-node";
import {
  AuthenticationHandler,
  Client,
  type Context,
  type Middleware,
  RetryHandler,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { z } from "zod";
import type { ClientCredential } from "@/lib/emulator/clients";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "@/lib/emulator/server";
import { AKS_SERVER_APP_ID } from "@/lib/emulator/tokens";
import type { TenantFile } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

export const smallTenantPath = fileURLToPath(new URL("./test-fixtures/small-tenant.json", import.meta.url));

export const ARM_SCOPE = "https://management.azure.com/.default";
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
export const AKS_SCOPE = `${AKS_SERVER_APP_ID}/.default`;

export type TestEmulator = {
  emulator: EmulatorHandle;
  tenant: TenantFile;
  dataDir: string;
  stop(): Promise<void>;
};

export async function startTestEmulator(
  options: Partial<Omit<EmulatorOptions, "tenant" | "dataDir">> & {
    tenantPath?: string;
    tenant?: TenantFile;
  } = {},
): Promise<TestEmulator> {
  const { tenantPath, tenant: givenTenant, ...rest } = options;
  const tenant = givenTenant ?? (await readTenantFile(tenantPath ?? smallTenantPath));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "atlas-emulator-"));
  const emulator = await startEmulator({ pageSize: 2, ...rest, tenant, dataDir });
  return {
    emulator,
    tenant,
    dataDir,
    async stop() {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A real `ClientSecretCredential` against the emulator's token endpoint. The CA is trusted through
 * the pipeline's `tlsOptions` (MSAL's network calls go through @azure/identity's pipeline), not by
 * turning verification off.
 */
export function emulatorCredential(
  emulator: EmulatorHandle,
  credential: ClientCredential,
): ClientSecretCredential {
  return new ClientSecretCredential(credential.tenantId, credential.clientId, credential.clientSecret, {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
}

/** Options for any ARM SDK client (modular or classic): endpoint, CA, fast retries for tests. */
export function armClientOptions(emulator: EmulatorHandle, retries = 3) {
  return {
    endpoint: emulator.armEndpoint,
    tlsOptions: { ca: emulator.caPem },
    credentialScopes: [ARM_SCOPE],
    retryOptions: { maxRetries: retries, retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  };
}

/**
 * Microsoft Graph's client sends requests with global `fetch`, which has no per-client CA option.
 * This last middleware sends them with node:https and the emulator's CA instead.
 */
export class CaTrustingGraphHandler implements Middleware {
  private readonly agent: Agent;

  constructor(ca: string) {
    this.agent = new Agent({ ca, keepAlive: true });
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const options = context.options ?? {};
    const headers = new Headers(options.headers as HeadersInit | undefined);
    const body = typeof options.body === "string" ? options.body : undefined;
    context.response = await new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(
        url,
        {
          method: options.method ?? "GET",
          headers: Object.fromEntries(headers.entries()),
          agent: this.agent,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("end", () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (typeof value === "string") responseHeaders.set(name, value);
            }
            const status = incoming.statusCode ?? 500;
            const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(payload, { status, headers: responseHeaders }));
          });
          incoming.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      if (body) outgoing.write(body);
      outgoing.end();
    });
  }
}

export function emulatorGraphClient(emulator: EmulatorHandle, credential: TokenCredential): Client {
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  return Client.initWithMiddleware({
    baseUrl: emulator.graphEndpoint.replace(/\/v1\.0$/, ""),
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(emulator.url).hostname]),
    middleware: [
      new AuthenticationHandler(authProvider),
      new RetryHandler(),
      new CaTrustingGraphHandler(emulator.caPem),
    ],
  });
}

/**
 * A KubeConfig from an AKS kubeconfig (as listClusterUser/AdminCredential returns it), with the
 * exec/kubelogin user replaced by a bearer token when one is given — what the scanner does with
 * an Entra token for the AKS server application.
 */
export function kubeConfigFrom(kubeconfigYaml: string, bearerToken?: string): KubeConfig {
  const loaded = new KubeConfig();
  loaded.loadFromString(kubeconfigYaml);
  if (!bearerToken) return loaded;
  const cluster = loaded.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const withToken = new KubeConfig();
  withToken.loadFromClusterAndUser(cluster, { name: "token-user", token: bearerToken });
  return withToken;
}

/**
 * The audience a kubeconfig's user wants a token for: the exec (kubelogin) `--server-id`, the legacy
 * azure auth-provider's `apiserver-id`, or none when the kubeconfig carries its own static token.
 */
export function kubeconfigTokenAudience(config: KubeConfig): string | undefined {
  // client-node types exec and authProvider as `any`: read them as unknown and narrow.
  const user = config.getCurrentUser();
  const exec: unknown = user?.exec;
  const authProvider: unknown = user?.authProvider;
  const args = z.object({ args: z.array(z.string()) }).safeParse(exec);
  if (args.success) {
    const serverIdAt = args.data.args.indexOf("--server-id");
    if (serverIdAt >= 0 && args.data.args[serverIdAt + 1]) return args.data.args[serverIdAt + 1];
  }
  const provider = z.object({ config: z.object({ "apiserver-id": z.string() }) }).safeParse(authProvider);
  return provider.success ? provider.data.config["apiserver-id"] : undefined;
}

/** What the scanner does with a user kubeconfig: swap the Entra login for a token from its own credential. */
export async function kubeConfigWithCredential(
  kubeconfigYaml: string,
  credential: TokenCredential,
): Promise<KubeConfig> {
  const loaded = kubeConfigFrom(kubeconfigYaml);
  const audience = kubeconfigTokenAudience(loaded);
  if (!audience) return loaded;
  const token = await credential.getToken(`${audience}/.default`);
  if (!token) throw new Error(`no token for ${audience}`);
  return kubeConfigFrom(kubeconfigYaml, token.token);
}
