/**
 * `aks-atlas emulate <tenant.json | demo>`: serves a tenant file as ARM, Resource Graph, Microsoft
 * Graph, Entra ID and one Kubernetes API server per cluster over HTTPS, until Ctrl-C.
 */
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { FaultSpecError, parseFaultSpec } from "@/lib/emulator/faults";
import { type EmulatorHandle, startEmulator } from "@/lib/emulator/server";
import { listClusters, type TenantFile, TenantFileError } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";
import { CliError } from "../cli-error";

export type EmulateOptions = {
  port: number;
  host: string;
  pageSize: number;
  faults?: string;
  seed: number;
  dataDir?: string;
  armTokenBucket?: boolean;
  verbose?: boolean;
};

function integerIn(name: string, minimum: number, maximum: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(
        `${name} must be an integer from ${minimum} to ${maximum}, got "${value}".`,
      );
    }
    return parsed;
  };
}

export function defaultEmulatorDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.ATLAS_DATA_DIR ?? ".data", "emulator");
}

async function loadTenant(reference: string): Promise<TenantFile> {
  if (reference === "demo") return loadDemoTenant();
  return readTenantFile(reference);
}

/** What the command prints once the emulator listens: endpoints, CA, and ready-to-paste credentials. */
export function describeEmulator(emulator: EmulatorHandle, tenant: TenantFile, tenantLabel: string): string {
  const credential = emulator.scannerCredential;
  const clusters = listClusters(tenant).map(
    (cluster) =>
      `    ${cluster.resource.name.padEnd(24)} ${emulator.kubernetesServerUrl(cluster.resource.id)}`,
  );
  return [
    `AKS Identity Atlas emulator — ${tenantLabel} (tenant ${emulator.tenantId})`,
    "",
    "Endpoints",
    `  ARM / Resource Graph   ${emulator.armEndpoint}`,
    `  Microsoft Graph        ${emulator.graphEndpoint}`,
    `  Entra ID authority     ${emulator.authorityHost}/${emulator.tenantId}`,
    `  OIDC discovery         ${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
    "  Kubernetes API servers",
    ...clusters,
    "",
    `CA certificate (trust it; never turn verification off): ${emulator.caPath}`,
    "",
    `Scanner identity "${emulator.scanner.displayName}" (object id ${emulator.scanner.objectId}), with exactly the`,
    "permissions in docs/permissions. Point a scan at this emulator with:",
    "",
    `  export AZURE_TENANT_ID=${credential.tenantId}`,
    `  export AZURE_CLIENT_ID=${credential.clientId}`,
    `  export AZURE_CLIENT_SECRET=${credential.clientSecret}`,
    `  export AZURE_AUTHORITY_HOST=${emulator.authorityHost}`,
    `  export ATLAS_ARM_ENDPOINT=${emulator.armEndpoint}`,
    `  export ATLAS_GRAPH_ENDPOINT=${emulator.graphEndpoint}`,
    `  export ATLAS_CA_FILE=${emulator.caPath}`,
    "",
    `Sign-in app (authorization code + PKCE): client id ${emulator.signInApp.clientId}, secret ${emulator.signInApp.clientSecret}`,
    "Secrets are derived from --seed: they are stable across restarts and are not secret.",
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

export function registerEmulateCommand(program: Command): void {
  program
    .command("emulate")
    .description(
      "Serve a tenant file (or the built-in demo) as HTTPS ARM, Resource Graph, Microsoft Graph, Entra ID and Kubernetes APIs",
    )
    .argument("<tenant>", 'a tenant file (see docs/tenant-file.md), or "demo"')
    .option("--port <n>", "port to listen on (0 picks a free one)", integerIn("--port", 0, 65535), 0)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--page-size <n>", "largest page any list returns", integerIn("--page-size", 1, 1000), 100)
    .option(
      "--faults <spec>",
      "faults, e.g. arm:throttle:0.2,kubernetes:error5xx:0.1,latency:20 (docs/emulator.md)",
    )
    .option("--seed <n>", "seed for faults and derived secrets", integerIn("--seed", 0, 2 ** 31 - 1), 1)
    .option(
      "--data-dir <dir>",
      "where the CA and server certificate are written (default: $ATLAS_DATA_DIR/emulator)",
    )
    .option(
      "--arm-token-bucket",
      "throttle ARM like Azure: 250 reads, refilled at 25/s per subscription and principal",
    )
    .option("--verbose", "print one line per request")
    .action(async (tenantReference: string, options: EmulateOptions) => {
      let tenant: TenantFile;
      let faults: ReturnType<typeof parseFaultSpec> = { rules: [], armTokenBucket: false };
      try {
        faults = options.faults ? parseFaultSpec(options.faults) : faults;
        tenant = await loadTenant(tenantReference);
      } catch (error) {
        if (error instanceof FaultSpecError) throw new CliError(`--faults: ${error.message}`, 2);
        if (error instanceof TenantFileError) throw new CliError(error.message, 1);
        throw error;
      }
      const emulator = await startEmulator({
        tenant,
        dataDir: options.dataDir ?? defaultEmulatorDataDir(),
        host: options.host,
        port: options.port,
        pageSize: options.pageSize,
        faults: faults.rules,
        seed: options.seed,
        armTokenBucket: faults.armTokenBucket || options.armTokenBucket === true,
        ...(options.verbose
          ? {
              onRequest: (entry) =>
                process.stderr.write(
                  `${entry.family.padEnd(14)} ${String(entry.status).padEnd(7)} ${entry.method} ${entry.url}\n`,
                ),
            }
          : {}),
      });
      process.stdout.write(
        describeEmulator(
          emulator,
          tenant,
          tenantReference === "demo" ? "demo tenant" : path.basename(tenantReference),
        ),
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      await emulator.close();
      const counts = emulator.counts();
      process.stdout.write(
        `\nStopped. Requests served: ${Object.entries(counts)
          .map(([family, count]) => `${family} ${count}`)
          .join(", ")}\n`,
      );
    });
}
