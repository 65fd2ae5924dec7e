import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawnRunner } from "@/lib/collect/command-runner";
import { demoHistory } from "@/lib/emulator/demo/demo-history";
import { demoTenantPath, loadDemoTenant } from "@/lib/emulator/demo/index";
import {
  type InstanceDiscoveryProxy,
  startInstanceDiscoveryProxy,
} from "@/lib/emulator/instance-discovery-proxy";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";
import { runCliProcess } from "../test-support/run-cli-process";

// Issue 19, point 4: real `az` (Debian's azure-cli) and real `kubectl` collect the demo tenant from the
// emulator through `aks-atlas collect`, and the imported file answers exactly as `scan --emulate` does:
// the same findings, the same access on every cluster, the same drift from the same earlier state
// (aks-data, the private cluster, is unreachable in both).
//
// How az reaches the emulator, with TLS verification on:
// - a custom cloud whose endpoints are the emulator's (`az cloud register --cloud-config`);
// - the emulator's CA in the system CA bundle Debian's az trusts (python3-certifi is patched to
//   /etc/ssl/certs/ca-certificates.crt), added the Debian way (update-ca-certificates). The CA lives in a
//   fixed folder and is reused, so it is added once per machine;
// - MSAL Python 1.21 validates any authority outside Microsoft's clouds at login.microsoftonline.com
//   (msal/authority.py, "instance discovery"), which is unreachable offline: the emulator's discovery
//   proxy answers it (HTTPS_PROXY; NO_PROXY keeps every other call direct).

const CA_DIR = path.join(os.tmpdir(), "aks-atlas-az-emulator");
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const LOCAL_CA = "/usr/local/share/ca-certificates/aks-atlas-emulator-test.crt";

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

async function trustCa(caPem: string): Promise<string | null> {
  const bundle = await fs.readFile(SYSTEM_BUNDLE, "utf8").catch(() => "");
  const body = caPem.replace(/-----[A-Z ]+-----|\s/g, "");
  if (bundle.replace(/\s/g, "").includes(body)) return null;
  if (process.getuid?.() !== 0)
    return `the emulator CA is not in ${SYSTEM_BUNDLE} and this user cannot add it`;
  await fs.writeFile(LOCAL_CA, caPem);
  const result = spawnSync("update-ca-certificates", [], { encoding: "utf8" });
  return result.status === 0 ? null : `update-ca-certificates failed: ${result.stderr}`;
}

