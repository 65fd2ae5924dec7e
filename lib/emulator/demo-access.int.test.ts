import { ContainerServiceClient } from "@azure/arm-containerservice";
import { RestError } from "@azure/core-rest-pipeline";
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ACCOUNTS_DISABLED_MESSAGE } from "@/lib/emulator/arm/managed-clusters";
import { demoTenantPath } from "@/lib/emulator/demo";
import {
  AKS_SCOPE,
  ARM_SCOPE,
  armClientOptions,
  emulatorCredential,
  GRAPH_SCOPE,
  kubeConfigFrom,
  kubeConfigWithCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";

// The article's scenario on the demo tenant, through the SDKs, as each person.
const PROD = "00000000-0000-0000-0000-0000000005b1";
const DEV = "00000000-0000-0000-0000-0000000005b2";

let running: TestEmulator;

beforeAll(async () => {
  running = await startTestEmulator({ tenantPath: demoTenantPath, pageSize: 3 });
});
afterAll(async () => {
  await running?.stop();
});

function aksAs(person: string, subscriptionId = PROD) {
  const credential = emulatorCredential(running.emulator, running.emulator.credentialFor(person));
  return {
    credential,
    aks: new ContainerServiceClient(credential, subscriptionId, armClientOptions(running.emulator, 0)),
  };
}

async function userKubeConfig(person: string, resourceGroup: string, cluster: string, subscriptionId = PROD) {
  const { credential, aks } = aksAs(person, subscriptionId);
  const result = await aks.managedClusters.listClusterUserCredentials(resourceGroup, cluster);
  return kubeConfigWithCredential(
    Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
    credential,
  );
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

/** The message of the Kubernetes `Status` a refused call answers. */
async function forbiddenMessage(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException && error.code === 403) {
      const body = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
      return (body as { message: string }).message;
    }
    throw error;
  }
  throw new Error("the call was allowed");
}

function canListClusterRoleBindings(config: KubeConfig) {
  return statusOf(config.makeApiClient(RbacAuthorizationV1Api).listClusterRoleBinding({ limit: 10 }));
}

describe("listClusterAdminCredential", () => {
  it("answers the exact 400 on aks-3, whose local accounts are disabled (Penny may call it)", async () => {
    const { aks } = aksAs("penny@contoso.example");
    const failure = await aks.managedClusters
      .listClusterAdminCredentials("rsg-aksIdentityState3", "aks-3")
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RestError);
    expect(failure).toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: LOCAL_ACCOUNTS_DISABLED_MESSAGE,
    });
    expect(LOCAL_ACCOUNTS_DISABLED_MESSAGE).toBe(
      "Getting static credential is not allowed because this cluster is set to disable local accounts.",
    );
  });

  it("refuses Faye (AKS Cluster User Role only) with 403 AuthorizationFailed on aks-1", async () => {
    const { aks } = aksAs("Faye Valentine");
    const failure = await aks.managedClusters
      .listClusterAdminCredentials("rsg-aksIdentityState1", "aks-1")
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RestError);
    expect(failure).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect((failure as RestError).message).toContain(
      "'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'",
    );
    // ...while her user credential works: credentials-only, as the article says.
    const user = await aks.managedClusters.listClusterUserCredentials("rsg-aksIdentityState1", "aks-1");
    expect(user.kubeconfigs?.[0]?.name).toBe("clusterUser");
  });

  it("gives Penny (Contributor on the resource group) a system:masters kubeconfig for aks-1", async () => {
    const { aks } = aksAs("penny@contoso.example");
    const result = await aks.managedClusters.listClusterAdminCredentials("rsg-aksIdentityState1", "aks-1");
    expect(result.kubeconfigs?.[0]?.name).toBe("clusterAdmin");
    const config = kubeConfigFrom(
      Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
    );
    expect(await canListClusterRoleBindings(config)).toBe(200);
    const secretsAnywhere = await statusOf(config.makeApiClient(CoreV1Api).listSecretForAllNamespaces());
    expect(secretsAnywhere).toBe(200);
  });

  it("refuses the scanner, whose role never includes the admin credential", async () => {
    const credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
    const aks = new ContainerServiceClient(credential, PROD, armClientOptions(running.emulator, 0));
    await expect(
      aks.managedClusters.listClusterAdminCredentials("rsg-aksIdentityState1", "aks-1"),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: "AuthorizationFailed",
    });
  });
});

describe("ARM lists as each person", () => {
  it("filters collections to what the caller may read, and refuses a subscription without any access", async () => {
    const prod = aksAs("Faye Valentine").aks;
    const names: string[] = [];
    for await (const cluster of prod.managedClusters.list()) names.push(cluster.name ?? "");
    expect(names).toEqual(["aks-1"]);
    const dev = aksAs("Faye Valentine", DEV).aks;
    const listing = async () => {
      for await (const _cluster of dev.managedClusters.list()) {
        // a 403 is expected before any item
      }
    };
    await expect(listing()).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });
});

