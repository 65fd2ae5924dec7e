import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import type { Command } from "commander";
import { z } from "zod";
import { createCredential, credentialMode } from "@/lib/azure/credentials";
import { clusterSlug } from "@/lib/queries/cluster-slug";
import { CliError } from "./cli-error";

/**
 * `--server <url>`: read commands answered by a deployed Atlas's JSON API instead of the local database —
 * what a pipeline runs. The token is an Entra access token for the Atlas app registration
 * (scope `api://<client id>/.default`, from --api-scope or ATLAS_API_SCOPE), from @azure/identity: the
 * credential the environment configures (workload identity, client secret or certificate, exactly as for
 * `aks-atlas scan`), else DefaultAzureCredential (managed identity, the Azure CLI after `azure/login` or
 * `AzureCLI@2`, …). The output is the same JSON the local command prints.
 */

const REQUEST_TIMEOUT_MS = 60_000;
const TOKEN_TIMEOUT_MS = 60_000;

export type RemoteOptions = { server: string; apiScope?: string; tenant?: string };

export function parseServer(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--server must be the Atlas URL, e.g. https://atlas.example.com (got "${value}")`);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  // The token is a credential: it never travels over plain HTTP, except to this machine.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new CliError(`--server must be an https:// URL (got "${value}"); http:// only for localhost`);
  }
  return new URL(url.origin);
}

export function apiScope(options: RemoteOptions, env: NodeJS.ProcessEnv = process.env): string {
  const scope = (options.apiScope ?? env.ATLAS_API_SCOPE ?? "").trim();
  if (!scope) {
    throw new CliError(
      "--server needs the Atlas API's scope: set ATLAS_API_SCOPE (or --api-scope) to api://<Atlas client id>/.default",
    );
  }
  if (!/\/\.default$/.test(scope)) {
    throw new CliError(
      `ATLAS_API_SCOPE must end in /.default, e.g. api://<Atlas client id>/.default (got "${scope}")`,
    );
  }
  return scope;
}

/** The credential the environment configures for the scanner, else DefaultAzureCredential. */
export function remoteCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  try {
    return credentialMode(env) === null ? new DefaultAzureCredential() : createCredential(env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export class RemoteApi {
  private token: string | undefined;

  constructor(
    private readonly server: URL,
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    let token: { token: string } | null;
    try {
      token = await this.credential.getToken(this.scope, {
        abortSignal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(
        `Could not get a token for ${this.scope}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
    if (!token) throw new CliError(`Could not get a token for ${this.scope}.`);
    this.token = token.token;
    return this.token;
  }

  /** GET a JSON answer; every failure is a CliError that says what to do. */
  async get(path: string, query: Record<string, string | undefined> = {}): Promise<unknown> {
    const url = new URL(path, this.server);
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, value);
    const token = await this.accessToken();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        redirect: "error", // a redirect would be to the sign-in page: the token was not accepted
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
      throw new CliError(
        `Cannot reach the Atlas API at ${this.server.origin}: ${cause ?? (error instanceof Error ? error.message : String(error))}`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok && body !== undefined) return body;
    const problem = errorBodySchema.safeParse(body);
    const detail = problem.success
      ? `${problem.data.error.code}: ${problem.data.error.message}`
      : `HTTP ${response.status}`;
    if (response.status === 401) {
      throw new CliError(
        `The Atlas API at ${this.server.origin} refused the token (${detail}). Is ATLAS_API_SCOPE the Atlas app registration's api://<client id>/.default, in the tenant Atlas signs in with?`,
      );
    }
    if (response.status === 403) {
      throw new CliError(
        `The Atlas API at ${this.server.origin} refused this identity (${detail}). Assign it the app role Atlas.Viewer (or higher) on the Atlas app registration.`,
      );
    }
    throw new CliError(`GET ${url.pathname} at ${this.server.origin} failed (${detail}).`);
  }
}

const clusterRowSchema = z.looseObject({ id: z.string(), name: z.string() });
const clusterPageSchema = z.looseObject({
  scanId: z.string(),
  page: z.number(),
  pages: z.number(),
  clusters: z.array(clusterRowSchema),
});
const findingsSchema = z.looseObject({ scanId: z.string(), findings: z.array(z.unknown()) });

/** Every cluster of the scan, in the order the local command lists them (name, then id). */
async function remoteClusters(api: RemoteApi, scan: string | undefined) {
  const clusters: z.infer<typeof clusterRowSchema>[] = [];
  let scanId = scan;
  for (let page = 1; ; page++) {
    const parsed = clusterPageSchema.safeParse(
      await api.get("/api/clusters", { scan: scanId, page: String(page) }),
    );
    if (!parsed.success)
      throw new CliError("The Atlas API answered GET /api/clusters with an unexpected shape.");
    scanId = parsed.data.scanId; // later pages and calls read the same scan
    clusters.push(...parsed.data.clusters);
    if (parsed.data.page >= parsed.data.pages) break;
  }
  clusters.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return { scanId: scanId as string, clusters };
}

function pickCluster(clusters: { id: string; name: string }[], nameOrId: string, scanId: string) {
  const wanted = nameOrId.trim().toLowerCase();
  const matches = clusters.filter((c) => c.id.toLowerCase() === wanted || c.name.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new CliError(`No cluster "${nameOrId}" in scan ${scanId}.`);
  throw new CliError(
    `"${nameOrId}" names ${matches.length} clusters; give one of their ids:\n${matches.map((c) => `  ${c.id}`).join("\n")}`,
  );
}

/** `findings --server`: the same `{ scanId, findings }` as the local command, from the API. */
export async function remoteFindings(api: RemoteApi, options: { scan?: string; cluster?: string }) {
  const { scanId, clusters } = await remoteClusters(api, options.scan);
  const chosen = options.cluster ? [pickCluster(clusters, options.cluster, scanId)] : clusters;
  const findings: unknown[] = [];
  for (const cluster of chosen) {
    const parsed = findingsSchema.safeParse(
      await api.get(`/api/clusters/${encodeURIComponent(clusterSlug(cluster.id))}/findings`, {
        scan: scanId,
      }),
    );
    if (!parsed.success)
      throw new CliError("The Atlas API answered a cluster's findings with an unexpected shape.");
    findings.push(...parsed.data.findings);
  }
  return { scanId, findings };
}

/** `access --server`: GET /api/clusters/<cluster>/access, as the local command prints it. */
export async function remoteAccess(api: RemoteApi, options: { scan?: string; cluster: string }) {
  const { scanId, clusters } = await remoteClusters(api, options.scan);
  const cluster = pickCluster(clusters, options.cluster, scanId);
  return api.get(`/api/clusters/${encodeURIComponent(clusterSlug(cluster.id))}/access`, { scan: scanId });
}

export function remoteApi(options: RemoteOptions, env: NodeJS.ProcessEnv = process.env): RemoteApi {
  // A deployed Atlas serves the tenant it is configured for.
  if (options.tenant)
    throw new CliError("--tenant does not apply with --server: the server answers for its tenant");
  const server = parseServer(options.server);
  const scope = apiScope(options, env);
  return new RemoteApi(server, remoteCredential(env), scope);
}

/** Adds --server and --api-scope to a read command; with --server, --tenant does not apply. */
export function withServerOption<C extends Command>(command: C): C {
  return command
    .option(
      "--server <url>",
      "ask this deployed Atlas's API (e.g. https://atlas.example.com) instead of the local database",
    )
    .option(
      "--api-scope <scope>",
      "with --server: the Atlas API's scope, api://<client id>/.default (default: ATLAS_API_SCOPE)",
    ) as C;
}
