import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import type { AdditionalPolicyConfig } from "@azure/core-client";
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { z } from "zod";
import {
  abandonableRequests,
  DEFAULT_TOKEN_TIMEOUT_MS,
  withTokenTimeout,
} from "@/lib/azure/retrying-credential";
import { ENTRA_RETRY_OPTIONS, entraPipelinePolicies } from "@/lib/azure/scan-http-context";
import { trustedCertificates } from "@/lib/azure/tls-trust";

// How the scanner authenticates: one TokenCredential from the environment, validated with precise
// messages (the variable that is missing or wrong is named).

export type Environment = Readonly<Record<string, string | undefined>>;

export class CredentialConfigurationError extends Error {
  override name = "CredentialConfigurationError";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A tenant is named by its GUID or one of its verified domains (contoso.onmicrosoft.com).
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

export const present = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== "";
const trimmed = z
  .string()
  .optional()
  .transform((value) => (present(value) ? value.trim() : undefined));

const httpsUrl = (variable: string) =>
  trimmed.pipe(
    z
      .string()
      .refine(
        (value) => {
          try {
            return new URL(value).protocol === "https:";
          } catch {
            return false;
          }
        },
        { message: `${variable} must be an https:// URL` },
      )
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
  );

const environmentSchema = z.object({
  AZURE_TENANT_ID: trimmed.pipe(
    z
      .string()
      .regex(TENANT, "AZURE_TENANT_ID must be a tenant GUID or a domain such as contoso.onmicrosoft.com")
      .optional(),
  ),
  AZURE_CLIENT_ID: trimmed.pipe(
    z.string().regex(GUID, "AZURE_CLIENT_ID must be the application (client) id, a GUID").optional(),
  ),
  AZURE_CLIENT_SECRET: trimmed,
  AZURE_CLIENT_CERTIFICATE_PATH: trimmed,
  AZURE_CLIENT_CERTIFICATE_PASSWORD: trimmed,
  AZURE_CLIENT_SEND_CERTIFICATE_CHAIN: trimmed,
  AZURE_FEDERATED_TOKEN_FILE: trimmed,
  AZURE_AUTHORITY_HOST: httpsUrl("AZURE_AUTHORITY_HOST"),
  ATLAS_USE_AZURE_CLI: trimmed.pipe(
    z.enum(["0", "1", "true", "false"], { message: "ATLAS_USE_AZURE_CLI must be 1 or 0" }).optional(),
  ),
  ATLAS_TOKEN_TIMEOUT_SECONDS: trimmed.pipe(
    z
      .string()
      .regex(/^\d+$/, "ATLAS_TOKEN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 600")
      .transform(Number)
      .refine((seconds) => seconds >= 1 && seconds <= 600, {
        message: "ATLAS_TOKEN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 600",
      })
      .optional(),
  ),
  ATLAS_ARM_ENDPOINT: httpsUrl("ATLAS_ARM_ENDPOINT"),
  ATLAS_GRAPH_ENDPOINT: httpsUrl("ATLAS_GRAPH_ENDPOINT"),
  ATLAS_CA_FILE: trimmed,
  ATLAS_SUBSCRIPTIONS: trimmed.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((id) => id.toLowerCase()),
      )
      .refine((ids) => ids.every((id) => GUID.test(id)), {
        message: "ATLAS_SUBSCRIPTIONS must be subscription GUIDs separated by commas",
      })
      .optional(),
  ),
});
export type ParsedEnvironment = z.infer<typeof environmentSchema>;

export type CredentialMode = "workload-identity" | "client-secret" | "client-certificate" | "azure-cli";

export function parseEnvironment(env: Environment): ParsedEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new CredentialConfigurationError(parsed.error.issues.map((issue) => issue.message).join("; "));
  }
  return parsed.data;
}

function usesAzureCli(env: ParsedEnvironment): boolean {
  return env.ATLAS_USE_AZURE_CLI === "1" || env.ATLAS_USE_AZURE_CLI === "true";
}

/** The modes the environment asks for; more than one is a configuration mistake, not a preference. */
function requestedModes(env: ParsedEnvironment): CredentialMode[] {
  const modes: CredentialMode[] = [];
  if (usesAzureCli(env)) modes.push("azure-cli");
  if (env.AZURE_FEDERATED_TOKEN_FILE) modes.push("workload-identity");
  if (env.AZURE_CLIENT_SECRET) modes.push("client-secret");
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) modes.push("client-certificate");
  return modes;
}

const MODE_VARIABLE: Record<CredentialMode, string> = {
  "azure-cli": "ATLAS_USE_AZURE_CLI=1",
  "workload-identity": "AZURE_FEDERATED_TOKEN_FILE",
  "client-secret": "AZURE_CLIENT_SECRET",
  "client-certificate": "AZURE_CLIENT_CERTIFICATE_PATH",
};

/** Which credential the environment configures, or null when none (the product then runs the demo). */
export function credentialMode(env: Environment = process.env): CredentialMode | null {
  const modes = requestedModes(parseEnvironment(env));
  if (modes.length > 1) {
    throw new CredentialConfigurationError(
      `Several credentials are configured (${modes.map((mode) => MODE_VARIABLE[mode]).join(", ")}); set exactly one`,
    );
  }
  return modes[0] ?? null;
}

function requireValue(value: string | undefined, variable: string, mode: CredentialMode): string {
  if (value === undefined) {
    throw new CredentialConfigurationError(
      `${variable} is required for ${mode} (set by ${MODE_VARIABLE[mode]})`,
    );
  }
  return value;
}

