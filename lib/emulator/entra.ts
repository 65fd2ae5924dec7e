import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ClientRegistration } from "@/lib/emulator/clients";
import { type EmulatorContext, isPrincipalDeleted } from "@/lib/emulator/context";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  jsonResponse,
  redirectResponse,
  textResponse,
} from "@/lib/emulator/http-kit";
import { signInAppRolesOf } from "@/lib/emulator/sign-in-app-roles";
import type { DirectoryEntry } from "@/lib/emulator/tenant-index";
import { AKS_SERVER_APP_ID, ARM_AUDIENCE, GRAPH_AUDIENCE } from "@/lib/emulator/tokens";

const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const CODE_LIFETIME_MS = 10 * 60 * 1000;
const LOGIN_PAGE_USER_LIMIT = 200;

type PendingCode = {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  scope: string;
  principalId: string;
  nonce?: string;
  expiresAt: number;
};

type RefreshGrant = { clientId: string; principalId: string; scope: string };

/** Entra ID's JSON error body, which MSAL parses (`error`, `error_description`, `error_codes`). */
export function entraError(
  status: number,
  error: string,
  code: number,
  description: string,
): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  return jsonResponse(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (
      ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) && ["http:", "https:"].includes(url.protocol)
    );
  } catch {
    return false;
  }
}

export type ResolvedScope = { audience: string; scope: string };

/**
 * Entra issues a token for exactly one resource. The emulator knows ARM (also under its own origin,
 * which the classic ARM SDKs derive from `endpoint` as `${endpoint}/.default`), Microsoft Graph, the
 * AKS server application, and the server apps of legacy-AAD clusters in the tenant.
 */
