import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { RequestAccounting } from "@/lib/emulator/accounting";
import { ArmEndpoints } from "@/lib/emulator/arm/router";
import { TokenBuckets } from "@/lib/emulator/arm/token-bucket";
import { AzureAuthorizer } from "@/lib/emulator/authorize";
import { type ClientCredential, ClientRegistry } from "@/lib/emulator/clients";
import type { EmulatorContext } from "@/lib/emulator/context";
import type { EndpointFamily } from "@/lib/emulator/endpoint-family";
import { EntraEndpoints, issueAccessToken, resolveScope } from "@/lib/emulator/entra";
import { serverErrorResponse, throttledResponse } from "@/lib/emulator/fault-responses";
import { FaultEngine, type FaultRule } from "@/lib/emulator/faults";
import { GRAPH_PATH_PREFIX, GraphEndpoints } from "@/lib/emulator/graph";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type HandlerResult,
  isResetResult,
  jsonResponse,
} from "@/lib/emulator/http-kit";
import { handleKubernetes, kubernetesStatus } from "@/lib/emulator/kubernetes/api-server";
import { KubernetesClusters } from "@/lib/emulator/kubernetes/clusters";
import { ResourceGraphEndpoint } from "@/lib/emulator/resource-graph";
import { loadScannerIdentity, type ScannerIdentityOptions } from "@/lib/emulator/scanner-identity";
import { resolveSignInAppRoles, type SignInAppRoleAssignments } from "@/lib/emulator/sign-in-app-roles";
import { TenantIndex } from "@/lib/emulator/tenant-index";
import { prepareEmulatorTls } from "@/lib/emulator/tls";
import { TokenService } from "@/lib/emulator/tokens";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

export type EmulatorOptions = {
  tenant: TenantFile;
  /** Where the CA and server certificate are written (nothing is written elsewhere). */
  dataDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Largest page any list returns (ARM, Resource Graph, Graph, Kubernetes with `limit`). Default 100. */
  pageSize?: number;
  faults?: FaultRule[];
  /** Makes faults and derived secrets reproducible. Default 1. */
  seed?: number;
  /** Added to every response, before any latency fault. */
  latencyMs?: number;
  /** ARM's regional token bucket (250 reads, 25/s per subscription and principal). Off by default. */
  armTokenBucket?: boolean;
  /** Graph application permissions granted to the scanner (default: docs/permissions). */
  scannerGraphPermissions?: string[];
  /** Where the permission files live (default: the repository's docs/permissions). */
  permissionsDir?: string;
  /** Non-loopback redirect URIs the sign-in flow accepts. */
  signInRedirectUris?: string[];
  /** App roles of the sign-in app (`roles` in its ID tokens) by user or group: id, UPN or name → values. */
  signInAppRoles?: SignInAppRoleAssignments;
  /** Called once per request after it is answered (the CLI prints these with --verbose). */
  onRequest?: (entry: {
    family: EndpointFamily;
    method: string;
    url: string;
    status: number | "reset" | "stalled";
    route: string;
  }) => void;
};

