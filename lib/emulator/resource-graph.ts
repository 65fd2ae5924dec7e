import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { armError, authenticateArm, ListCache } from "@/lib/emulator/arm/common";
import type { EmulatorContext } from "@/lib/emulator/context";
import {
  decodePageToken,
  type EmulatorRequest,
  type EmulatorResponse,
  encodePageToken,
  isInvalidJson,
  jsonResponse,
  readJsonBody,
} from "@/lib/emulator/http-kit";
import { evaluatePredicate, KqlError, type KqlQuery, parseKql, projectRow } from "@/lib/emulator/kql";
import { resourceGroupOfScope, subscriptionOfScope } from "@/lib/emulator/scopes";

const requestSchema = z.looseObject({
  query: z.string(),
  subscriptions: z.array(z.string()).optional(),
  managementGroups: z.array(z.string()).optional(),
  options: z
    .looseObject({
      $top: z.number().int().min(1).max(1000).optional(),
      $skip: z.number().int().min(0).optional(),
      $skipToken: z.string().optional(),
      resultFormat: z.enum(["objectArray", "table"]).optional(),
    })
    .optional(),
  facets: z.array(z.unknown()).optional(),
});

type Row = Record<string, unknown>;

function invalidQuery(message: string): EmulatorResponse {
  return jsonResponse(400, {
    error: {
      code: "BadRequest",
      message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}. Query is invalid: ${message}`,
      details: [
        {
          code: "InvalidQuery",
          message:
            "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
        },
        { code: "UnsupportedQuery", message },
      ],
    },
  });
}

function columnType(value: unknown): string {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "real";
  return "object";
}

/** Azure Resource Graph: `POST /providers/Microsoft.ResourceGraph/resources` (api 2024-04-01 shapes). */
export class ResourceGraphEndpoint {
  // Few entries: each holds every matching row of one query (100,000 on a large tenant).
  private readonly cache = new ListCache(4);

  constructor(private readonly context: EmulatorContext) {}

  async handle(request: EmulatorRequest): Promise<{ route: string; response: EmulatorResponse }> {
    const route = "resources";
    const caller = await authenticateArm(this.context, request);
    if ("status" in caller) return { route, response: caller };
    if (request.method !== "POST") {
      return {
        route,
        response: armError(405, "MethodNotAllowed", "Resource Graph queries are POST requests."),
      };
    }
    const body = readJsonBody(request);
    if (isInvalidJson(body))
      return {
        route,
        response: armError(
          400,
          "InvalidRequestContent",
          "The request content was invalid and could not be deserialized.",
        ),
      };
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) {
      return {
        route,
        response: armError(
          400,
          "InvalidRequestContent",
          `The request content was invalid: ${parsed.error.issues[0]?.message ?? "bad body"}`,
        ),
      };
    }
    const input = parsed.data;
    let query: KqlQuery;
    try {
      query = parseKql(input.query);
    } catch (error) {
      if (error instanceof KqlError) return { route, response: invalidQuery(error.message) };
      throw error;
    }
    const subscriptions = input.subscriptions?.map((id) => id.toLowerCase());
    const managementGroups = input.managementGroups?.map((name) => name.toLowerCase());
    const fingerprint = createHash("sha256")
      .update(
        JSON.stringify([caller.principalId, input.query, subscriptions ?? null, managementGroups ?? null]),
      )
      .digest("base64url")
      .slice(0, 16);
    // `| take N` / `| limit N` bound the query's result set (totalRecords included); paging with
    // $top/$skip then runs over those rows, as in Resource Graph.
    const rows = this.cache.get<Row>(fingerprint, () => {
      const all = this.evaluate(query, caller.principalId, subscriptions, managementGroups);
      return query.take === undefined ? all : all.slice(0, query.take);
    });
    const options = input.options ?? {};
    const offset = decodePageToken(options.$skipToken, fingerprint);
    if (offset === "invalid")
      return { route, response: invalidQuery("the $skipToken is not valid for this query") };
    const start = offset ?? options.$skip ?? 0;
    const pageSize = Math.min(options.$top ?? 100, this.context.pageSize);
    const page = rows.slice(start, start + pageSize);
    const next = start + page.length;
    const data =
      options.resultFormat === "table"
        ? {
            columns: Object.keys(page[0] ?? rows[0] ?? {}).map((name) => ({
              name,
              type: columnType(page[0]?.[name]),
            })),
            rows: page.map((row) => Object.values(row)),
          }
        : page;
    return {
      route,
      response: jsonResponse(
        200,
        {
          totalRecords: rows.length,
          count: page.length,
          resultTruncated: "false",
          ...(next < rows.length ? { $skipToken: encodePageToken(next, fingerprint) } : {}),
          data,
          facets: [],
        },
        {
          "x-ms-user-quota-remaining": "14",
          "x-ms-user-quota-resets-after": "00:00:05",
          "x-ms-ratelimit-remaining-tenant-reads": "11999",
          "x-ms-ratelimit-remaining-subscription-reads": "11999",
        },
      ),
    };
  }

  private evaluate(
    query: KqlQuery,
    principalId: string,
    subscriptions: string[] | undefined,
    managementGroups: string[] | undefined,
  ): Row[] {
    const { index, authorizer, tenantId } = this.context;
    const inScope = (subscriptionId: string): boolean => {
      if (subscriptions) return subscriptions.includes(subscriptionId.toLowerCase());
      if (managementGroups) {
        return managementGroups.some((group) =>
          index.isUnderManagementGroup(`/subscriptions/${subscriptionId}`, group),
        );
      }
      return true;
    };
    const rows: Row[] = [];
    const consider = (row: Row) => {
      if (query.where.every((predicate) => evaluatePredicate(predicate, row)))
        rows.push(projectRow(query, row));
    };
    if (query.table === "resources") {
      for (const subscription of index.subscriptions.values()) {
        if (!inScope(subscription.subscriptionId)) continue;
        for (const resource of subscription.resources) {
          const record = resource as Record<string, unknown>;
          const resourceGroup = /\/resourcegroups\/([^/]+)/i.exec(resource.id)?.[1] ?? "";
          const row: Row = {
            id: resource.id,
            name: resource.name,
            type: resource.type.toLowerCase(),
            tenantId,
            kind: record.kind ?? "",
            location: resource.location ?? "",
            resourceGroup: resourceGroup.toLowerCase(),
            subscriptionId: subscription.subscriptionId,
            managedBy: record.managedBy ?? "",
            sku: record.sku ?? null,
            plan: record.plan ?? null,
            properties: resource.properties ?? {},
            tags: resource.tags ?? {},
            identity: record.identity ?? null,
            zones: record.zones ?? null,
            extendedLocation: record.extendedLocation ?? null,
          };
          if (!authorizer.permits(principalId, `${resource.type}/read`, resource.id)) continue;
          consider(row);
        }
      }
      return rows;
    }
    const tenantScoped = subscriptions === undefined;
    for (const assignment of index.roleAssignments) {
      const subscriptionId = subscriptionOfScope(assignment.scopeLower) ?? "";
      if (subscriptionId ? !inScope(subscriptionId) : !tenantScoped) continue;
      if (
        !authorizer.permits(
          principalId,
          "Microsoft.Authorization/roleAssignments/read",
          assignment.scopeLower,
        )
      )
        continue;
      const wire = assignment.assignment;
      consider({
        id: wire.id,
        name: wire.name,
        type: "microsoft.authorization/roleassignments",
        tenantId,
        kind: "",
        location: "",
        resourceGroup: resourceGroupOfScope(assignment.scopeLower) ?? "",
        subscriptionId,
        managedBy: "",
        sku: null,
        plan: null,
        properties: wire.properties,
        tags: null,
        identity: null,
        zones: null,
        extendedLocation: null,
      });
    }
    for (const definition of index.roleDefinitions.values()) {
      const subscriptionId = subscriptionOfScope(definition.id) ?? "";
      if (
        subscriptionId
          ? !inScope(subscriptionId)
          : !tenantScoped && definition.properties.type !== "BuiltInRole"
      )
        continue;
      consider({
        id: definition.id,
        name: definition.name,
        type: "microsoft.authorization/roledefinitions",
        tenantId,
        kind: "",
        location: "",
        resourceGroup: "",
        subscriptionId,
        managedBy: "",
        sku: null,
        plan: null,
        properties: definition.properties,
        tags: null,
        identity: null,
        zones: null,
        extendedLocation: null,
      });
    }
    return rows;
  }
}
