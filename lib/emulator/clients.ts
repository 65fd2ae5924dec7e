import { derivedSecret, guidFromText } from "@/lib/emulator/ids";
import type { DirectoryEntry, TenantIndex } from "@/lib/emulator/tenant-index";

/** What a test or the scanner hands to `ClientSecretCredential`. */
export type ClientCredential = { tenantId: string; clientId: string; clientSecret: string };

/**
 * An app registration the token endpoint knows. Service principals authenticate as themselves.
 * Users cannot use the client-credentials grant, so each user gets a test app registration whose
 * tokens are *delegated* tokens for that user (idtyp "user", oid = the user): tests act as Faye
 * or Penny without a password flow.
 */
export type ClientRegistration = {
  clientId: string;
  clientSecret: string;
  principalId: string;
  kind: "app" | "user";
  /** Microsoft Graph application permissions (`roles` claim) for app tokens. */
  graphRoles: string[];
  /** Confidential web app used by the product's sign-in (authorization code + PKCE). */
  signIn: boolean;
};

export class ClientRegistry {
  private readonly userClientIds = new Map<string, string>();
  private readonly graphRolesByPrincipal = new Map<string, string[]>();
  readonly signInApp: ClientRegistration;

  constructor(
    private readonly index: TenantIndex,
    private readonly seed: number,
  ) {
    for (const entry of index.directory.values()) {
      if (entry.kind === "User") this.userClientIds.set(this.userClientId(entry.id), entry.id.toLowerCase());
    }
    const signInClientId = guidFromText(`${index.tenantId}:aks-identity-atlas-web`);
    this.signInApp = {
      clientId: signInClientId,
      clientSecret: derivedSecret(seed, `client:${signInClientId}`),
      principalId: guidFromText(`${index.tenantId}:aks-identity-atlas-web:sp`),
      kind: "app",
      graphRoles: [],
      signIn: true,
    };
  }

  setGraphRoles(principalId: string, roles: string[]): void {
    this.graphRolesByPrincipal.set(principalId.toLowerCase(), roles);
  }

  private userClientId(userId: string): string {
    return guidFromText(`${this.index.tenantId}:user-test-app:${userId.toLowerCase()}`);
  }

  private registrationFor(entry: DirectoryEntry): ClientRegistration | undefined {
    if (entry.kind === "Group") return undefined;
    const clientId = entry.kind === "User" ? this.userClientId(entry.id) : entry.appId;
    if (!clientId) return undefined;
    return {
      clientId,
      clientSecret: derivedSecret(this.seed, `client:${clientId.toLowerCase()}`),
      principalId: entry.id,
      kind: entry.kind === "User" ? "user" : "app",
      graphRoles: this.graphRolesByPrincipal.get(entry.id.toLowerCase()) ?? [],
      signIn: false,
    };
  }

  byClientId(clientId: string): ClientRegistration | undefined {
    const lowered = clientId.toLowerCase();
    if (lowered === this.signInApp.clientId) return this.signInApp;
    const userId = this.userClientIds.get(lowered);
    const entry = userId ? this.index.directory.get(userId) : this.index.principalByClientId(lowered);
    return entry ? this.registrationFor(entry) : undefined;
  }

  /** By object id, client/app id, user principal name or display name (case-insensitive). */
  findPrincipal(reference: string): DirectoryEntry | undefined {
    const wanted = reference.trim().toLowerCase();
    const byId = this.index.directory.get(wanted) ?? this.index.principalByClientId(wanted);
    if (byId) return byId;
    for (const entry of this.index.directory.values()) {
      if (entry.userPrincipalName?.toLowerCase() === wanted) return entry;
    }
    const byName = [...this.index.directory.values()].filter(
      (entry) => entry.displayName.toLowerCase() === wanted,
    );
    return byName.length === 1 ? byName[0] : undefined;
  }

  credentialFor(reference: string): ClientCredential {
    const entry = this.findPrincipal(reference);
    if (!entry) throw new Error(`No principal "${reference}" in the emulated directory`);
    const registration = this.registrationFor(entry);
    if (!registration) {
      throw new Error(`"${reference}" is a ${entry.kind}: groups cannot sign in; use one of its members`);
    }
    return {
      tenantId: this.index.tenantId,
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
    };
  }
}