export type EmulatorHandle = {
  /** https://host:port */
  url: string;
  armEndpoint: string;
  graphEndpoint: string;
  /** For @azure/identity `authorityHost` (the tenant id is appended by the credential). */
  authorityHost: string;
  tenantId: string;
  caPem: string;
  caPath: string;
  /** The scanner's service principal, provisioned with exactly what docs/permissions grants. */
  scannerCredential: ClientCredential;
  scanner: { objectId: string; appId: string; displayName: string };
  /** A confidential web app registration for the product's sign-in (authorization code + PKCE). */
  signInApp: ClientCredential;
  /** Credentials that act as a principal (object id, UPN, display name or app id). */
  credentialFor(principal: string): ClientCredential;
  /** Mints an access token for a principal directly (scope like `https://management.azure.com/.default`). */
  issueToken(principal: string, scope: string): Promise<string>;
  /** Signs exactly these claims with Entra's current key (tests: genuine signature, wrong claims). */
  signClaims(claims: Record<string, unknown>): Promise<string>;
  /** Rotates Entra's signing key (the old one stays published); returns the new key id. */
  rotateSigningKey(): Promise<string>;
  /** The API server URL of a cluster (resource id, name or key), as its kubeconfig carries it. */
  kubernetesServerUrl(clusterId: string): string;
  counts(): Record<EndpointFamily, number>;
  routeCounts(): Record<string, number>;
  resetCounts(): void;
  setFaults(rules: FaultRule[]): void;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function resetSocket(socket: Socket): void {
  // RST rather than FIN, so clients see ECONNRESET as with a dropped connection. A server-side
  // TLSSocket cannot reset itself (its handle is the TLS wrap); the TCP socket under it can.
  const tcp = (socket as Socket & { _parent?: Socket | null })._parent ?? socket;
  try {
    tcp.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

type Routed = { family: EndpointFamily; route: string; result: HandlerResult };

/**
 * Starts the emulator: one HTTPS server on one port serving ARM, Resource Graph, Microsoft Graph,
 * Entra ID tokens and one Kubernetes API server per cluster, from a tenant file.
 */
export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const host = options.host ?? "127.0.0.1";
  const seed = options.seed ?? 1;
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new Error(`pageSize must be a positive integer, got ${pageSize}`);
  const tls = await prepareEmulatorTls(options.dataDir, [host, "127.0.0.1", "localhost", "::1"]);

  const scannerOptions: ScannerIdentityOptions = {
    ...(options.permissionsDir ? { permissionsDir: options.permissionsDir } : {}),
    ...(options.scannerGraphPermissions ? { graphPermissions: options.scannerGraphPermissions } : {}),
  };
  const scanner = await loadScannerIdentity(options.tenant, scannerOptions);
  const index = new TenantIndex(options.tenant, {
    principals: [scanner.principal],
    roleDefinitions: [scanner.roleDefinition],
    roleAssignments: scanner.roleAssignments,
  });
  const clients = new ClientRegistry(index, seed);
  clients.setGraphRoles(scanner.objectId, scanner.graphPermissions);
  const faults = new FaultEngine(options.faults ?? [], seed);
  const accounting = new RequestAccounting();
  const kubernetes = new KubernetesClusters(seed, (cluster) =>
    cluster.azureRbac ? [] : scanner.kubernetesObjects,
  );

  const sockets = new Set<Socket>();
  let dispatch: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
    if (dispatch) dispatch(request, response);
    else resetSocket(request.socket);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const origin = `https://${urlHost}:${port}`;

  const tokens = await TokenService.create(`${origin}/${index.tenantId}/v2.0`, index.tenantId);
  const context: EmulatorContext = {
    origin,
    tenantId: index.tenantId,
    index,
    authorizer: new AzureAuthorizer(index),
    tokens,
    clients,
    faults,
    pageSize,
    seed,
    caPem: tls.caPem,
    kubernetes,
    scanner,
    armBuckets: options.armTokenBucket ? new TokenBuckets() : undefined,
    signInRedirectUris: options.signInRedirectUris ?? [],
    signInAppRoles: resolveSignInAppRoles(clients, options.signInAppRoles),
  };
  const arm = new ArmEndpoints(context);
  const resourceGraph = new ResourceGraphEndpoint(context);
  const graph = new GraphEndpoints(context);
  const entra = new EntraEndpoints(context);

  async function route(request: EmulatorRequest): Promise<Routed> {
    const lowerPath = request.path.toLowerCase();
    if (
      lowerPath === GRAPH_PATH_PREFIX.toLowerCase() ||
      lowerPath.startsWith(`${GRAPH_PATH_PREFIX.toLowerCase()}/`)
    ) {
      const { route: graphRoute, response } = await graph.handle(request, request.segments.slice(2));
      return { family: "graph", route: graphRoute, result: response };
    }
    if (request.segments[0] === "k8s") {
      const cluster = index.clustersByKey.get((request.segments[1] ?? "").toLowerCase());
      if (!cluster) {
        return {
          family: "kubernetes",
          route: "unknown-cluster",
          result: kubernetesStatus(404, "NotFound", `no emulated cluster "${request.segments[1] ?? ""}"`),
        };
      }
      const { route: kubernetesRoute, result } = await handleKubernetes(
        context,
        request,
        cluster,
        request.segments.slice(2),
      );
      return { family: "kubernetes", route: kubernetesRoute, result };
    }
    if (lowerPath === "/providers/microsoft.resourcegraph/resources") {
      const { route: graphRoute, response } = await resourceGraph.handle(request);
      return { family: "resource-graph", route: graphRoute, result: response };
    }
    const entraResult = await entra.handle(request);
    if (entraResult) return { family: "entra", route: entraResult.route, result: entraResult.response };
    const { route: armRoute, response } = await arm.handle(request);
    return { family: "arm", route: armRoute, result: response };
  }

  function familyOf(path: string, segments: string[]): EndpointFamily {
    const lowerPath = path.toLowerCase();
    if (lowerPath.startsWith(GRAPH_PATH_PREFIX.toLowerCase())) return "graph";
    if (segments[0] === "k8s") return "kubernetes";
    if (lowerPath === "/providers/microsoft.resourcegraph/resources") return "resource-graph";
    const first = segments[0]?.toLowerCase();
    if (
      first &&
      [index.tenantId.toLowerCase(), "common", "organizations"].includes(first) &&
      segments.length > 1
    )
      return "entra";
    return "arm";
  }

  function send(response: ServerResponse, result: EmulatorResponse, truncate: boolean): void {
    const body = Buffer.from(result.body);
    const payload = truncate ? body.subarray(0, Math.floor(body.length / 2)) : body;
    response.writeHead(result.status, { ...result.headers, "content-length": String(payload.length) });
    response.end(payload);
  }

  dispatch = (incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      // SDKs splice scope arguments into paths and produce `//subscriptions/...`; ARM tolerates it.
      // Collapse before parsing: `new URL("//subscriptions/x", origin)` would read "subscriptions" as a host.
      const rawTarget = incoming.url ?? "/";
      const queryAt = rawTarget.indexOf("?");
      const rawPath = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
      const url = new URL(
        `${rawPath.replace(/\/{2,}/g, "/")}${queryAt < 0 ? "" : rawTarget.slice(queryAt)}`,
        origin,
      );
      const path = url.pathname;
      const segments = path
        .split("/")
        .filter(Boolean)
        .map((segment) => {
          try {
            return decodeURIComponent(segment);
          } catch {
            return segment;
          }
        });
      const request: EmulatorRequest = {
        method: (incoming.method ?? "GET").toUpperCase(),
        url,
        path,
        segments,
        query: url.searchParams,
        headers: incoming.headers,
        headersDistinct: incoming.headersDistinct,
        body,
      };
      const family = familyOf(path, segments);
      const requestKey = `${request.method} ${path}${url.search} ${body.length > 0 ? body.toString("base64").slice(0, 512) : ""}`;
      const log = (loggedFamily: EndpointFamily, status: number | "reset" | "stalled", loggedRoute: string) =>
        options.onRequest?.({
          family: loggedFamily,
          method: request.method,
          url: `${path}${url.search}`,
          status,
          route: loggedRoute,
        });
      const decision = faults.decide(family, requestKey);
      const delay = (options.latencyMs ?? 0) + decision.latencyMs;
      if (delay > 0) await sleep(delay);
      switch (decision.outcome.kind) {
        case "drop":
          accounting.record(family, "fault:drop");
          log(family, "reset", "fault:drop");
          resetSocket(incoming.socket);
          return;
        case "stall":
          // Accept and never answer: the client's own timeout is what is being tested.
          accounting.record(family, "fault:stall");
          log(family, "stalled", "fault:stall");
          return;
        case "throttle":
          accounting.record(family, "fault:throttle");
          log(family, 429, "fault:throttle");
          send(outgoing, throttledResponse(family, decision.outcome.retryAfterSeconds), false);
          return;
        case "error5xx":
          accounting.record(family, `fault:${decision.outcome.status}`);
          log(family, decision.outcome.status, `fault:${decision.outcome.status}`);
          send(outgoing, serverErrorResponse(family, decision.outcome.status), false);
          return;
        default:
          break;
      }
      const routed = await route(request);
      accounting.record(routed.family, routed.route);
      if (isResetResult(routed.result)) {
        log(routed.family, "reset", routed.route);
        resetSocket(incoming.socket);
        return;
      }
      log(routed.family, routed.result.status, routed.route);
      send(outgoing, routed.result, decision.outcome.kind === "truncate");
    })().catch((error: unknown) => {
      console.error("[emulator] request failed:", error);
      if (!outgoing.headersSent) {
        send(
          outgoing,
          jsonResponse(500, {
            error: { code: "InternalServerError", message: "The emulator failed to handle the request." },
          }),
          false,
        );
      } else {
        outgoing.destroy();
      }
    });
  };

  function principalOrThrow(reference: string) {
    const principal = clients.findPrincipal(reference);
    if (!principal) throw new Error(`No principal "${reference}" in the emulated directory`);
    return principal;
  }

  return {
    url: origin,
    armEndpoint: origin,
    graphEndpoint: `${origin}${GRAPH_PATH_PREFIX}`,
    authorityHost: origin,
    tenantId: index.tenantId,
    caPem: tls.caPem,
    caPath: tls.caPath,
    scannerCredential: clients.credentialFor(scanner.objectId),
    scanner: { objectId: scanner.objectId, appId: scanner.appId, displayName: scanner.displayName },
    signInApp: {
      tenantId: index.tenantId,
      clientId: clients.signInApp.clientId,
      clientSecret: clients.signInApp.clientSecret,
    },
    credentialFor: (principal) => clients.credentialFor(principal),
    signClaims: (claims) => tokens.signClaims(claims),
    rotateSigningKey: () => tokens.rotateSigningKey(),
    async issueToken(reference, scope) {
      const principal = principalOrThrow(reference);
      const credential = clients.credentialFor(principal.id);
      const registration = clients.byClientId(credential.clientId);
      if (!registration) throw new Error(`No app registration for "${reference}"`);
      const resolved = resolveScope(context, scope);
      if ("status" in resolved)
        throw new Error(`Cannot issue a token for scope "${scope}": ${resolved.body}`);
      const { token } = await issueAccessToken(
        context,
        principal,
        registration,
        resolved.audience,
        resolved.scope,
      );
      return token;
    },
    kubernetesServerUrl(clusterId) {
      const cluster = index.findCluster(clusterId);
      if (!cluster) throw new Error(`No cluster "${clusterId}" in the emulated tenant`);
      return `${origin}/k8s/${cluster.key}`;
    },
    counts: () => accounting.counts(),
    routeCounts: () => accounting.routeCounts(),
    resetCounts: () => accounting.reset(),
    setFaults: (rules) => faults.setRules(rules),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections?.();
      await closed;
    },
  };
}
