import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { isRestError, type PipelineRequest, type SendRequest } from "@azure/core-rest-pipeline";
import type { ClientSecretCredential } from "@azure/identity";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AKS_SCOPE,
  ARM_SCOPE,
  armClientOptions,
  emulatorCredential,
  emulatorGraphClient,
  kubeConfigFrom,
  kubeConfigWithCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";

// Each fault as the SDK sees it: what Azure would make it see.
const SUBSCRIPTION = "1111aaaa-0000-4000-8000-000000000001";
const PENNY = "0000bbbb-0000-4000-8000-000000000004";

let running: TestEmulator;
let credential: ClientSecretCredential;

beforeAll(async () => {
  running = await startTestEmulator({ pageSize: 2, seed: 7 });
  credential = emulatorCredential(running.emulator, running.emulator.scannerCredential);
  await credential.getToken(ARM_SCOPE); // warm the token cache so Entra faults only hit Entra tests
});
afterEach(() => {
  running.emulator.setFaults([]);
  running.emulator.resetCounts();
});
afterAll(async () => {
  await running?.stop();
});

function clusters(retries: number) {
  return new ContainerServiceClient(credential, SUBSCRIPTION, armClientOptions(running.emulator, retries));
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("throttle", () => {
  it("a 429 with Retry-After is retried by the SDK and then succeeds", async () => {
    running.emulator.setFaults([
      { kind: "throttle", family: "arm", rate: 1, maxCount: 1, retryAfterSeconds: 1 },
    ]);
    const cluster = await clusters(3).managedClusters.get("rsg-aksIdentityState1", "aks-1");
    expect(cluster.name).toBe("aks-1");
    expect(running.emulator.routeCounts()).toMatchObject({
      "arm fault:throttle": 1,
      "arm managedClusters.get": 1,
    });
  });

  it("after the retries run out the caller gets RestError 429 SubscriptionRequestsThrottled", async () => {
    running.emulator.setFaults([{ kind: "throttle", family: "arm", rate: 1, retryAfterSeconds: 0 }]);
    const error = await failureOf(clusters(1).managedClusters.get("rsg-aksIdentityState1", "aks-1"));
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, code: "SubscriptionRequestsThrottled" });
    expect(running.emulator.counts().arm).toBe(2);
  });

  it("Resource Graph throttling (RateLimiting) is retried by the SDK", async () => {
    running.emulator.setFaults([
      { kind: "throttle", family: "resource-graph", rate: 1, maxCount: 1, retryAfterSeconds: 1 },
    ]);
    const client = new ResourceGraphClient(credential, armClientOptions(running.emulator));
    const result = await client.resources({
      query: "resources | where type =~ 'microsoft.containerservice/managedclusters'",
    });
    expect(result.totalRecords).toBe(4);
    expect(running.emulator.routeCounts()["resource-graph fault:throttle"]).toBe(1);
  });

  it("Microsoft Graph throttling is retried by the Graph client's RetryHandler", async () => {
    running.emulator.setFaults([
      { kind: "throttle", family: "graph", rate: 1, maxCount: 1, retryAfterSeconds: 1 },
    ]);
    const graph = emulatorGraphClient(running.emulator, credential);
    const user = await graph.api(`/users/${PENNY}`).get();
    expect(user.displayName).toBe("Penny");
    expect(running.emulator.routeCounts()["graph fault:throttle"]).toBe(1);
  });

  it("Entra throttling is retried by @azure/identity", async () => {
    running.emulator.setFaults([
      { kind: "throttle", family: "entra", rate: 1, maxCount: 1, match: "/token", retryAfterSeconds: 1 },
    ]);
    const fresh = emulatorCredential(
      running.emulator,
      running.emulator.credentialFor("penny@contoso.example"),
    );
    const token = await fresh.getToken(ARM_SCOPE);
    expect(token?.token.split(".")).toHaveLength(3);
    expect(running.emulator.routeCounts()["entra fault:throttle"]).toBe(1);
  });
});

describe("error5xx", () => {
  it("a 503 is retried and succeeds; a persistent 500 surfaces as RestError 500", async () => {
    running.emulator.setFaults([{ kind: "error5xx", family: "arm", rate: 1, maxCount: 1, status: 503 }]);
    expect((await clusters(2).managedClusters.get("rsg-aksIdentityState1", "aks-1")).name).toBe("aks-1");
    running.emulator.setFaults([{ kind: "error5xx", family: "arm", rate: 1, status: 500 }]);
    const error = await failureOf(clusters(1).managedClusters.get("rsg-aksIdentityState1", "aks-1"));
    expect(error).toMatchObject({ statusCode: 500, code: "InternalServerError" });
  });

  it("Kubernetes 503 reaches client-node as an ApiException with a Status body", async () => {
    const aks = clusters(0);
    const result = await aks.managedClusters.listClusterUserCredentials("rsg-aksIdentityState1", "aks-1");
    const config = await kubeConfigWithCredential(
      Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
      credential,
    );
    running.emulator.setFaults([{ kind: "error5xx", family: "kubernetes", rate: 1, status: 503 }]);
    const error = await failureOf(config.makeApiClient(CoreV1Api).listNamespace());
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(503);
    expect(JSON.parse(String((error as ApiException<unknown>).body))).toMatchObject({
      kind: "Status",
      reason: "ServiceUnavailable",
    });
  });
});