async function run(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => out.push(parts.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => err.push(parts.join(" ")));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    process.exitCode = undefined;
    const code = await main(["node", "aks-atlas", ...args]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

const missing = ["az", "kubectl"].filter((command) => !has(command));

describe.skipIf(missing.length > 0)("aks-atlas collect with real az and kubectl against the emulator", () => {
  let emulator: EmulatorHandle;
  let proxy: InstanceDiscoveryProxy;
  let scratch: string;
  let azEnv: Record<string, string>;
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ tenant: await loadDemoTenant(), dataDir: CA_DIR });
    const problem = await trustCa(emulator.caPem);
    if (problem) throw new Error(problem);
    proxy = await startInstanceDiscoveryProxy({ emulatorOrigin: emulator.url, dataDir: CA_DIR });
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-collect-az-"));
    azEnv = {
      AZURE_CONFIG_DIR: path.join(scratch, "az"),
      HTTPS_PROXY: proxy.url,
      NO_PROXY: "127.0.0.1,localhost",
      AZURE_CORE_COLLECT_TELEMETRY: "false",
    };
    const az = spawnRunner({ env: { ...process.env, ...azEnv }, timeoutMs: 180_000 });
    const origin = emulator.url;
    const cloud = {
      endpoints: {
        resourceManager: `${origin}/`,
        activeDirectory: origin,
        activeDirectoryResourceId: "https://management.core.windows.net/",
        activeDirectoryGraphResourceId: "https://graph.windows.net/",
        microsoftGraphResourceId: `${origin}/graph/`,
        management: "https://management.core.windows.net/",
      },
    };
    const { tenantId, clientId, clientSecret } = emulator.scannerCredential;
    for (const args of [
      ["cloud", "register", "--name", "AtlasEmulator", "--cloud-config", JSON.stringify(cloud)],
      ["cloud", "set", "--name", "AtlasEmulator"],
      [
        "login",
        "--service-principal",
        "-u",
        clientId,
        "-p",
        clientSecret,
        "--tenant",
        tenantId,
        "-o",
        "none",
      ],
    ]) {
      const result = await az("az", args);
      expect(result.code, `az ${args.slice(0, 2).join(" ")}: ${result.stderr}`).toBe(0);
    }
  }, 600_000);

  afterAll(async () => {
    for (const db of databases) await db.drop();
    await proxy?.close();
    await emulator?.close();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it("collects the demo tenant; its import answers as scan --emulate does", async () => {
    const out = path.join(scratch, "collected.json");
    // A harness deadline, not a measure: a hung az or kubectl fails the test instead of stalling it.
    const collected = await runCliProcess(["collect", "--out", out, "--concurrency", "6"], azEnv, {
      deadlineMs: 1_500_000,
    });
    expect(collected.hung, collected.stderr).toBe(false);
    expect(collected.code, collected.stderr).toBe(2); // written, with the private cluster not read
    // Instance discovery really went through the emulator's proxy.
    expect(proxy.requests.some((line) => line.startsWith("GET /common/discovery/instance"))).toBe(true);
    const file = JSON.parse(await fs.readFile(out, "utf8")) as {
      coverage: { unread: Record<string, { status: string; reason: string }> };
    };
    expect(Object.keys(file.coverage.unread)).toEqual([expect.stringMatching(/^cluster:.*\/aks-data$/)]);
    expect(file.coverage.unread[Object.keys(file.coverage.unread)[0]].status).toBe("not-read");

    // The same earlier state in both databases, then the emulated scan in one and the import in the other.
    const baseline = path.join(scratch, "baseline.json");
    const history = demoHistory(await loadDemoTenant());
    await fs.writeFile(baseline, JSON.stringify(history[0].tenant));
    const answers: Record<string, unknown>[] = [];
    for (const second of [
      ["scan", "--emulate", demoTenantPath],
      ["import", out],
    ]) {
      const db = await createTestDatabase();
      databases.push(db);
      const env = { DATABASE_URL: db.url, ATLAS_DATA_DIR: path.join(scratch, `data-${databases.length}`) };
      expect((await run(env, "import", baseline, "--json")).code).toBe(2); // aks-data: never reachable
      const scanned = await run(env, ...second, "--json");
      expect(scanned.code, scanned.stderr).toBe(2);
      const strip = (text: string) =>
        JSON.parse(text.replace(/"(scanId|fromScanId|toScanId|from|to)": "?\d+"?/g, '"$1": 0'));
      const findings = await run(env, "findings", "--json");
      const drift = await run(env, "drift", "--json");
      const access: Record<string, unknown> = {};
      for (const cluster of [
        "aks-1",
        "aks-2",
        "aks-3",
        "aks-payments",
        "aks-data",
        "aks-dev-1",
        "aks-dev-sandbox",
      ])
        access[cluster] = strip((await run(env, "access", "--cluster", cluster, "--json")).stdout);
      answers.push({
        summary: (({ status, counts }) => {
          const { resourceGraphFallbacks, throttledResponses, pacedMs, ...objects } = counts as Record<
            string,
            number
          >;
          void resourceGraphFallbacks;
          void throttledResponses;
          void pacedMs;
          return { status, objects };
        })(JSON.parse(scanned.stdout)),
        findings: strip(findings.stdout),
        drift: strip(drift.stdout),
        access,
      });
    }
    const [scan, imported] = answers;
    expect((scan.findings as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(scan.drift)).not.toBe("{}");
    expect(imported.summary).toEqual(scan.summary);
    expect(imported.findings).toEqual(scan.findings);
    expect(imported.access).toEqual(scan.access);
    expect(imported.drift).toEqual(scan.drift);
  }, 1_800_000);

  it("deploy/collect.sh (bash, az, kubectl, jq) writes a tenant file the import reads with the same inventory", async () => {
    if (!has("jq")) return; // the script needs jq; without it there is nothing to run
    const out = path.join(scratch, "collected-sh.json");
    const script = path.resolve(import.meta.dirname, "../../deploy/collect.sh");
    const result = await spawnRunner({ env: { ...process.env, ...azEnv }, timeoutMs: 1_500_000 })("bash", [
      script,
      out,
    ]);
    expect(result.code, result.stderr).toBe(2); // aks-data is not read, and says so
    const shell = JSON.parse(await fs.readFile(out, "utf8")) as Record<string, unknown[]> & {
      coverage: { unread: Record<string, { status: string }> };
      clusters: Record<string, { reachable?: boolean; objects?: unknown[] }>;
    };
    const node = JSON.parse(await fs.readFile(path.join(scratch, "collected.json"), "utf8")) as typeof shell;
    expect(Object.keys(shell.coverage.unread)).toEqual(Object.keys(node.coverage.unread));
    for (const section of [
      "principals",
      "roleAssignments",
      "roleDefinitions",
      "roleEligibilityScheduleInstances",
    ])
      expect(shell[section].length, section).toBe(node[section].length);
    for (const [id, data] of Object.entries(node.clusters))
      expect(shell.clusters[id]?.objects?.length ?? -1, id).toBe(data.objects?.length ?? -1);
    const db = await createTestDatabase();
    databases.push(db);
    const imported = await run(
      { DATABASE_URL: db.url, ATLAS_DATA_DIR: path.join(scratch, "data-sh") },
      "import",
      out,
      "--json",
    );
    expect(imported.code, imported.stderr).toBe(2);
    expect(JSON.parse(imported.stdout).status).toBe("partial");
  }, 1_800_000);
});
