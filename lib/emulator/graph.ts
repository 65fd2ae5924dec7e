import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type EmulatorContext, isPrincipalDeleted } from "@/lib/emulator/context";
import { GraphAdministrativeUnits } from "@/lib/emulator/graph-administrative-units";
import { handleGraphBatch } from "@/lib/emulator/graph-batch";
import { GraphGovernance } from "@/lib/emulator/graph-governance";
import { graphCollectionPage } from "@/lib/emulator/graph-page";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  isInvalidJson,
  jsonResponse,
  queryValue,
  readJsonBody,
} from "@/lib/emulator/http-kit";
import type { DirectoryEntry, DirectoryKind } from "@/lib/emulator/tenant-index";
import { type AccessTokenClaims, bearerToken, GRAPH_AUDIENCES } from "@/lib/emulator/tokens";

export const GRAPH_PATH_PREFIX = "/graph/v1.0";

const ODATA_TYPE: Record<DirectoryKind, string> = {
  User: "#microsoft.graph.user",
  Group: "#microsoft.graph.group",
  ServicePrincipal: "#microsoft.graph.servicePrincipal",
};

const CAST_KIND: Record<string, DirectoryKind> = {
  "microsoft.graph.user": "User",
  "microsoft.graph.group": "Group",
  "microsoft.graph.serviceprincipal": "ServicePrincipal",
};

/** Application permissions that let an app read each kind of object (any one suffices). */
const READ_PERMISSIONS: Record<DirectoryKind, string[]> = {
  User: [
    "User.Read.All",
    "User.ReadBasic.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  Group: [
    "Group.Read.All",
    "GroupMember.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  ServicePrincipal: [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
};
const MEMBERSHIP_PERMISSIONS = [
  "GroupMember.Read.All",
  "Group.Read.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const GET_BY_IDS_PERMISSIONS = ["Directory.Read.All", "Directory.ReadWrite.All"];

const getByIdsSchema = z.looseObject({
  ids: z.array(z.string()).max(1000),
  types: z.array(z.string()).optional(),
});

/** "the request is limited by default to 15 expressions in a filter clause" (learn.microsoft.com/graph/filter-query-parameter) */
const MAX_FILTER_VALUES = 15;

/**
 * The user principal names of `userPrincipalName eq 'a'` or `userPrincipalName in ('a', 'b')`
 * (OData string literals, `''` for a quote), the lookups by UPN the scanner makes; null for any
 * other filter, which the emulator does not serve.
 */
export function userPrincipalNameFilter(kind: DirectoryKind, filter: string): string[] | null {
  if (kind !== "User") return null;
  const literal = "'((?:[^']|'')*)'";
  const eq = new RegExp(`^\\s*userPrincipalName\\s+eq\\s+${literal}\\s*$`, "i").exec(filter);
  if (eq) return [eq[1].replaceAll("''", "'")];
  const list = new RegExp(
    `^\\s*userPrincipalName\\s+in\\s*\\(((?:\\s*${literal}\\s*,)*\\s*${literal}\\s*)\\)\\s*$`,
    "i",
  ).exec(filter);
  if (!list) return null;
  return [...list[1].matchAll(new RegExp(literal, "g"))].map((match) => match[1].replaceAll("''", "'"));
}

function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return jsonResponse(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ""),
          "request-id": randomUUID(),
          "client-request-id": randomUUID(),
        },
      },
    },
    headers,
  );
}

