import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { createPipelineRequest, type Pipeline, RestError } from "@azure/core-rest-pipeline";
import { armTransportPolicy, type ScanHttpContext } from "@/lib/azure/scan-http-context";
import type { ScanTarget } from "@/lib/azure/scan-target";
import { trustedCertificates } from "@/lib/azure/tls-trust";

// The ARM SDK clients of one scan, all configured the same way: the target's endpoint and CA, the
// SDK retry policy with the scan's limits, and the scan's transport policy (count, pace, bound,
// deadline). Per-subscription clients are cached: one client, one connection pool per subscription.

const SOVEREIGN_ARM_HOSTS = [
  "management.azure.com",
  "management.usgovcloudapi.net",
  "management.chinacloudapi.cn",
];

/**
 * The token scope for ARM. Real clouds use their own resource id; anything else (the emulator, a
 * proxy) takes the public cloud's, which is the audience ARM-compatible endpoints accept.
 */
export function armScope(armEndpoint: string): string {
  const url = new URL(armEndpoint);
  return SOVEREIGN_ARM_HOSTS.includes(url.hostname.toLowerCase())
    ? `${url.origin}/.default`
    : "https://management.azure.com/.default";
}

export class ArmClients {
  private readonly containerService = new Map<string, ContainerServiceClient>();
  private readonly authorization = new Map<string, AuthorizationManagementClient>();
  private readonly managedIdentity = new Map<string, ManagedServiceIdentityClient>();
  private subscriptionClient: SubscriptionClient | undefined;
  private resourceGraphClient: ResourceGraphClient | undefined;

  constructor(
    private readonly target: ScanTarget,
    private readonly http: ScanHttpContext,
  ) {}

  private commonOptions() {
    return {
      endpoint: this.target.armEndpoint,
      ...(this.target.caPem ? { tlsOptions: { ca: trustedCertificates(this.target.caPem) } } : {}),
      retryOptions: {
        maxRetries: this.http.maxRetries,
        retryDelayInMs: this.http.retryDelayMs,
        maxRetryDelayInMs: this.http.maxRetryDelayMs,
      },
    };
  }

  private classicOptions() {
    return { ...this.commonOptions(), credentialScopes: [armScope(this.target.armEndpoint)] };
  }

  private modularOptions() {
    return { ...this.commonOptions(), credentials: { scopes: [armScope(this.target.armEndpoint)] } };
  }

  private withTransport<T extends { pipeline: Pipeline }>(client: T): T {
    client.pipeline.addPolicy(armTransportPolicy(this.http), { afterPhase: "Sign" });
    return client;
  }

  subscriptions(): SubscriptionClient {
    this.subscriptionClient ??= this.withTransport(
      new SubscriptionClient(this.target.credential, this.modularOptions()),
    );
    return this.subscriptionClient;
  }

  resourceGraph(): ResourceGraphClient {
    this.resourceGraphClient ??= this.withTransport(
      new ResourceGraphClient(this.target.credential, this.modularOptions()),
    );
    return this.resourceGraphClient;
  }

  containerServiceFor(subscriptionId: string): ContainerServiceClient {
    let client = this.containerService.get(subscriptionId);
    if (!client) {
      client = this.withTransport(
        new ContainerServiceClient(this.target.credential, subscriptionId, this.modularOptions()),
      );
      this.containerService.set(subscriptionId, client);
    }
    return client;
  }

  authorizationFor(subscriptionId: string): AuthorizationManagementClient {
    let client = this.authorization.get(subscriptionId);
    if (!client) {
      client = this.withTransport(
        new AuthorizationManagementClient(this.target.credential, subscriptionId, this.classicOptions()),
      );
      this.authorization.set(subscriptionId, client);
    }
    return client;
  }

  /**
   * GET an ARM path (or an absolute nextLink) at an api-version the SDK does not speak, on the
   * Managed Identity client's own pipeline: same credential, token scope, TLS trust, retry and the
   * scan's transport policy (counting, pacing, deadline). ARM errors become RestErrors as the SDK's
   * own operations throw them.
   */
  async getOnManagedIdentityPipeline(subscriptionId: string, pathOrUrl: string): Promise<unknown> {
    const url = /^https?:\/\//i.test(pathOrUrl)
      ? pathOrUrl
      : `${this.target.armEndpoint.replace(/\/$/, "")}${pathOrUrl}`;
    const response = await this.managedIdentityFor(subscriptionId).sendRequest(
      createPipelineRequest({ url, method: "GET" }),
    );
    const text = response.bodyAsText ?? "";
    if (response.status >= 400) {
      let code = `HTTP${response.status}`;
      let message = text;
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = body.error?.code ?? code;
        message = body.error?.message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new RestError(message, {
        code,
        statusCode: response.status,
        request: response.request,
        response,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new RestError(`Error "${(error as Error).message}" occurred while parsing the response body`, {
        code: RestError.PARSE_ERROR,
        statusCode: response.status,
        request: response.request,
        response,
      });
    }
  }

  managedIdentityFor(subscriptionId: string): ManagedServiceIdentityClient {
    let client = this.managedIdentity.get(subscriptionId);
    if (!client) {
      client = this.withTransport(
        new ManagedServiceIdentityClient(this.target.credential, subscriptionId, this.classicOptions()),
      );
      this.managedIdentity.set(subscriptionId, client);
    }
    return client;
  }
}