describe("truncate, drop, stall, latency", () => {
  it("a truncated body is a parse error in the SDK", async () => {
    running.emulator.setFaults([{ kind: "truncate", family: "arm", rate: 1 }]);
    const error = await failureOf(clusters(0).managedClusters.get("rsg-aksIdentityState1", "aks-1"));
    expect(error).toMatchObject({
      code: "PARSE_ERROR",
      message: expect.stringContaining("parsing the response body"),
    });
  });

  it("a dropped connection is ECONNRESET, retried by the SDK when it has retries left", async () => {
    running.emulator.setFaults([{ kind: "drop", family: "arm", rate: 1 }]);
    const error = await failureOf(clusters(0).managedClusters.get("rsg-aksIdentityState1", "aks-1"));
    expect(error).toMatchObject({ code: "ECONNRESET" });
    running.emulator.setFaults([{ kind: "drop", family: "arm", rate: 1, maxCount: 1 }]);
    expect((await clusters(2).managedClusters.get("rsg-aksIdentityState1", "aks-1")).name).toBe("aks-1");
  });

  it("a stalled request never answers: only the caller's own abort ends it", async () => {
    running.emulator.setFaults([{ kind: "stall", family: "arm", rate: 1 }]);
    const error = await failureOf(
      clusters(0).managedClusters.get("rsg-aksIdentityState1", "aks-1", {
        abortSignal: AbortSignal.timeout(300),
      }),
    );
    expect((error as Error).name).toMatch(/AbortError/);
    expect(running.emulator.routeCounts()["arm fault:stall"]).toBe(1);
  });

  it("latency delays answers by at least the configured time", async () => {
    running.emulator.setFaults([{ kind: "latency", family: "arm", ms: 250, jitterMs: 0 }]);
    const started = performance.now();
    await clusters(0).managedClusters.get("rsg-aksIdentityState1", "aks-1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe("unreachable and deleted-principal", () => {
  it("an unreachable fault makes one cluster's API server reset connections", async () => {
    const token = await credential.getToken(AKS_SCOPE);
    const result = await clusters(0).managedClusters.listClusterUserCredentials(
      "rsg-aksIdentityState1",
      "aks-1",
    );
    const config = kubeConfigFrom(
      Buffer.from(result.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString("utf8"),
      token?.token,
    );
    expect((await config.makeApiClient(CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);
    running.emulator.setFaults([{ kind: "unreachable", cluster: "aks-1" }]);
    await expect(config.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({
      cause: { code: "ECONNRESET" },
    });
  });

  it("a deleted principal is 404 in Graph, omitted from getByIds and from group members", async () => {
    const graph = emulatorGraphClient(running.emulator, credential);
    const jet = "0000bbbb-0000-4000-8000-000000000002";
    running.emulator.setFaults([{ kind: "deleted-principal", principalId: jet }]);
    await expect(graph.api(`/users/${jet}`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
    const found = (await graph.api("/directoryObjects/getByIds").post({ ids: [jet, PENNY] })) as {
      value: { id: string }[];
    };
    expect(found.value.map((object) => object.id)).toEqual([PENNY]);
    const members = (await graph
      .api("/groups/0000bbbb-0000-4000-8000-000000000012/transitiveMembers")
      .get()) as {
      value: unknown[];
    };
    expect(members.value).toEqual([]);
  });
});

describe("the ARM token bucket", () => {
  function headerTap(remaining: number[]) {
    return [
      {
        position: "perRetry" as const,
        policy: {
          name: "remaining-reads",
          async sendRequest(request: PipelineRequest, next: SendRequest) {
            const response = await next(request);
            remaining.push(Number(response.headers.get("x-ms-ratelimit-remaining-subscription-reads")));
            return response;
          },
        },
      },
    ];
  }

  it("when on, reports the bucket's remaining reads (≤ 249 after the first); when off, ARM's old-model 11999", async () => {
    const bucketed = await startTestEmulator({ armTokenBucket: true });
    try {
      const withBucket: number[] = [];
      const client = new ContainerServiceClient(
        emulatorCredential(bucketed.emulator, bucketed.emulator.scannerCredential),
        SUBSCRIPTION,
        { ...armClientOptions(bucketed.emulator), additionalPolicies: headerTap(withBucket) },
      );
      for (let call = 0; call < 3; call++) await client.managedClusters.get("rsg-aksIdentityState1", "aks-1");
      expect(withBucket).toHaveLength(3);
      // The exact values depend on refill time between calls; the bucket itself is unit-tested with a clock.
      expect(withBucket.every((value) => Number.isInteger(value) && value >= 0 && value <= 249)).toBe(true);
    } finally {
      await bucketed.stop();
    }
    const withoutBucket: number[] = [];
    const plain = new ContainerServiceClient(credential, SUBSCRIPTION, {
      ...armClientOptions(running.emulator),
      additionalPolicies: headerTap(withoutBucket),
    });
    await plain.managedClusters.get("rsg-aksIdentityState1", "aks-1");
    expect(withoutBucket).toEqual([11999]);
  });
});
