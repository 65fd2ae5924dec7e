import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { issueCertificate } from "@/lib/emulator/tls";

// MSAL validates an authority outside Microsoft's clouds by asking login.microsoftonline.com
// ("instance discovery": GET https://login.microsoftonline.com/common/discovery/instance?api-version=…
// &authorization_endpoint=<authority>/oauth2/v2.0/authorize). MSAL Python 1.21, which Debian's `az` 2.45
// uses, offers no switch to skip it (msal/authority.py: only ADFS, B2C and validate_authority=False do,
// and az passes none of them), so an offline `az login` against the emulator stops there. This proxy is
// the piece of Microsoft's cloud the emulator stands in for: clients reach it through HTTPS_PROXY (with
// NO_PROXY for the emulator itself); it intercepts CONNECT to login.microsoftonline.com:443 only,
// presents a certificate for that host signed by the emulator's CA, and answers instance discovery in
// Entra's wire format — the emulator's authority is a known instance whose tenant discovery endpoint is
// the emulator's OIDC metadata; any other authority is AADSTS50049 invalid_instance, as Entra answers.
// Every other host is refused (403): nothing leaves the machine through it.

export const DISCOVERY_HOST = "login.microsoftonline.com";

const MICROSOFT_CLOUDS = [
  {
    preferred_network: "login.microsoftonline.com",
    preferred_cache: "login.windows.net",
    aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
  },
  {
    preferred_network: "login.partner.microsoftonline.cn",
    preferred_cache: "login.partner.microsoftonline.cn",
    aliases: ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
  },
  {
    preferred_network: "login.microsoftonline.de",
    preferred_cache: "login.microsoftonline.de",
    aliases: ["login.microsoftonline.de"],
  },
  {
    preferred_network: "login.microsoftonline.us",
    preferred_cache: "login.microsoftonline.us",
    aliases: ["login.microsoftonline.us", "login.usgovcloudapi.net"],
  },
  {
    preferred_network: "login-us.microsoftonline.com",
    preferred_cache: "login-us.microsoftonline.com",
    aliases: ["login-us.microsoftonline.com"],
  },
];

export interface InstanceDiscoveryProxy {
  /** http://127.0.0.1:<port> — the value for HTTPS_PROXY */
  url: string;
  /** requests answered, by path (tests check that discovery really went through the proxy) */
  requests: string[];
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

/** Answers GET /common/discovery/instance for the emulator at `emulatorOrigin` (https://host:port). */
export function answerInstanceDiscovery(
  emulatorOrigin: string,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? "/", `https://${DISCOVERY_HOST}`);
  if (request.method !== "GET" || url.pathname.toLowerCase() !== "/common/discovery/instance") {
    return sendJson(response, 404, {
      error: "not_found",
      error_description: `The emulator's discovery proxy serves GET /common/discovery/instance only, not ${request.method} ${url.pathname}.`,
    });
  }
  const emulator = new URL(emulatorOrigin);
  const authorize = url.searchParams.get("authorization_endpoint");
  let asked: URL | null = null;
  try {
    asked = authorize ? new URL(authorize) : null;
  } catch {
    asked = null;
  }
  // MSAL Python sends the authority's host without its port (authority.instance is urlparse().hostname).
  const tenant = asked?.pathname.split("/").filter(Boolean)[0];
  const emulatorGroup = {
    preferred_network: emulator.hostname,
    preferred_cache: emulator.hostname,
    aliases: [emulator.hostname],
  };
  // Asked about Microsoft's own authority (MSAL does, for the aliases of a cached token's host): Entra's
  // metadata of its clouds (as MSAL also carries it built in, msal-common AuthorityMetadata.ts) plus the
  // emulator, which stands in for one of them.
  if (asked?.hostname === DISCOVERY_HOST && tenant) {
    return sendJson(response, 200, {
      tenant_discovery_endpoint: `https://${DISCOVERY_HOST}/${tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": url.searchParams.get("api-version") ?? "1.1",
      metadata: [...MICROSOFT_CLOUDS, emulatorGroup],
    });
  }
  if (!asked || asked.hostname !== emulator.hostname || !tenant) {
    return sendJson(response, 400, {
      error: "invalid_instance",
      error_description: `AADSTS50049: Unknown or invalid instance. ${authorize ?? "(no authorization_endpoint)"}`,
      error_codes: [50049],
    });
  }
  sendJson(response, 200, {
    tenant_discovery_endpoint: `${emulator.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": url.searchParams.get("api-version") ?? "1.1",
    metadata: [emulatorGroup],
  });
}

export async function startInstanceDiscoveryProxy(options: {
  /** the emulator's origin, https://127.0.0.1:<port> */
  emulatorOrigin: string;
  /** the emulator's data folder: its CA signs the certificate for login.microsoftonline.com */
  dataDir: string;
  host?: string;
  port?: number;
}): Promise<InstanceDiscoveryProxy> {
  const { certPem, keyPem } = await issueCertificate(options.dataDir, [DISCOVERY_HOST]);
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  // Never listens: CONNECT tunnels to login.microsoftonline.com are handed to it as connections.
  const intercept = createHttpsServer({ cert: certPem, key: keyPem }, (request, response) => {
    requests.push(`${request.method} ${request.url}`);
    answerInstanceDiscovery(options.emulatorOrigin, request, response);
  });
  intercept.on("tlsClientError", (_error, socket) => socket.destroy());
  const proxy = createHttpServer((_request, response) => {
    sendJson(response, 400, { error: "This is a CONNECT proxy for login.microsoftonline.com only." });
  });
  proxy.on("connection", track);
  proxy.on("connect", (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const [host, port] = (request.url ?? "").toLowerCase().split(":");
    if (host !== DISCOVERY_HOST || (port ?? "443") !== "443") {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nThe emulator's discovery proxy only stands in for ${DISCOVERY_HOST}:443, not ${request.url}.\n`,
      );
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    intercept.emit("connection", socket);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once("error", reject);
    proxy.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      proxy.off("error", reject);
      resolve();
    });
  });
  const address = proxy.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
