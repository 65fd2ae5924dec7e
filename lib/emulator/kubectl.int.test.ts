import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenantPath } from "@/lib/emulator/demo";
import { listClusters } from "@/lib/emulator/tenant-file";
import {
  armClientOptions,
  emulatorCredential,
  kubeConfigWithCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";

const KUBECTL = "/usr/bin/kubectl";
const run = promisify(execFile);
const hasKubectl = existsSync(KUBECTL);

if (!hasKubectl) {
  console.warn(`kubectl tests skipped: ${KUBECTL} is not installed (apt-get install kubernetes-client)`);
}

describe.skipIf(!hasKubectl)("real kubectl against an emulated AKS API server", () => {
  let running: TestEmulator;
  let kubeconfigPath: string;

  beforeAll(async () => {
    running = await startTestEmulator({ tenantPath: demoTenantPath, pageSize: 3 });
    const credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
    const aks = new ContainerServiceClient(
      credential,
      "00000000-0000-0000-0000-0000000005b1",
      armClientOptions(running.emulator),
    );
    const result = await aks.managedClusters.listClusterUserCredentials("rsg-aksIdentityState1", "aks-1");
    // The kubelogin exec user replaced by an emulator token, as the scanner does.
    const config = await kubeConfigWithCredential(
      Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
      credential,
    );
    kubeconfigPath = path.join(running.dataDir, "aks-1.kubeconfig");
    await writeFile(kubeconfigPath, config.exportConfig());
  });
  afterAll(async () => {
    await running?.stop();
  });

  async function kubectl(...args: string[]) {
    // HOME inside the data dir keeps kubectl's discovery cache away from the user's ~/.kube.
    return run(KUBECTL, ["--kubeconfig", kubeconfigPath, ...args], {
      env: { ...process.env, HOME: running.dataDir, KUBECACHEDIR: path.join(running.dataDir, "kube-cache") },
      maxBuffer: 32 * 1024 * 1024,
    });
  }

  it("gets clusterrolebindings as JSON, paging through the emulator's small pages", async () => {
    const { stdout } = await kubectl("get", "clusterrolebindings", "-o", "json", "--chunk-size=2");
    const list = JSON.parse(stdout) as { kind: string; items: { metadata: { name: string } }[] };
    const cluster = listClusters(running.tenant).find((candidate) => candidate.resource.name === "aks-1");
    if (!cluster) throw new Error("demo tenant has no aks-1");
    const expected = effectiveKubernetesObjects(cluster.resource, cluster.data).filter(
      (object) => object.kind === "ClusterRoleBinding",
    );
    expect(list.kind).toBe("List");
    expect(list.items.map((item) => item.metadata.name).sort()).toEqual(
      expected.map((object) => object.metadata.name).sort(),
    );
    expect(list.items.some((item) => item.metadata.name === "aks-cluster-admin-binding-aad")).toBe(true);
  });

  it("gets a namespaced object by name and lists custom resources by their plural", async () => {
    const { stdout } = await kubectl("get", "rolebinding", "defaultnsadmin", "-n", "default", "-o", "json");
    expect(JSON.parse(stdout).roleRef.name).toBe("admin");
    const providers = await kubectl(
      "get",
      "secretproviderclasses.secrets-store.csi.x-k8s.io",
      "-A",
      "-o",
      "json",
    );
    expect(JSON.parse(providers.stdout).kind).toBe("List");
  });

  it("reports Forbidden for what the scanner may not read", async () => {
    await expect(kubectl("get", "secrets", "-A")).rejects.toMatchObject({
      stderr: expect.stringContaining("Forbidden"),
    });
  });
});
