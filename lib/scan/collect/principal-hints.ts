import { looksLikeUserPrincipalName } from "@/lib/azure/directory-reader";
import type { PrincipalType, RoleAssignment } from "@/lib/model/azure";
import type { PrincipalKind } from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";

// Every principal id a scan saw, with the kind the referencing object claims. The kind is only used
// for principals the directory no longer has (Graph returns the rest with their real type).
// Kubernetes `User` subjects on Entra-integrated clusters name members by user principal name:
// those names are kept exactly as written (Kubernetes compares them exactly), for the directory
// reader to look up by UPN.

const KIND_OF_PRINCIPAL_TYPE: Partial<Record<PrincipalType, PrincipalKind>> = {
  User: "User",
  Group: "Group",
  ForeignGroup: "Group",
  ServicePrincipal: "ServicePrincipal",
};

export class PrincipalHintBook {
  private readonly hints = new Map<string, PrincipalKind>();

  /** A weaker hint never overrides a managed identity (what an identity resource says it is). */
  add(id: string | null | undefined, kind: PrincipalKind): void {
    if (!id) return;
    const key = kind === "User" && looksLikeUserPrincipalName(id) ? id : normalizeGuid(id);
    if (this.hints.get(key) === "ManagedIdentity") return;
    this.hints.set(key, kind);
  }

  addAssignment(assignment: RoleAssignment): void {
    this.add(assignment.principalId, KIND_OF_PRINCIPAL_TYPE[assignment.principalType] ?? "ServicePrincipal");
  }

  map(): ReadonlyMap<string, PrincipalKind> {
    return this.hints;
  }
}
