import type { Client } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import type { GroupMembership, Principal, PrincipalKind } from "@/lib/model/directory";
import { normalizeGuid } from "@/lib/model/ids";
import { DIRECTORY_SOURCE } from "@/lib/model/sources";
import { principalFromDirectoryObject } from "@/lib/model/wire-directory";
import { describeError, type SourceError } from "@/lib/net/describe-error";
import { mapWithLimit } from "@/lib/net/request-slots";

// Directory principals for a scan: every id the scan saw (assignments, admin groups, binding
// subjects, identities) resolved in batches of up to 1000 with directoryObjects/getByIds, and the
// membership of every group that appears — nested groups included. API calls grow with the number
// of distinct principals / 1000 and the number of groups, never with assignments.

const GET_BY_IDS_LIMIT = 1000;
/** `in` takes at most 15 values by default (learn.microsoft.com/graph/filter-query-parameter). */
const UPN_FILTER_LIMIT = 15;
const MEMBER_PAGE_SIZE = 999;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeGuid(value: string): boolean {
  return GUID.test(value.trim());
}

/** Whether a Kubernetes `User` subject name can be an Entra user principal name (`name@domain`, never `system:…`). */
export function looksLikeUserPrincipalName(name: string): boolean {
  return name.includes("@") && !name.startsWith("system:") && !looksLikeGuid(name);
}

const directoryObjectSchema = z.looseObject({ id: z.string().min(1) });
const pageSchema = z.object({
  value: z.array(directoryObjectSchema),
  "@odata.nextLink": z.string().optional(),
});

export type DirectoryRead = {
  principals: Principal[];
  groupMemberships: GroupMembership[];
  errors: SourceError[];
  /** Every batch and every membership list was read to the end. */
  complete: boolean;
};

/** How to describe an id Graph does not return: the kind the referencing object says it is. */
export type PrincipalHints = ReadonlyMap<string, PrincipalKind>;

async function readAllPages(client: Client, path: string): Promise<z.infer<typeof directoryObjectSchema>[]> {
  const items: z.infer<typeof directoryObjectSchema>[] = [];
  let page = pageSchema.parse(await client.api(path).top(MEMBER_PAGE_SIZE).get());
  items.push(...page.value);
  while (page["@odata.nextLink"]) {
    page = pageSchema.parse(await client.api(page["@odata.nextLink"]).get());
    items.push(...page.value);
  }
  return items;
}

export async function readDirectory(
  client: Client,
  hints: PrincipalHints,
  options: { concurrency: number },
): Promise<DirectoryRead> {
  const errors: SourceError[] = [];
  const recordError = (what: string, error: unknown) => {
    const { code, message } = describeError(error);
    errors.push({ source: DIRECTORY_SOURCE, code, message: `${what}: ${message}` });
  };
  const resolved = new Map<string, Principal>();
  const unresolvable = new Set<string>();

  const ids = [...new Set([...hints.keys()].map(normalizeGuid))].filter(looksLikeGuid).sort();
  const batches: string[][] = [];
  for (let at = 0; at < ids.length; at += GET_BY_IDS_LIMIT)
    batches.push(ids.slice(at, at + GET_BY_IDS_LIMIT));
  await mapWithLimit(batches, options.concurrency, async (batch) => {
    try {
      const response = pageSchema.parse(
        await client
          .api("/directoryObjects/getByIds")
          .post({ ids: batch, types: ["user", "group", "servicePrincipal"] }),
      );
      for (const object of response.value) {
        const principal = principalFromDirectoryObject(object);
        if (principal) resolved.set(principal.id, principal);
      }
    } catch (error) {
      recordError(`resolving ${batch.length} principals`, error);
      for (const id of batch) unresolvable.add(id);
    }
  });

  // Users that Kubernetes bindings name by user principal name. Graph matches the UPN without
  // regard to case, Kubernetes compares the token's `upn` claim (the UPN as the directory spells
  // it) exactly: only an exact match is that user.
  const upns = [
    ...new Set(
      [...hints.entries()]
        .filter(([key, kind]) => kind === "User" && looksLikeUserPrincipalName(key))
        .map(([key]) => key),
    ),
  ].sort();
  const upnBatches: string[][] = [];
  for (let at = 0; at < upns.length; at += UPN_FILTER_LIMIT)
    upnBatches.push(upns.slice(at, at + UPN_FILTER_LIMIT));
  await mapWithLimit(upnBatches, options.concurrency, async (batch) => {
    const wanted = new Set(batch);
    const literals = batch.map((upn) => `'${upn.replaceAll("'", "''")}'`).join(",");
    try {
      const users: z.infer<typeof directoryObjectSchema>[] = [];
      let page = pageSchema.parse(
        await client
          .api("/users")
          .filter(`userPrincipalName in (${literals})`)
          .select(["id", "displayName", "userPrincipalName"])
          .top(MEMBER_PAGE_SIZE)
          .get(),
      );
      users.push(...page.value);
      while (page["@odata.nextLink"]) {
        page = pageSchema.parse(await client.api(page["@odata.nextLink"]).get());
        users.push(...page.value);
      }
      for (const object of users) {
        const principal = principalFromDirectoryObject({ "@odata.type": "#microsoft.graph.user", ...object });
        if (
          principal?.userPrincipalName &&
          wanted.has(principal.userPrincipalName) &&
          !resolved.has(principal.id)
        )
          resolved.set(principal.id, principal);
      }
    } catch (error) {
      recordError(`looking up ${batch.length} users by user principal name`, error);
    }
  });

  // Groups, breadth first: each group's members may name further (nested) groups.
  const memberships = new Map<string, GroupMembership>();
  const queued = new Set<string>();
  let frontier = [...resolved.values()]
    .filter((principal) => principal.kind === "Group")
    .map((group) => group.id);
  while (frontier.length > 0) {
    for (const id of frontier) queued.add(id);
    const discovered: string[] = [];
    await mapWithLimit(frontier, options.concurrency, async (groupId) => {
      try {
        const [transitive, direct] = await Promise.all([
          readAllPages(client, `/groups/${groupId}/transitiveMembers`),
          readAllPages(client, `/groups/${groupId}/members`),
        ]);
        // Devices and contacts are members too, but no principal: they hold no access.
        const principalIds = (objects: typeof direct) =>
          objects.flatMap((object) => {
            const principal = principalFromDirectoryObject(object);
            if (!principal) return [];
            if (!resolved.has(principal.id)) resolved.set(principal.id, principal);
            if (principal.kind === "Group" && !queued.has(principal.id)) discovered.push(principal.id);
            return [principal.id];
          });
        const directIds = principalIds(direct);
        const transitiveIds = principalIds(transitive);
        memberships.set(groupId, {
          groupId,
          directMemberIds: [...new Set(directIds)].sort(),
          memberIds: [...new Set(transitiveIds)].filter((id) => id !== groupId).sort(),
        });
      } catch (error) {
        recordError(`reading the members of group ${groupId}`, error);
      }
    });
    frontier = [...new Set(discovered)].filter((id) => !queued.has(id));
  }

  // Ids Graph did not return (and whose batch was read) are principals deleted from the directory.
  for (const id of ids) {
    if (resolved.has(id) || unresolvable.has(id)) continue;
    resolved.set(id, { id, kind: hints.get(id) ?? "ServicePrincipal", displayName: id, deleted: true });
  }

  return {
    principals: [...resolved.values()].sort((a, b) => a.id.localeCompare(b.id)),
    groupMemberships: [...memberships.values()].sort((a, b) => a.groupId.localeCompare(b.groupId)),
    errors,
    complete: errors.length === 0,
  };
}
