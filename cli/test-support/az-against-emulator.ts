import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type CommandRunner, spawnRunner } from "@/lib/collect/command-runner";
import { loadDemoTenant } from "@/lib/emulator/demo/index";
import {
  type InstanceDiscoveryProxy,
  startInstanceDiscoveryProxy,
} from "@/lib/emulator/instance-discovery-proxy";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import type { TenantFile } from "@/lib/model/wire/tenant-file";

// Real `az` (Debian's azure-cli) signed in to the emulator, with TLS verification on:
// - a custom cloud whose endpoints are the emulator's (`az cloud register --cloud-config`);
// - the emulator's CA in the system CA bundle Debian's az trusts (python3-certifi is patched to
//   /etc/ssl/certs/ca-certificates.crt), added the Debian way (update-ca-certificates). The CA lives in a
//   fixed folder and is reused, so it is added once per machine;
// - MSAL Python 1.21 validates any authority outside Microsoft's clouds at login.microsoftonline.com
//   (msal/authority.py, "instance discovery"), which is unreachable offline: the emulator's discovery
//   proxy answers it (HTTPS_PROXY; NO_PROXY keeps every other call direct).

export const AZ_CA_DIR = path.join(os.tmpdir(), "aks-atlas-az-emulator");
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const LOCAL_CA = "/usr/local/share/ca-certificates/aks-atlas-emulator-test.crt";

export function hasCommand(command: string): boolean {
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

export interface AzAgainstEmulator {
  emulator: EmulatorHandle;
  proxy: InstanceDiscoveryProxy;
  /** a scratch folder (the az config lives in it); removed by close() */
  scratch: string;
  /** the environment under which az (and anything running az) reaches the emulator */
  env: Record<string, string>;
  /** runs a command (az, bash, kubectl) under `env` */
  run: CommandRunner;
  close(): Promise<void>;
}

/** Starts the emulator on the demo tenant and signs a private az config in to it as the scanner. */
export async function azAgainstEmulator(
  timeoutMs = 180_000,
  /** the tenant the emulator serves (default: the demo) */
  tenant?: TenantFile,
): Promise<AzAgainstEmulator> {
  const emulator = await startEmulator({ tenant: tenant ?? (await loadDemoTenant()), dataDir: AZ_CA_DIR });
  const problem = await trustCa(emulator.caPem);
  if (problem) {
    await emulator.close();
    throw new Error(problem);
  }
  const proxy = await startInstanceDiscoveryProxy({ emulatorOrigin: emulator.url, dataDir: AZ_CA_DIR });
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-collect-az-"));
  const env = {
    AZURE_CONFIG_DIR: path.join(scratch, "az"),
    HTTPS_PROXY: proxy.url,
    NO_PROXY: "127.0.0.1,localhost",
    AZURE_CORE_COLLECT_TELEMETRY: "false",
  };
  const run = spawnRunner({ env: { ...process.env, ...env }, timeoutMs });
  const close = async () => {
    await proxy.close();
    await emulator.close();
    await fs.rm(scratch, { recursive: true, force: true });
  };
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
    ["login", "--service-principal", "-u", clientId, "-p", clientSecret, "--tenant", tenantId, "-o", "none"],
  ]) {
    const result = await run("az", args);
    if (result.code !== 0) {
      await close();
      throw new Error(`az ${args.slice(0, 2).join(" ")} exited ${result.code}: ${result.stderr}`);
    }
  }
  return { emulator, proxy, scratch, env, run, close };
}
