import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareEmulatorTls } from "@/lib/emulator/tls";
import type { Resolver } from "@/lib/net/egress-guard";
import { parseAllowHttpHosts } from "@/lib/net/webhook-url-policy";
import { deliverWebhook, WebhookDeliveryError } from "./deliver-webhook";

// The webhook's egress rules against real sockets: receivers on 127.0.0.1 (plain and TLS, with a certificate
// for hook.example from a throwaway CA) reached through an injected resolver, so a name can be made to
// rebind between the check and the connection the way an attacker's DNS server would.

const SECRET_BODY = "aws_secret_access_key=EXAMPLE-SECRET-FROM-THE-RECEIVER";

type Receiver = { port: number; requests: number; connections: number; close(): Promise<void> };

async function listen(server: http.Server | https.Server): Promise<Receiver> {
  const receiver = { port: 0, requests: 0, connections: 0, close: async () => {} };
  server.on("connection", () => {
    receiver.connections++;
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    receiver.requests++;
    req.resume();
    req.on("end", () => {
      const status = Number(new URL(req.url ?? "/", "http://x").searchParams.get("status") ?? 200);
      res.writeHead(status, { "content-type": "text/plain", ...(status === 302 ? { location: "/" } : {}) });
      res.end(SECRET_BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Answers a public address the first time it is asked and 127.0.0.1 every time after. */
function rebindingResolver(): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return [{ address: calls.length === 1 ? "93.184.215.14" : "127.0.0.1", family: 4 as const }];
  };
  return Object.assign(resolve, { calls });
}

const toLoopback: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];

async function failure(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookDeliveryError);
  return error as WebhookDeliveryError;
}

describe("webhook egress at connection time", () => {
  let dir: string;
  let tlsReceiver: Receiver;
  let plainReceiver: Receiver;
  let ca: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "atlas-webhook-tls-"));
    const tls = await prepareEmulatorTls(dir, ["hook.example"]);
    ca = tls.caPem;
    tlsReceiver = await listen(https.createServer({ key: tls.keyPem, cert: tls.certPem }));
    plainReceiver = await listen(http.createServer());
  });
  afterAll(async () => {
    await tlsReceiver.close();
    await plainReceiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reaches a receiver through the injected resolver when the operator allow-listed it (control)", async () => {
    const allow = parseAllowHttpHosts(`hook.example:${tlsReceiver.port}`);
    const before = tlsReceiver.requests;
    await expect(
      deliverWebhook(
        `https://hook.example:${tlsReceiver.port}/hook`,
        { text: "hi" },
        {
          allowHttpHosts: allow,
          resolve: toLoopback,
          ca,
        },
      ),
    ).resolves.toBe(200);
    expect(tlsReceiver.requests).toBe(before + 1);
  });

  it("refuses a name that rebinds to 127.0.0.1 between the check and the connection", async () => {
    const resolver = rebindingResolver();
    const before = tlsReceiver.connections;
    const error = await failure(
      deliverWebhook(
        `https://hook.example:${tlsReceiver.port}/hook`,
        { text: "hi" },
        { resolve: resolver, ca },
      ),
    );
    expect(error.message).toBe("refused: address 127.0.0.1 is loopback");
    expect(error.retryable).toBe(false);
    // The first answer passed the early check; the socket's own lookup asked again, got 127.0.0.1, and
    // refused before connecting: the receiver (which would have accepted — see the control) saw nothing.
    expect(resolver.calls).toEqual(["hook.example", "hook.example"]);
    expect(tlsReceiver.connections).toBe(before);
  });

  it("refuses private and metadata answers for a name that is not allow-listed", async () => {
    for (const address of ["10.0.0.1", "169.254.169.254", "::ffff:7f00:1", "fd00:ec2::254"]) {
      const resolve: Resolver = async () => [{ address, family: address.includes(":") ? 6 : 4 }];
      const error = await failure(deliverWebhook("https://hook.example/hook", {}, { resolve }));
      expect(error.message).toMatch(/^refused: address .* is (private|metadata|loopback)/);
    }
  });

  it("refuses http and literal addresses before resolving anything", async () => {
    const never: Resolver = async () => {
      throw new Error("resolved");
    };
    for (const [url, message] of [
      [`http://127.0.0.1:${plainReceiver.port}/`, /must use https/],
      [`https://[::ffff:127.0.0.1]:${tlsReceiver.port}/`, /loopback/],
      [`https://2130706433:${tlsReceiver.port}/`, /address 127\.0\.0\.1 is loopback/],
    ] as const) {
      const error = await failure(deliverWebhook(url, {}, { resolve: never }));
      expect(error.message).toMatch(message);
    }
    expect(plainReceiver.connections).toBe(0);
  });

  it("stores a status and a generic reason, never the receiver's answer", async () => {
    const allow = parseAllowHttpHosts(`hook.internal:${plainReceiver.port}`);
    const options = { allowHttpHosts: allow, resolve: toLoopback };
    const base = `http://hook.internal:${plainReceiver.port}/hook`;
    const cases: [string, string, boolean][] = [
      [`${base}?status=500`, "HTTP 500 from webhook", true],
      [`${base}?status=404`, "HTTP 404 from webhook", false],
      [`${base}?status=302`, "HTTP 302 from webhook (redirects are not followed)", false],
    ];
    for (const [url, message, retryable] of cases) {
      const error = await failure(deliverWebhook(url, {}, options));
      expect(error.message).toBe(message);
      expect(error.retryable).toBe(retryable);
      // What pg-boss keeps in the job table is the thrown error, stack included.
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain("EXAMPLE-SECRET");
    }
  });

  it("says TLS error, not the handshake's text, for an untrusted certificate", async () => {
    const allow = parseAllowHttpHosts(`hook.example:${tlsReceiver.port}`);
    const error = await failure(
      deliverWebhook(
        `https://hook.example:${tlsReceiver.port}/hook`,
        {},
        { allowHttpHosts: allow, resolve: toLoopback },
      ),
    );
    expect(error.message).toBe("TLS error");
    expect(error.retryable).toBe(true);
  });
});
