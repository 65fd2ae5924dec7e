import { z } from "zod";

// Entra ID directory objects, as far as access analysis needs them.

export const principalKindSchema = z.enum(["User", "Group", "ServicePrincipal", "ManagedIdentity"]);
export type PrincipalKind = z.infer<typeof principalKindSchema>;

export const principalSchema = z.object({
  /** lower-cased object id */
  id: z.string(),
  kind: principalKindSchema,
  displayName: z.string(),
  userPrincipalName: z.string().optional(),
  appId: z.string().optional(),
  /** true when an assignment or binding names an object the directory no longer has (Graph 404) */
  deleted: z.boolean().optional(),
});
export type Principal = z.infer<typeof principalSchema>;

export const groupMembershipSchema = z.object({
  groupId: z.string(),
  /** members listed on the group itself (users, service principals and nested groups) */
  directMemberIds: z.array(z.string()),
  /** every member reachable through nesting, nested groups included, sorted */
  memberIds: z.array(z.string()),
});
export type GroupMembership = z.infer<typeof groupMembershipSchema>;
