import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenantPath } from "@/lib/emulator/demo";
import {
  armClientOptions,
  emulatorCredential,
  kubeConfigWithCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import { listClusters } from "@/lib/model/wire/tenant-file";

const KUBECTL = "/usr/bin/kubectl";
const run = promisify(execFile);
const hasKubectl = existsSync(KUBECTL);

if (!hasKubectl) {
  console.warn(`kubectl tests skipped: ${KUBECTL} is not installed (apt-get install kubernetes-client)`);
}

describe.skipIf(!hasKubectl)("real kubectl against an emulated AKS API server", () => {
  let running: TestEmulator;
  let kubeconfigPath: string;
  let adminKubeconfigPath: string;

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
    // Penny's Contributor reaches the local admin credential (system:masters), as in the article.
    const penny = new ContainerServiceClient(
      emulatorCredential(running.emulator, running.emulator.credentialFor("penny@contoso.example")),
      "00000000-0000-0000-0000-0000000005b1",
      armClientOptions(running.emulator),
    );
    const admin = await penny.managedClusters.listClusterAdminCredentials("rsg-aksIdentityState1", "aks-1");
    adminKubeconfigPath = path.join(running.dataDir, "aks-1-admin.kubeconfig");
    await writeFile(adminKubeconfigPath, Buffer.from(admin.kubeconfigs?.[0]?.value ?? new Uint8Array()));
  });
  afterAll(async () => {
    await running?.stop();
  });

  async function kubectl(...args: string[]) {
    return kubectlWith(kubeconfigPath, ...args);
  }

  async function kubectlWith(config: string, ...args: string[]) {
    // HOME inside the data dir keeps kubectl's discovery cache away from the user's ~/.kube.
    return run(KUBECTL, ["--kubeconfig", config, ...args], {
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

  // `kubectl auth can-i` posts authorization.k8s.io/v1 SelfSubjectAccessReviews and
  // SelfSubjectRulesReviews (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go) and, with --as /
  // --as-group, sends Impersonate-User / Impersonate-Group on every request, which the API server
  // authorizes as verb `impersonate` on users / groups before acting as that user
  // (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go). It prints yes/no and exits 1 on no.
  // Members are Kubernetes users by UPN (the token's `upn` claim, as AKS's webhook names them).
  const LEONARD = "leonard@contoso.example";
  const LEONARD_OBJECT_ID = "00000000-0000-0000-0000-0000000000f3";
  const RAJ = "raj@contoso.example";
  const TEAM_WEB = "00000000-0000-0000-0000-0000000000a4";

  async function canI(config: string, ...args: string[]): Promise<{ answer: string; exitCode: number }> {
    try {
      const { stdout } = await kubectlWith(config, "auth", "can-i", ...args);
      return { answer: stdout.trim(), exitCode: 0 };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      if (failed.stdout?.trim() === "no") return { answer: "no", exitCode: failed.code ?? -1 };
      throw error;
    }
  }

  it("answers auth can-i --list from the caller's RBAC rules, flagged incomplete under Azure RBAC", async () => {
    const { stdout, stderr } = await kubectl("auth", "can-i", "--list", "-n", "default");
    // system:basic-user (bound to system:authenticated) lets everyone create self reviews.
    expect(stdout).toMatch(/selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    // system:discovery's non-resource URLs.
    expect(stdout).toMatch(/\s+\[\/version\]\s+\[\]\s+\[get\]/);
    // aks-1 has Azure RBAC: the guard webhook cannot list rules, so the answer is incomplete.
    expect(stderr).toContain("webhook authorizer does not support user rule resolution");

    const admin = await kubectlWith(adminKubeconfigPath, "auth", "can-i", "--list", "-n", "default");
    expect(admin.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
  });

  it("answers auth can-i as an impersonated user and group, with exact subject matching", async () => {
    const asLeonard = ["create", "pods", `--as=${LEONARD}`];
    expect(await canI(adminKubeconfigPath, ...asLeonard, "-n", "default")).toEqual({
      answer: "yes",
      exitCode: 0,
    });
    expect(await canI(adminKubeconfigPath, ...asLeonard, "-n", "kube-system")).toEqual({
      answer: "no",
      exitCode: 1,
    });
    // defaultnsadmin names Leonard by UPN: his object id is another user name, bound to nothing.
    expect(
      await canI(adminKubeconfigPath, "create", "pods", `--as=${LEONARD_OBJECT_ID}`, "-n", "default"),
    ).toEqual({ answer: "no", exitCode: 1 });
    // Raj's edit binding in `web` is to his group: impersonating him alone carries no directory
    // groups (only system:authenticated), as on a real API server; --as-group adds the group.
    expect(await canI(adminKubeconfigPath, "create", "pods", `--as=${RAJ}`, "-n", "web")).toEqual({
      answer: "no",
      exitCode: 1,
    });
    expect(
      await canI(adminKubeconfigPath, "create", "pods", `--as=${RAJ}`, `--as-group=${TEAM_WEB}`, "-n", "web"),
    ).toEqual({ answer: "yes", exitCode: 0 });
    const list = await kubectlWith(
      adminKubeconfigPath,
      "auth",
      "can-i",
      "--list",
      `--as=${LEONARD}`,
      "-n",
      "default",
    );
    expect(list.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[.*create.*\]$/m);
  });

  it("refuses --as to a caller without impersonate rights, with the API server's message", async () => {
    await expect(
      kubectl("auth", "can-i", "create", "pods", `--as=${LEONARD}`, "-n", "default"),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(
        // aks-1 has Azure RBAC, so the guard webhook's reason follows (the scanner has no impersonate data action).
        new RegExp(
          `users "${LEONARD}" is forbidden: User "[0-9a-f-]{36}" cannot impersonate resource "users" in API group "" at the cluster scope: User does not have access to the resource in Azure`,
        ),
      ),
    });
    await expect(kubectl("get", "pods", "-n", "default", `--as=${LEONARD}`)).rejects.toMatchObject({
      stderr: expect.stringMatching(
        /cannot impersonate resource "users" in API group "" at the cluster scope/,
      ),
    });
  });

  it("filters lists by set-based label selectors", async () => {
    const names = async (selector: string) => {
      const { stdout } = await kubectl("get", "pods", "-A", "-l", selector, "-o", "json");
      return (JSON.parse(stdout) as { items: { metadata: { name: string } }[] }).items
        .map((item) => item.metadata.name)
        .sort();
    };
    expect(await names("app in (orders-api,storefront)")).toEqual([
      "orders-api-7d9f8b6c5-x2x4q",
      "storefront-6b7c9d8f5-q9w8e",
    ]);
    expect(await names("app notin (orders-api, storefront)")).toEqual(["orders-worker-5c8d7f9b4-k7m2p"]);
    expect(await names("!azure.workload.identity/use")).toEqual(["storefront-6b7c9d8f5-q9w8e"]);
    expect(await names("app,azure.workload.identity/use in (true)")).toHaveLength(2);
    await expect(kubectl("get", "pods", "-A", "-l", "app in (a")).rejects.toMatchObject({
      stderr: expect.stringContaining("unable to parse requirement"),
    });
  });
});
