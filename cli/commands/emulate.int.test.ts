import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ClientSecretCredential } from "@azure/identity";
import { afterEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const runner = path.join(root, "lib/emulator/test-fixtures/run-emulate-cli.ts");
const tsx = path.join(root, "node_modules/.bin/tsx");

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function start(args: string[]) {
  child = spawn(tsx, [runner, "emulate", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child?.stdout?.on("data", () => {
      if (stdout.includes("Press Ctrl-C to stop.")) resolve(stdout);
    });
    child?.on("exit", (code) => reject(new Error(`emulate exited with ${code}: ${stderr}`)));
  });
  return { ready, exited, output: () => ({ stdout, stderr }) };
}

describe("aks-atlas emulate", () => {
  it("serves the demo tenant and prints credentials that work with the SDKs; stops on Ctrl-C", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "atlas-emulate-cli-"));
    const run = start(["demo", "--data-dir", dataDir, "--page-size", "2"]);
    const banner = await run.ready;
    const env = Object.fromEntries(
      [...banner.matchAll(/export (\w+)=(\S+)/g)].map((match) => [match[1], match[2]]),
    );
    expect(Object.keys(env).sort()).toEqual([
      "ATLAS_ARM_ENDPOINT",
      "ATLAS_CA_FILE",
      "ATLAS_GRAPH_ENDPOINT",
      "AZURE_AUTHORITY_HOST",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_TENANT_ID",
    ]);
    expect(env.ATLAS_CA_FILE.startsWith(dataDir)).toBe(true);
    const ca = await readFile(env.ATLAS_CA_FILE, "utf8");
    const credential = new ClientSecretCredential(
      env.AZURE_TENANT_ID,
      env.AZURE_CLIENT_ID,
      env.AZURE_CLIENT_SECRET,
      {
        authorityHost: env.AZURE_AUTHORITY_HOST,
        disableInstanceDiscovery: true,
        tlsOptions: { ca },
      },
    );
    const aks = new ContainerServiceClient(credential, "00000000-0000-0000-0000-0000000005b1", {
      endpoint: env.ATLAS_ARM_ENDPOINT,
      tlsOptions: { ca },
    });
    const names: string[] = [];
    for await (const cluster of aks.managedClusters.list()) names.push(cluster.name ?? "");
    expect(names).toEqual(["aks-1", "aks-2", "aks-3", "aks-payments", "aks-data"]);

    child?.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/Stopped\. Requests served: arm \d+/);
  });

  it("rejects a bad --faults spec with exit code 2 and says why", async () => {
    const run = start(["demo", "--faults", "arm:explode:1"]);
    const failure = await run.ready.catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('unknown fault "explode"');
  });

  it("reports a missing tenant file clearly", async () => {
    const run = start(["/nonexistent/tenant.json"]);
    await run.ready.catch(() => undefined);
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain("file not found");
  });
});
