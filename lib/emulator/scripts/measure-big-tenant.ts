/**
 * Measures the emulator on a generated tenant at scale: start-up time, then a scanner-shaped read
 * through the official SDKs (every subscription's clusters, identities and role assignments,
 * Resource Graph, and the Kubernetes RBAC of a sample of clusters), with memory sampled throughout.
 *
 *   /usr/bin/time -v tsx lib/emulator/scripts/measure-big-tenant.ts [tenant.json] [clusters-to-read]
 *
 * Without a tenant path it generates the reference tenant (500 clusters, 100,000 role assignments,
 * 100,000 bindings) into the OS temp folder first.
 */
import { createWriteStream, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import {
  armClientOptions,
  emulatorCredential,
  kubeConfigWithCredential,
  startTestEmulator,
} from "@/lib/emulator/test-support";
import { listClusters } from "@/lib/model/wire/tenant-file";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

const tenantPath = process.argv[2] ?? path.join(os.tmpdir(), "atlas-big-tenant.json");
const clustersToRead = Number(process.argv[3] ?? 50);

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 25);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

if (!existsSync(tenantPath)) {
  const started = performance.now();
  const out = createWriteStream(tenantPath);
  const stats = await generateTenant(
    {
      seed: 1,
      subscriptions: 20,
      clusters: 500,
      roleAssignments: 100_000,
      bindings: 100_000,
      identities: 5000,
      federatedCredentials: 6000,
      principals: 20_000,
    },
    out,
  );
  out.end();
  await finished(out);
  console.log(`generated ${tenantPath}: ${JSON.stringify(stats)} in ${elapsed(started)}`);
}

let started = performance.now();
const tenant = await readTenantFile(tenantPath);
console.log(`read and validated the tenant in ${elapsed(started)}; rss ${mb(process.memoryUsage().rss)}`);
started = performance.now();
const running = await startTestEmulator({ tenant, pageSize: 100 });
const afterStart = process.memoryUsage();
console.log(
  `emulator started in ${elapsed(started)}; rss ${mb(afterStart.rss)}, heap ${mb(afterStart.heapUsed)}`,
);

const { emulator } = running;
const credential = emulatorCredential(emulator, emulator.scannerCredential);
const options = armClientOptions(emulator);
started = performance.now();
let clusters = 0;
let identities = 0;
let assignments = 0;
for (const subscription of tenant.subscriptions) {
  const id = subscription.subscriptionId;
  for await (const _ of new ContainerServiceClient(credential, id, options).managedClusters.list())
    clusters++;
  for await (const _ of new ManagedServiceIdentityClient(
    credential,
    id,
    options,
  ).userAssignedIdentities.listBySubscription())
    identities++;
  for await (const _ of new AuthorizationManagementClient(
    credential,
    id,
    options,
  ).roleAssignments.listForSubscription())
    assignments++;
}
console.log(
  `ARM: ${clusters} clusters, ${identities} identities, ${assignments} role assignments (with inherited) in ${elapsed(started)}; rss ${mb(process.memoryUsage().rss)}`,
);

started = performance.now();
const graph = new ResourceGraphClient(credential, options);
let rows = 0;
let skipToken: string | undefined;
do {
  const page = await graph.resources({
    query:
      "authorizationresources | where type =~ 'microsoft.authorization/roleassignments' | project id, properties",
    options: skipToken ? { skipToken } : { top: 1000 },
  });
  rows += page.count;
  skipToken = page.skipToken;
} while (skipToken);
console.log(
  `Resource Graph: ${rows} role assignment rows in ${elapsed(started)}; rss ${mb(process.memoryUsage().rss)}`,
);

started = performance.now();
let bindings = 0;
let read = 0;
for (const cluster of listClusters(tenant)) {
  if (read >= clustersToRead) break;
  if (cluster.data?.reachable === false) continue;
  const aks = new ContainerServiceClient(credential, cluster.subscription.subscriptionId, options);
  const resourceGroup = /\/resourcegroups\/([^/]+)/i.exec(cluster.resource.id)?.[1] ?? "";
  const result = await aks.managedClusters.listClusterUserCredentials(resourceGroup, cluster.resource.name);
  const config = await kubeConfigWithCredential(
    Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
    credential,
  );
  const rbac = config.makeApiClient(RbacAuthorizationV1Api);
  for (const list of [
    (cont?: string) => rbac.listClusterRoleBinding({ limit: 500, _continue: cont }),
    (cont?: string) => rbac.listRoleBindingForAllNamespaces({ limit: 500, _continue: cont }),
  ]) {
    let cont: string | undefined;
    do {
      const page = await list(cont);
      bindings += page.items.length;
      cont = page.metadata?._continue;
    } while (cont);
  }
  read++;
}
console.log(
  `Kubernetes: ${bindings} bindings from ${read} clusters in ${elapsed(started)}; rss ${mb(process.memoryUsage().rss)}`,
);
console.log(`requests: ${JSON.stringify(emulator.counts())}`);
clearInterval(sampler);
console.log(`peak rss ${mb(peakRss)}, peak heap ${mb(peakHeap)} (emulator and SDK clients in one process)`);
await running.stop();