export function resolveScope(
  context: EmulatorContext,
  scopeParameter: string,
): ResolvedScope | EmulatorResponse {
  const scopes = scopeParameter
    .split(/\s+/)
    .filter((scope) => scope && !OIDC_SCOPES.has(scope.toLowerCase()));
  if (scopes.length === 0) return { audience: GRAPH_AUDIENCE, scope: "openid profile User.Read" };
  const resources = new Set(
    scopes.map((scope) => {
      const at = scope.lastIndexOf("/");
      return (at > 0 ? scope.slice(0, at) : scope).toLowerCase();
    }),
  );
  if (resources.size > 1) {
    return entraError(
      400,
      "invalid_scope",
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopeParameter} is not valid.`,
    );
  }
  const resource = [...resources][0].replace(/\/+$/, "");
  const origin = context.origin.toLowerCase();
  const scope = scopes.join(" ");
  if (
    [ARM_AUDIENCE, "https://management.core.windows.net", origin].includes(resource) ||
    resource === `${origin}/`
  ) {
    return { audience: ARM_AUDIENCE, scope };
  }
  // Graph is also asked for by its address in the emulator: an `az` cloud registered with the emulator's
  // endpoints names `<origin>/graph/` as its microsoftGraphResourceId (docs/scanner.md, "Offline collection").
  if (resource === GRAPH_AUDIENCE || resource === GRAPH_APP_ID || resource === `${origin}/graph`)
    return { audience: GRAPH_AUDIENCE, scope };
  // The product's own API (bearer tokens for pipelines): requested by its Application ID URI
  // `api://<client id>` or by the client id. A v2.0 access token's `aud` is always the client id.
  const atlas = context.clients.signInApp.clientId.toLowerCase();
  if (resource === atlas || resource === `api://${atlas}`) return { audience: atlas, scope };
  if (resource === AKS_SERVER_APP_ID || resource === `api://${AKS_SERVER_APP_ID}`) {
    return { audience: AKS_SERVER_APP_ID, scope };
  }
  for (const cluster of context.index.clusters.values()) {
    if (cluster.legacyAad && cluster.serverAppId?.toLowerCase() === resource) {
      return { audience: cluster.serverAppId, scope };
    }
  }
  return entraError(
    400,
    "invalid_resource",
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${context.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

/** Mints the access token a principal would get for `audience`, with its transitive groups. */
export async function issueAccessToken(
  context: EmulatorContext,
  principal: DirectoryEntry,
  registration: Pick<ClientRegistration, "clientId" | "kind" | "graphRoles">,
  audience: string,
  scope: string,
  nonce?: string,
): Promise<{ token: string; expiresIn: number }> {
  const isUser = principal.kind === "User";
  const atlasApi = audience === context.clients.signInApp.clientId.toLowerCase();
  const delegatedScope =
    audience === GRAPH_AUDIENCE
      ? "User.Read Directory.Read.All"
      : audience === ARM_AUDIENCE
        ? "user_impersonation"
        : atlasApi
          ? "access_as_user"
          : "user.read";
  const groups = context.index.transitiveGroupsOf(principal.id);
  return context.tokens.issue({
    audience,
    principalId: principal.id,
    clientId: registration.clientId,
    kind: isUser ? "user" : "app",
    groups,
    ...(isUser ? { scp: scope.includes(".default") ? delegatedScope : scope } : {}),
    ...(!isUser && audience === GRAPH_AUDIENCE ? { roles: registration.graphRoles } : {}),
    // The product's app roles (Atlas.*): a user's come from assignments to them or their groups; a service
    // principal's or managed identity's (application permissions, app-only token) from assignments to it
    // alone — Entra puts no roles in an app-only token for a role assigned to a group the SP is in
    // (https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps).
    ...(atlasApi
      ? { roles: signInAppRolesOf(context.signInAppRoles, principal.id, isUser ? groups : []) }
      : {}),
    ...(principal.userPrincipalName ? { userPrincipalName: principal.userPrincipalName } : {}),
    name: principal.displayName,
    ...(nonce ? { nonce } : {}),
  });
}

/** Entra ID: OIDC discovery, JWKS, the token endpoint, and a login page for the authorization-code flow. */
export class EntraEndpoints {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();

  constructor(private readonly context: EmulatorContext) {}

  private get issuer(): string {
    return `${this.context.origin}/${this.context.tenantId}/v2.0`;
  }

  /** Handles /{tenant}/... ; returns undefined when the path is not an Entra path. */
  async handle(request: EmulatorRequest): Promise<{ route: string; response: EmulatorResponse } | undefined> {
    const [tenant, ...rest] = request.segments;
    if (!tenant) return undefined;
    const tail = rest.join("/").toLowerCase();
    const known = [
      "v2.0/.well-known/openid-configuration",
      ".well-known/openid-configuration",
      "discovery/v2.0/keys",
      "discovery/keys",
      "oauth2/v2.0/token",
      "oauth2/v2.0/authorize",
      "oauth2/v2.0/logout",
    ];
    if (!known.includes(tail)) return undefined;
    if (![this.context.tenantId.toLowerCase(), "organizations", "common"].includes(tenant.toLowerCase())) {
      return {
        route: tail,
        response: entraError(
          400,
          "invalid_tenant",
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        ),
      };
    }
    switch (tail) {
      case "v2.0/.well-known/openid-configuration":
      case ".well-known/openid-configuration":
        return { route: "openid-configuration", response: jsonResponse(200, this.openIdConfiguration()) };
      case "discovery/v2.0/keys":
      case "discovery/keys":
        return { route: "keys", response: jsonResponse(200, this.context.tokens.jwks()) };
      case "oauth2/v2.0/token":
        return { route: "token", response: await this.token(request) };
      case "oauth2/v2.0/authorize":
        return { route: "authorize", response: this.authorize(request) };
      default:
        return { route: "logout", response: this.logout(request) };
    }
  }

  openIdConfiguration(): Record<string, unknown> {
    const base = `${this.context.origin}/${this.context.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: this.issuer,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.context.origin}/graph/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "name",
        "tid",
        "oid",
        "preferred_username",
      ],
      code_challenge_methods_supported: ["plain", "S256"],
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
      msgraph_host: "graph.microsoft.com",
    };
  }

  private async token(request: EmulatorRequest): Promise<EmulatorResponse> {
    if (request.method !== "POST") {
      return entraError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
    }
    const form = new URLSearchParams(request.body.toString("utf8"));
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, "base64").toString("utf8").split(":");
      if (id && !form.has("client_id")) form.set("client_id", decodeURIComponent(id));
      if (secret && !form.has("client_secret")) form.set("client_secret", decodeURIComponent(secret));
    }
    const grantType = form.get("grant_type");
    const clientId = form.get("client_id") ?? "";
    const registration = this.context.clients.byClientId(clientId);
    if (!registration) {
      return entraError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.context.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (form.has("client_assertion")) {
      return entraError(
        401,
        "invalid_client",
        7000215,
        "The emulator supports client secrets only; certificate assertions are not implemented.",
      );
    }
    const secret = form.get("client_secret");
    const secretRequired = grantType === "client_credentials" || registration.signIn;
    if (secretRequired && secret !== registration.clientSecret) {
      return entraError(
        401,
        "invalid_client",
        secret ? 7000215 : 7000218,
        secret
          ? `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${registration.clientId}'.`
          : "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    switch (grantType) {
      case "client_credentials":
        return this.clientCredentials(registration, form.get("scope") ?? "");
      case "authorization_code":
        return this.authorizationCode(registration, form);
      case "refresh_token":
        return this.refresh(registration, form);
      default:
        return entraError(
          400,
          "unsupported_grant_type",
          70003,
          `The app requested an unsupported grant type '${grantType ?? ""}'.`,
        );
    }
  }

  private principalOf(principalId: string): DirectoryEntry | undefined {
    if (isPrincipalDeleted(this.context, principalId)) return undefined;
    return this.context.index.directory.get(principalId.toLowerCase());
  }

  private async clientCredentials(
    registration: ClientRegistration,
    scopeParameter: string,
  ): Promise<EmulatorResponse> {
    if (!scopeParameter.split(/\s+/).some((scope) => scope.endsWith("/.default"))) {
      return entraError(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scopeParameter} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const resolved = resolveScope(this.context, scopeParameter);
    if ("status" in resolved) return resolved;
    const principal = this.principalOf(registration.principalId);
    if (!principal) {
      return entraError(
        401,
        "invalid_client",
        7000229,
        `The client application ${registration.clientId} is missing service principal in the tenant ${this.context.tenantId}.`,
      );
    }
    const { token, expiresIn } = await issueAccessToken(
      this.context,
      principal,
      registration,
      resolved.audience,
      resolved.scope,
    );
    return jsonResponse(200, {
      token_type: "Bearer",
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
    });
  }

  private async userTokens(
    registration: ClientRegistration,
    principal: DirectoryEntry,
    scopeParameter: string,
    nonce?: string,
  ): Promise<EmulatorResponse> {
    const resolved = resolveScope(this.context, scopeParameter);
    if ("status" in resolved) return resolved;
    const { token, expiresIn } = await issueAccessToken(
      this.context,
      principal,
      { clientId: registration.clientId, kind: "user", graphRoles: [] },
      resolved.audience,
      resolved.scope,
    );
    const groups = this.context.index.transitiveGroupsOf(principal.id);
    const idToken = await this.context.tokens.issue({
      audience: registration.clientId,
      principalId: principal.id,
      clientId: registration.clientId,
      kind: "user",
      groups,
      ...(registration.signIn
        ? { roles: signInAppRolesOf(this.context.signInAppRoles, principal.id, groups) }
        : {}),
      ...(principal.userPrincipalName ? { userPrincipalName: principal.userPrincipalName } : {}),
      name: principal.displayName,
      ...(nonce ? { nonce } : {}),
    });
    const refreshToken = randomBytes(32).toString("base64url");
    this.refreshTokens.set(refreshToken, {
      clientId: registration.clientId,
      principalId: principal.id,
      scope: scopeParameter,
    });
    const clientInfo = Buffer.from(
      JSON.stringify({ uid: principal.id, utid: this.context.tenantId }),
    ).toString("base64url");
    return jsonResponse(200, {
      token_type: "Bearer",
      scope: [...new Set([...resolved.scope.split(" "), "openid", "profile", "offline_access"])].join(" "),
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
      refresh_token: refreshToken,
      id_token: idToken.token,
      client_info: clientInfo,
    });
  }

  private async authorizationCode(
    registration: ClientRegistration,
    form: URLSearchParams,
  ): Promise<EmulatorResponse> {
    const code = form.get("code") ?? "";
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== registration.clientId) {
      return entraError(
        400,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired or is invalid.",
      );
    }
    if ((form.get("redirect_uri") ?? "") !== pending.redirectUri) {
      return entraError(
        400,
        "invalid_grant",
        50148,
        "The redirect_uri does not match the one used in the authorization request.",
      );
    }
    if (pending.codeChallenge) {
      const verifier = form.get("code_verifier") ?? "";
      const computed =
        pending.codeChallengeMethod === "plain"
          ? verifier
          : createHash("sha256").update(verifier).digest("base64url");
      if (computed !== pending.codeChallenge) {
        return entraError(
          400,
          "invalid_grant",
          501481,
          "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
      }
    }
    const principal = this.principalOf(pending.principalId);
    if (!principal)
      return entraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
    return this.userTokens(registration, principal, form.get("scope") ?? pending.scope, pending.nonce);
  }

  private async refresh(registration: ClientRegistration, form: URLSearchParams): Promise<EmulatorResponse> {
    const grant = this.refreshTokens.get(form.get("refresh_token") ?? "");
    if (!grant || grant.clientId !== registration.clientId) {
      return entraError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    }
    const principal = this.principalOf(grant.principalId);
    if (!principal)
      return entraError(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
    return this.userTokens(registration, principal, form.get("scope") ?? grant.scope);
  }

  private authorize(request: EmulatorRequest): EmulatorResponse {
    const parameters =
      request.method === "POST"
        ? new URLSearchParams(request.body.toString("utf8"))
        : new URLSearchParams(request.query);
    const clientId = parameters.get("client_id") ?? "";
    const redirectUri = parameters.get("redirect_uri") ?? "";
    const registration = this.context.clients.byClientId(clientId);
    if (!registration) {
      return this.errorPage(
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
      );
    }
    if (!isLoopbackRedirect(redirectUri) && !this.context.signInRedirectUris.includes(redirectUri)) {
      return this.errorPage(
        `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      );
    }
    if (parameters.get("response_type") !== "code") {
      return this.errorPage(
        "AADSTS700054: response_type 'code' is the only response type the emulator supports.",
      );
    }
    const chosen =
      parameters.get("principal") ??
      (parameters.get("prompt") === "none" ? parameters.get("login_hint") : null);
    if (!chosen) return this.loginPage(parameters);
    const principal = this.context.clients.findPrincipal(chosen);
    if (principal?.kind !== "User" || isPrincipalDeleted(this.context, principal.id)) {
      return this.loginPage(parameters, `No user "${chosen}" in this directory.`);
    }
    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, {
      clientId: registration.clientId,
      redirectUri,
      codeChallenge: parameters.get("code_challenge") ?? undefined,
      codeChallengeMethod: parameters.get("code_challenge_method") ?? "plain",
      scope: parameters.get("scope") ?? "openid profile",
      principalId: principal.id,
      nonce: parameters.get("nonce") ?? undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const result = new URLSearchParams({ code });
    const state = parameters.get("state");
    if (state) result.set("state", state);
    if (parameters.get("response_mode") === "form_post") {
      const fields = [...result]
        .map(
          ([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
        )
        .join("");
      return textResponse(
        200,
        `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${fields}<noscript><button type="submit">Continue</button></noscript></form></body></html>`,
        "text/html; charset=utf-8",
      );
    }
    const target = new URL(redirectUri);
    for (const [name, value] of result) target.searchParams.set(name, value);
    return redirectResponse(target.toString());
  }

  private loginPage(parameters: URLSearchParams, problem?: string): EmulatorResponse {
    const hidden = [...parameters]
      .filter(([name]) => name !== "principal")
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join("\n");
    const users = [...this.context.index.directory.values()]
      .filter((entry) => entry.kind === "User" && !isPrincipalDeleted(this.context, entry.id))
      .slice(0, LOGIN_PAGE_USER_LIMIT);
    const hint = parameters.get("login_hint")?.toLowerCase();
    const buttons = users
      .map((user) => {
        const label = `${escapeHtml(user.displayName)}${user.userPrincipalName ? ` <small>${escapeHtml(user.userPrincipalName)}</small>` : ""}`;
        const highlighted =
          hint && user.userPrincipalName?.toLowerCase() === hint ? ' data-hinted="true"' : "";
        return `<li><button type="submit" name="principal" value="${escapeHtml(user.id)}"${highlighted}>${label}</button></li>`;
      })
      .join("\n");
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in — AKS Identity Atlas emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}ul{list-style:none;padding:0}
li{margin:.4rem 0}button{width:100%;text-align:left;padding:.6rem .8rem;font-size:1rem;cursor:pointer}small{color:#555;margin-left:.5rem}
.problem{color:#a00}</style></head>
<body><h1>Pick an account</h1>
<p>Emulated Entra ID tenant <code>${escapeHtml(this.context.tenantId)}</code>${this.context.index.tenant.displayName ? ` (${escapeHtml(this.context.index.tenant.displayName)})` : ""}. No password: this is a local emulator.</p>
${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ""}
<form method="post">
${hidden}
<ul>
${buttons}
</ul>
<label>Or an object id / user principal name: <input name="principal" autocomplete="off"></label>
</form></body></html>`;
    return textResponse(200, html, "text/html; charset=utf-8");
  }

  private logout(request: EmulatorRequest): EmulatorResponse {
    const target = request.query.get("post_logout_redirect_uri");
    if (target && (isLoopbackRedirect(target) || this.context.signInRedirectUris.includes(target))) {
      return redirectResponse(target);
    }
    return textResponse(200, "<!doctype html><p>You have signed out.</p>", "text/html; charset=utf-8");
  }

  private errorPage(message: string): EmulatorResponse {
    return textResponse(
      400,
      `<!doctype html><html><body><h1>Sign-in error</h1><p role="alert">${escapeHtml(message)}</p></body></html>`,
      "text/html; charset=utf-8",
    );
  }
}