function notFound(id: string): EmulatorResponse {
  return graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

const denied = () =>
  graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

type GraphCaller = { claims: AccessTokenClaims; isApp: boolean; roles: Set<string> };

/** Microsoft Graph v1.0, the directory reads the scanner uses, under /graph/v1.0. */
export class GraphEndpoints {
  private readonly governance: GraphGovernance;
  private readonly administrativeUnits: GraphAdministrativeUnits;

  constructor(private readonly context: EmulatorContext) {
    this.governance = new GraphGovernance(context);
    this.administrativeUnits = new GraphAdministrativeUnits(context);
  }

  private get base(): string {
    return `${this.context.origin}${GRAPH_PATH_PREFIX}`;
  }

  async handle(
    request: EmulatorRequest,
    path: string[],
  ): Promise<{ route: string; response: EmulatorResponse }> {
    const token = bearerToken(request.headers.authorization);
    const verified = await this.context.tokens.verify(token, GRAPH_AUDIENCES);
    if (!verified.ok) {
      const message =
        verified.reason === "missing"
          ? "Access token is empty."
          : verified.reason === "audience"
            ? "Access token validation failure. Invalid audience."
            : verified.reason === "expired"
              ? "Lifetime validation failed, the token is expired."
              : "Access token validation failure.";
      return { route: "unauthenticated", response: graphError(401, "InvalidAuthenticationToken", message) };
    }
    // JSON batching (lib/emulator/graph-batch.ts): each step is handled as if sent alone.
    if (path.length === 1 && path[0] === "$batch") {
      const response = await handleGraphBatch(
        request,
        new URL(this.base),
        async (step, stepPath) => (await this.handle(step, stepPath)).response,
      );
      return { route: "$batch", response };
    }
    const caller: GraphCaller = {
      claims: verified.claims,
      isApp: verified.claims.idtyp !== "user",
      roles: new Set(verified.claims.roles ?? []),
    };
    return this.route(request, path, caller);
  }

  private allowed(caller: GraphCaller, permissions: string[]): boolean {
    // Delegated (user) tokens read the directory as the signed-in user, which members may do by default.
    return !caller.isApp || permissions.some((permission) => caller.roles.has(permission));
  }

  private visible(id: string): DirectoryEntry | undefined {
    if (isPrincipalDeleted(this.context, id)) return undefined;
    return this.context.index.directory.get(id.toLowerCase());
  }

  private serialize(entry: DirectoryEntry, caller: GraphCaller, select?: string[]): Record<string, unknown> {
    if (!this.allowed(caller, READ_PERMISSIONS[entry.kind])) {
      // Graph returns objects the app may not read with their type and id only.
      return { "@odata.type": ODATA_TYPE[entry.kind], id: entry.id };
    }
    const defaults: Record<string, unknown> =
      entry.kind === "User"
        ? { accountEnabled: true, userType: "Member", userPrincipalName: entry.userPrincipalName ?? null }
        : entry.kind === "Group"
          ? {
              securityEnabled: true,
              mailEnabled: false,
              groupTypes: [],
              mailNickname: entry.displayName.replace(/\s+/g, ""),
            }
          : {
              accountEnabled: true,
              appId: entry.appId ?? null,
              servicePrincipalType: entry.servicePrincipalType ?? "Application",
            };
    const full: Record<string, unknown> = {
      "@odata.type": ODATA_TYPE[entry.kind],
      ...defaults,
      ...entry.graph,
      id: entry.id,
      displayName: entry.displayName,
    };
    if (!select) return full;
    const picked: Record<string, unknown> = { "@odata.type": full["@odata.type"], id: entry.id };
    for (const field of select) picked[field] = full[field] ?? null;
    return picked;
  }

  private selectOf(request: EmulatorRequest): string[] | undefined {
    const select = queryValue(request.query, "$select");
    return select
      ? select
          .split(",")
          .map((field) => field.trim())
          .filter(Boolean)
      : undefined;
  }

  private page(
    request: EmulatorRequest,
    entries: DirectoryEntry[],
    caller: GraphCaller,
    fingerprint: string,
    context: string,
  ): EmulatorResponse {
    const select = this.selectOf(request);
    return graphCollectionPage(
      request,
      graphError,
      { items: entries, fingerprint, context, serialize: (entry) => this.serialize(entry, caller, select) },
      { base: this.base, origin: this.context.origin, pageSize: this.context.pageSize },
    );
  }

  private findByKey(kind: DirectoryKind, key: string): DirectoryEntry | undefined {
    const appIdMatch = /^servicePrincipals\(appId='([^']+)'\)$/i.exec(key);
    if (appIdMatch) {
      const entry = this.context.index.principalByClientId(appIdMatch[1]);
      return entry && !isPrincipalDeleted(this.context, entry.id) ? entry : undefined;
    }
    const entry = this.visible(key);
    if (entry) return entry.kind === kind ? entry : undefined;
    if (kind === "User") {
      const byUpn = this.context.clients.findPrincipal(key);
      return byUpn?.kind === "User" &&
        byUpn.userPrincipalName?.toLowerCase() === key.toLowerCase() &&
        !isPrincipalDeleted(this.context, byUpn.id)
        ? byUpn
        : undefined;
    }
    return undefined;
  }

  private transitiveMemberOf(entry: DirectoryEntry): DirectoryEntry[] {
    return this.context.index
      .transitiveGroupsOf(entry.id)
      .map((id) => this.visible(id))
      .filter((group): group is DirectoryEntry => group !== undefined);
  }

  private async route(
    request: EmulatorRequest,
    path: string[],
    caller: GraphCaller,
  ): Promise<{ route: string; response: EmulatorResponse }> {
    const lower = path.map((segment) => segment.toLowerCase());
    if (request.method === "POST" && lower.join("/") === "directoryobjects/getbyids") {
      return { route: "directoryObjects.getByIds", response: this.getByIds(request, caller) };
    }
    if (request.method !== "GET") {
      return {
        route: "method-not-allowed",
        response: graphError(
          405,
          "Request_BadRequest",
          `The emulator's Graph is read-only: ${request.method} is not supported.`,
        ),
      };
    }
    // Role management, PIM for Groups and owners (lib/emulator/graph-governance.ts), administrative
    // units (lib/emulator/graph-administrative-units.ts).
    const hooks = {
      error: (status: number, code: string, message: string) => graphError(status, code, message),
      allowed: (permissions: readonly string[]) => this.allowed(caller, [...permissions]),
      visible: (id: string) => this.visible(id),
      serialize: (entry: DirectoryEntry) => this.serialize(entry, caller),
    };
    const governed =
      this.governance.route(request, path, hooks) ?? this.administrativeUnits.route(request, path, hooks);
    if (governed) return governed;
    // servicePrincipals(appId='...') is one segment
    const collections: Record<string, DirectoryKind> = {
      users: "User",
      groups: "Group",
      serviceprincipals: "ServicePrincipal",
    };
    const appIdKey = /^serviceprincipals\(appid='[^']+'\)$/.test(lower[0] ?? "");
    const kind = appIdKey ? "ServicePrincipal" : collections[lower[0] ?? ""];
    if (lower[0] === "directoryobjects" && path.length === 2) {
      const entry = this.visible(path[1]);
      if (!entry) return { route: "directoryObjects.get", response: notFound(path[1]) };
      return {
        route: "directoryObjects.get",
        response: jsonResponse(200, {
          "@odata.context": `${this.base}/$metadata#directoryObjects/$entity`,
          ...this.serialize(entry, caller, this.selectOf(request)),
        }),
      };
    }
    if (!kind)
      return {
        route: "not-found",
        response: graphError(400, "BadRequest", `Resource not found for the segment '${path[0] ?? ""}'.`),
      };
    const collectionName = appIdKey ? "servicePrincipals" : path[0];
    if (path.length === 1 && !appIdKey) {
      const route = `${collectionName}.list`;
      if (!this.allowed(caller, READ_PERMISSIONS[kind])) return { route, response: denied() };
      const filterText = queryValue(request.query, "$filter");
      const filter = filterText ? userPrincipalNameFilter(kind, filterText) : null;
      if (filterText && !filter) {
        return {
          route,
          response: graphError(
            400,
            "Request_UnsupportedQuery",
            "The emulator supports $filter on directory lists only as userPrincipalName eq '…' or userPrincipalName in ('…', …) on users.",
          ),
        };
      }
      if (filter && filter.length > MAX_FILTER_VALUES) {
        return {
          route,
          response: graphError(
            400,
            "Request_UnsupportedQuery",
            `Too many child clauses specified in search filter expression containing 'OR' operators: ${filter.length}. Max allowed: ${MAX_FILTER_VALUES}.`,
          ),
        };
      }
      // Graph compares userPrincipalName without regard to case.
      const wanted = filter ? new Set(filter.map((upn) => upn.toLowerCase())) : null;
      const entries = [...this.context.index.directory.values()].filter(
        (entry) =>
          entry.kind === kind &&
          !isPrincipalDeleted(this.context, entry.id) &&
          (!wanted || wanted.has(entry.userPrincipalName?.toLowerCase() ?? "")),
      );
      return { route, response: this.page(request, entries, caller, `${kind}|list`, collectionName) };
    }
    const key = appIdKey ? path[0] : path[1];
    const rest = lower.slice(appIdKey ? 1 : 2);
    const entry = this.findByKey(kind, key);
    if (rest.length === 0) {
      const route = `${collectionName}.get`;
      if (!this.allowed(caller, READ_PERMISSIONS[kind])) return { route, response: denied() };
      if (!entry) return { route, response: notFound(appIdKey ? key : path[1]) };
      return {
        route,
        response: jsonResponse(200, {
          "@odata.context": `${this.base}/$metadata#${collectionName}/$entity`,
          ...this.serialize(entry, caller, this.selectOf(request)),
        }),
      };
    }
    const relation = rest[0];
    const cast = rest[1] ? CAST_KIND[rest[1]] : undefined;
    if (rest.length > 2 || (rest[1] && !cast)) {
      return {
        route: "unsupported",
        response: graphError(
          400,
          "Request_UnsupportedQuery",
          `Unsupported segment '${path.slice(2).join("/")}'.`,
        ),
      };
    }
    if (kind === "Group" && (relation === "transitivemembers" || relation === "members")) {
      const route = `groups.${relation === "members" ? "members" : "transitiveMembers"}${cast ? `.${cast}` : ""}`;
      if (!this.allowed(caller, MEMBERSHIP_PERMISSIONS)) return { route, response: denied() };
      if (!entry) return { route, response: notFound(path[1]) };
      const ids = relation === "members" ? entry.members : this.context.index.transitiveMembersOf(entry.id);
      const members = ids
        .map((id) => this.visible(id))
        .filter(
          (member): member is DirectoryEntry => member !== undefined && (!cast || member.kind === cast),
        );
      return {
        route,
        response: this.page(
          request,
          members,
          caller,
          `${entry.id}|${relation}|${cast ?? ""}`,
          "directoryObjects",
        ),
      };
    }
    if (relation === "transitivememberof" || relation === "memberof") {
      const route = `${collectionName}.${relation === "memberof" ? "memberOf" : "transitiveMemberOf"}`;
      if (!this.allowed(caller, MEMBERSHIP_PERMISSIONS)) return { route, response: denied() };
      if (!entry) return { route, response: notFound(appIdKey ? key : path[1]) };
      const groups =
        relation === "memberof"
          ? [...this.context.index.directory.values()].filter(
              (group) =>
                group.kind === "Group" &&
                group.members.includes(entry.id.toLowerCase()) &&
                !isPrincipalDeleted(this.context, group.id),
            )
          : this.transitiveMemberOf(entry);
      return {
        route,
        response: this.page(request, groups, caller, `${entry.id}|${relation}`, "directoryObjects"),
      };
    }
    return {
      route: "unsupported",
      response: graphError(
        400,
        "Request_UnsupportedQuery",
        `Unsupported segment '${path.slice(2).join("/")}'.`,
      ),
    };
  }

  private getByIds(request: EmulatorRequest, caller: GraphCaller): EmulatorResponse {
    if (!this.allowed(caller, GET_BY_IDS_PERMISSIONS)) return denied();
    const body = readJsonBody(request);
    if (isInvalidJson(body)) return graphError(400, "BadRequest", "Unable to read JSON request payload.");
    const parsed = getByIdsSchema.safeParse(body);
    if (!parsed.success) {
      return graphError(
        400,
        "Request_BadRequest",
        `Invalid request: ${parsed.error.issues[0]?.message ?? "ids is required"}`,
      );
    }
    const types = parsed.data.types?.map((type) => type.toLowerCase());
    const wanted = (entry: DirectoryEntry) =>
      !types ||
      types.includes(entry.kind === "ServicePrincipal" ? "serviceprincipal" : entry.kind.toLowerCase());
    const seen = new Set<string>();
    const value: Record<string, unknown>[] = [];
    for (const id of parsed.data.ids) {
      const entry = this.visible(id);
      if (!entry || !wanted(entry) || seen.has(entry.id.toLowerCase())) continue;
      seen.add(entry.id.toLowerCase());
      value.push(this.serialize(entry, caller));
    }
    return jsonResponse(200, { "@odata.context": `${this.base}/$metadata#directoryObjects`, value });
  }
}
