import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest, type NextResponse } from "next/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as clusterAccess } from "@/app/api/clusters/[id]/access/route";
import { GET as clusterFindings } from "@/app/api/clusters/[id]/findings/route";
import { GET as clusters } from "@/app/api/clusters/route";
import { DEMO_SIGN_IN, demoSignInEnv } from "@/lib/auth/demo-sign-in";
import { handleRateLimitedProxyRequest } from "@/lib/auth/proxy-handler";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "./main";

/**
 * `aks-atlas findings|access --server` end to end: the CLI gets a client-credentials token from the
 * emulated Entra ID through @azure/identity (the credential the environment configures, as in a pipeline),
 * calls an HTTP server that runs the product's real proxy (bearer verification, route × role policy) and
 * the real route handlers over a database holding a scan, and prints the same JSON as the local command.
 */

const SECRET = "integration-test-session-secret-0123456789abcdef";
const SAVED = { ...process.env };

let db: TestDatabase;
let emulator: EmulatorHandle;
let server: Server;
let serverUrl: string;
let cliEnv: Record<string, string>;

/** The app's HTTP layer for the three routes the commands call: proxy first, then the handler. */
async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const url = new URL(incoming.url ?? "/", serverUrl);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers))
    if (typeof value === "string") headers.set(name, value);
  const request = new NextRequest(url, { method: incoming.method, headers });
  let response: Response = await handleRateLimitedProxyRequest(request);
  if (response.headers.get("x-middleware-next") === "1") {
    const segments = url.pathname.split("/").filter(Boolean);
    const params = <P>(value: P) => ({ params: Promise.resolve(value) });
    if (segments.length === 2) response = await clusters(request, params({} as Record<string, never>));
    else if (segments[3] === "findings")
      response = await clusterFindings(request, params({ id: segments[2] }));
    else if (segments[3] === "access") response = await clusterAccess(request, params({ id: segments[2] }));
    else response = new Response("{}", { status: 404 });
  }
  outgoing.writeHead(response.status, Object.fromEntries((response as NextResponse).headers.entries()));
  outgoing.end(Buffer.from(await response.arrayBuffer()));
}

beforeAll(async () => {
  db = await createTestDatabase();
  const demo = await loadDemoTenant();
  const pool = new pg.Pool({ connectionString: db.url });
  await runScan({
    pool,
    tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
    trigger: "cli",
    collect: async () => ({ model: modelFromTenantFile(demo), errors: [], apiCalls: {}, counts: {} }),
  });
  await pool.end();
  process.env.DATABASE_URL = db.url;
  process.env.ATLAS_RESOLVED_DATABASE_URL = db.url;

  emulator = await startEmulator({
    tenant: demo,
    dataDir: mkdtempSync(path.join(tmpdir(), "atlas-cli-remote-")),
    signInAppRoles: { ...DEMO_SIGN_IN.appRoles, "ci-deployer": ["Atlas.Viewer"] },
  });
  server = createServer((incoming, outgoing) => {
    serve(incoming, outgoing).catch((error: unknown) => {
      outgoing.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, demoSignInEnv(emulator, serverUrl, SECRET));

  const pipeline = emulator.credentialFor("ci-deployer");
  cliEnv = {
    AZURE_TENANT_ID: pipeline.tenantId,
    AZURE_CLIENT_ID: pipeline.clientId,
    AZURE_CLIENT_SECRET: pipeline.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.authorityHost,
    ATLAS_CA_FILE: emulator.caPath,
    ATLAS_API_SCOPE: `api://${emulator.signInApp.clientId}/.default`,
  };
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.close();
  for (const key of Object.keys(process.env)) if (!(key in SAVED)) delete process.env[key];
  Object.assign(process.env, SAVED);
  await db?.drop();
});

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...parts: unknown[]) => void out.push(parts.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => void err.push(parts.join(" ")));
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    process.exitCode = undefined;
    const code = await main(["node", "aks-atlas", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.exitCode = undefined;
  }
}

describe("aks-atlas findings|access --server", () => {
  it("prints the same findings JSON as the local command, with a pipeline's token", async () => {
    const local = await run(["findings", "--json"]);
    expect(local.code, local.stderr).toBe(0);
    const remote = await run(["findings", "--json", "--server", serverUrl], cliEnv);
    expect(remote.code, remote.stderr).toBe(0);
    const parsed = JSON.parse(remote.stdout);
    expect(parsed.findings.length).toBeGreaterThan(0);
    expect(parsed).toEqual(JSON.parse(local.stdout));

    const oneLocal = await run(["findings", "--json", "--cluster", "aks-1"]);
    const oneRemote = await run(["findings", "--json", "--cluster", "aks-1", "--server", serverUrl], cliEnv);
    expect(oneRemote.code, oneRemote.stderr).toBe(0);
    expect(JSON.parse(oneRemote.stdout)).toEqual(JSON.parse(oneLocal.stdout));
  });

  it("prints the same access JSON as the local command", async () => {
    const local = await run(["access", "--json", "--cluster", "aks-1"]);
    const remote = await run(["access", "--json", "--cluster", "aks-1", "--server", serverUrl], cliEnv);
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));
  });

  it("exits non-zero with a clear message on 403, 401, a wrong scope, an unreachable server and bad flags", async () => {
    const noRole = emulator.credentialFor("uaiaks1");
    const forbidden = await run(["findings", "--json", "--server", serverUrl], {
      ...cliEnv,
      AZURE_CLIENT_ID: noRole.clientId,
      AZURE_CLIENT_SECRET: noRole.clientSecret,
    });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(
      /refused this identity \(forbidden: .*\)\. Assign it the app role Atlas\.Viewer/,
    );
    expect(forbidden.stdout).toBe("");

    // A token for Microsoft Graph is a valid token, but not for Atlas.
    const wrongAudience = await run(["findings", "--json", "--server", serverUrl], {
      ...cliEnv,
      ATLAS_API_SCOPE: "https://graph.microsoft.com/.default",
    });
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.stderr).toMatch(/refused the token \(invalid_token: .*audience/);

    const unknownResource = await run(["findings", "--server", serverUrl], {
      ...cliEnv,
      ATLAS_API_SCOPE: "api://00000000-0000-0000-0000-00000000dead/.default",
    });
    expect(unknownResource.code).toBe(1);
    expect(unknownResource.stderr).toMatch(/Could not get a token for api:\/\/0+-0+-0+-0+-0+dead\/\.default/);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await run(["findings", "--server", `http://127.0.0.1:${port}`], cliEnv);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach the Atlas API at http:\/\/127\.0\.0\.1/);

    expect((await run(["findings", "--server", "http://atlas.example.com"], cliEnv)).stderr).toMatch(
      /must be an https:\/\/ URL/,
    );
    expect(
      (await run(["findings", "--server", serverUrl], { ...cliEnv, ATLAS_API_SCOPE: undefined })).stderr,
    ).toMatch(/set ATLAS_API_SCOPE/);
    expect(
      (await run(["findings", "--server", serverUrl, "--tenant", emulator.tenantId], cliEnv)).stderr,
    ).toMatch(/--tenant does not apply/);
  });
});