export function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CredentialConfigurationError(
      `ATLAS_CA_FILE "${path}" cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new CredentialConfigurationError(`ATLAS_CA_FILE "${path}" holds no PEM certificate`);
  }
  return text;
}

function checkReadableFile(path: string, variable: string): void {
  try {
    readFileSync(path);
  } catch (error) {
    throw new CredentialConfigurationError(
      `${variable} "${path}" cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The hosts of Microsoft's public and sovereign clouds that MSAL knows without asking the network: the
 * aliases of its built-in instance-discovery metadata (@azure/msal-common, src/authority/AuthorityMetadata.ts,
 * which covers @azure/identity's AzureAuthorityHosts: public, China, US Government, Germany).
 */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
  "login.partner.microsoftonline.cn",
  "login.chinacloudapi.cn",
  "login.microsoftonline.de",
  "login.microsoftonline.us",
  "login.usgovcloudapi.net",
  "login-us.microsoftonline.com",
  "login.sovcloud-identity.fr",
  "login.sovcloud-identity.de",
  "login.sovcloud-identity.sg",
]);

/**
 * Whether MSAL's instance discovery makes sense for this authority. For any other host (Azure Stack Hub's
 * AD FS, the emulator, a private Entra-compatible issuer) MSAL would ask login.microsoftonline.com to
 * validate it — a network round trip that fails or, where DNS is filtered, stalls the scan without a word.
 */
export function isMicrosoftAuthority(authorityHost: string | undefined): boolean {
  if (authorityHost === undefined) return true; // the default is the public cloud
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * The scanner's TokenCredential from the environment: workload identity on AKS, a client secret or
 * certificate elsewhere, or the Azure CLI's signed-in account for local use. Throws
 * CredentialConfigurationError naming the variable that is missing or wrong.
 */
export function createCredential(env: Environment = process.env): TokenCredential {
  const parsed = parseEnvironment(env);
  const requests = abandonableRequests();
  return withTokenTimeout(
    createSdkCredential(env, parsed, [requests.policy]),
    parsed.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
    parsed.ATLAS_TOKEN_TIMEOUT_SECONDS !== undefined
      ? parsed.ATLAS_TOKEN_TIMEOUT_SECONDS * 1000
      : DEFAULT_TOKEN_TIMEOUT_MS,
    requests.abandonAll,
  );
}

/** The @azure/identity credential itself, before the token timeout is put around it. */
export function createSdkCredential(
  env: Environment,
  parsed: ParsedEnvironment = parseEnvironment(env),
  extraPolicies: AdditionalPolicyConfig[] = [],
): TokenCredential {
  const mode = credentialMode(env);
  if (mode === null) {
    throw new CredentialConfigurationError(
      "No Azure credential is configured: set AZURE_FEDERATED_TOKEN_FILE (workload identity), AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (with AZURE_TENANT_ID and AZURE_CLIENT_ID), or ATLAS_USE_AZURE_CLI=1",
    );
  }
  const caPem = readCaFile(parsed.ATLAS_CA_FILE);
  const common = {
    ...(parsed.AZURE_AUTHORITY_HOST ? { authorityHost: parsed.AZURE_AUTHORITY_HOST } : {}),
    disableInstanceDiscovery: !isMicrosoftAuthority(parsed.AZURE_AUTHORITY_HOST),
    ...(caPem ? { tlsOptions: { ca: trustedCertificates(caPem) } } : {}),
    additionalPolicies: [...extraPolicies, ...entraPipelinePolicies()],
    retryOptions: ENTRA_RETRY_OPTIONS,
  };
  if (mode === "azure-cli") {
    return new AzureCliCredential(parsed.AZURE_TENANT_ID ? { tenantId: parsed.AZURE_TENANT_ID } : {});
  }
  const tenantId = requireValue(parsed.AZURE_TENANT_ID, "AZURE_TENANT_ID", mode);
  const clientId = requireValue(parsed.AZURE_CLIENT_ID, "AZURE_CLIENT_ID", mode);
  switch (mode) {
    case "workload-identity": {
      const tokenFilePath = requireValue(
        parsed.AZURE_FEDERATED_TOKEN_FILE,
        "AZURE_FEDERATED_TOKEN_FILE",
        mode,
      );
      checkReadableFile(tokenFilePath, "AZURE_FEDERATED_TOKEN_FILE");
      return new WorkloadIdentityCredential({ ...common, tenantId, clientId, tokenFilePath });
    }
    case "client-secret":
      return new ClientSecretCredential(
        tenantId,
        clientId,
        requireValue(parsed.AZURE_CLIENT_SECRET, "AZURE_CLIENT_SECRET", mode),
        common,
      );
    case "client-certificate": {
      const certificatePath = requireValue(
        parsed.AZURE_CLIENT_CERTIFICATE_PATH,
        "AZURE_CLIENT_CERTIFICATE_PATH",
        mode,
      );
      checkReadableFile(certificatePath, "AZURE_CLIENT_CERTIFICATE_PATH");
      return new ClientCertificateCredential(
        tenantId,
        clientId,
        {
          certificatePath,
          ...(parsed.AZURE_CLIENT_CERTIFICATE_PASSWORD
            ? { certificatePassword: parsed.AZURE_CLIENT_CERTIFICATE_PASSWORD }
            : {}),
        },
        {
          ...common,
          sendCertificateChain: ["1", "true"].includes(
            parsed.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN?.toLowerCase() ?? "",
          ),
        },
      );
    }
  }
}