describe("Kubernetes authorization as each person (Entra token for the AKS server app)", () => {
  it("Faye: credentials-only on aks-1 (403 on every read)", async () => {
    const config = await userKubeConfig("Faye Valentine", "rsg-aksIdentityState1", "aks-1");
    expect(await statusOf(config.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "default" }))).toBe(
      403,
    );
  });

  it("Jet: reads workloads on aks-1 through Azure RBAC (RBAC Reader), not RBAC objects; nothing on aks-2", async () => {
    const aks1 = await userKubeConfig("jet@contoso.example", "rsg-aksIdentityState1", "aks-1");
    expect(await statusOf(aks1.makeApiClient(CoreV1Api).listPodForAllNamespaces())).toBe(200);
    expect(await canListClusterRoleBindings(aks1)).toBe(403);
    const aks2 = await userKubeConfig("jet@contoso.example", "rsg-aksIdentityState2", "aks-2");
    expect(await statusOf(aks2.makeApiClient(CoreV1Api).listPodForAllNamespaces())).toBe(403);
    // The article's `k get ns` on aks-2, word for word but the domain: a member is named by UPN.
    expect(await forbiddenMessage(aks2.makeApiClient(CoreV1Api).listNamespace())).toBe(
      'namespaces is forbidden: User "jet@contoso.example" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
  });

  it("names members by UPN and service principals by object id (Guard: `upn`, else `oid`)", async () => {
    // The article's Faye on aks-1, which has Azure RBAC: the webhook's reason follows.
    const faye = await userKubeConfig("faye@contoso.example", "rsg-aksIdentityState1", "aks-1");
    expect(await forbiddenMessage(faye.makeApiClient(CoreV1Api).listNamespace())).toBe(
      'namespaces is forbidden: User "faye@contoso.example" cannot list resource "namespaces" in API group "" at the cluster scope: User does not have access to the resource in Azure. Update role assignment to allow access.',
    );
    const whoAmI = async (config: KubeConfig) =>
      (await config.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} })).status?.userInfo
        ?.username;
    const leonard = await userKubeConfig("leonard@contoso.example", "rsg-aksIdentityState1", "aks-1");
    expect(await whoAmI(leonard)).toBe("leonard@contoso.example");
    const scanner = await userKubeConfig(running.emulator.scanner.objectId, "rsg-aksIdentityState1", "aks-1");
    expect(await whoAmI(scanner)).toBe(running.emulator.scanner.objectId);
  });

  it("Leonard: admin in namespace default on aks-1 through a RoleBinding, nothing elsewhere", async () => {
    const config = await userKubeConfig("leonard@contoso.example", "rsg-aksIdentityState1", "aks-1");
    const rbac = config.makeApiClient(RbacAuthorizationV1Api);
    expect(await statusOf(rbac.listNamespacedRoleBinding({ namespace: "default" }))).toBe(200);
    expect(await statusOf(rbac.listNamespacedRoleBinding({ namespace: "kube-system" }))).toBe(403);
    expect(await canListClusterRoleBindings(config)).toBe(403);
    // On aks-2 (Kubernetes RBAC only, no binding for him) the refusal names him by UPN, as the
    // article's `k run` there does (`User "leonard@teknews.cloud" cannot create resource "pods"`;
    // the emulated API server is read-only, so a list stands in for the create).
    const aks2 = await userKubeConfig("leonard@contoso.example", "rsg-aksIdentityState2", "aks-2");
    expect(
      await forbiddenMessage(aks2.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "default" })),
    ).toBe(
      'pods is forbidden: User "leonard@contoso.example" cannot list resource "pods" in API group "" in the namespace "default"',
    );
  });

  it("Sheldon: cluster-admin on aks-3 through the nested admin group (aks-cluster-admin-binding-aad)", async () => {
    const config = await userKubeConfig("sheldon@contoso.example", "rsg-aksIdentityState3", "aks-3");
    expect(await canListClusterRoleBindings(config)).toBe(200);
  });

  it("a token for the wrong audience is 401; no token is 401", async () => {
    const config = await userKubeConfig("sheldon@contoso.example", "rsg-aksIdentityState3", "aks-3");
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error("no cluster");
    const armToken = await running.emulator.issueToken("sheldon@contoso.example", ARM_SCOPE);
    expect(await canListClusterRoleBindings(kubeConfigFrom(config.exportConfig(), armToken))).toBe(401);
    const aksToken = await running.emulator.issueToken("sheldon@contoso.example", AKS_SCOPE);
    expect(
      await canListClusterRoleBindings(kubeConfigFrom(config.exportConfig(), `${aksToken.slice(0, -4)}AAAA`)),
    ).toBe(401);
  });

  it("aks-dev-sandbox (no Entra integration): the user kubeconfig is a static cluster-admin token", async () => {
    // Howard's AKS Cluster Admin Role has no listClusterUserCredential; the scanner's role has.
    const { aks } = aksAs(running.emulator.scanner.objectId, DEV);
    const result = await aks.managedClusters.listClusterUserCredentials("rg-dev-sandbox", "aks-dev-sandbox");
    const yaml = Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8");
    expect(yaml).toContain("token:");
    expect(await canListClusterRoleBindings(kubeConfigFrom(yaml))).toBe(200);
  });

  it("aks-data (private, unreachable): the connection is reset", async () => {
    const config = await userKubeConfig("sheldon@contoso.example", "rg-data-prod", "aks-data");
    await expect(config.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({
      cause: { code: "ECONNRESET" },
    });
  });
});

describe("token audiences at ARM and Graph", () => {
  it("ARM rejects a Graph token with 401 InvalidAuthenticationTokenAudience", async () => {
    const graphToken = await running.emulator.issueToken(running.emulator.scanner.objectId, GRAPH_SCOPE);
    const aks = new ContainerServiceClient(
      { getToken: async () => ({ token: graphToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      PROD,
      armClientOptions(running.emulator, 0),
    );
    await expect(aks.managedClusters.get("rsg-aksIdentityState1", "aks-1")).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationTokenAudience",
    });
  });
});
