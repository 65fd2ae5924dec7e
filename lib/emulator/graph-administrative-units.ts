import type { EmulatorContext } from "@/lib/emulator/context";
import { graphCollectionPage } from "@/lib/emulator/graph-page";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  jsonResponse,
  queryValue,
} from "@/lib/emulator/http-kit";
import type { DirectoryEntry } from "@/lib/emulator/tenant-index";
import type { EntraAdministrativeUnit } from "@/lib/model/wire/tenant-file-entra";

// Microsoft Graph v1.0 administrative units, in Graph's wire format, from the tenant file's
// entra.administrativeUnits:
//   GET /directory/administrativeUnits[?$select=…]              directory-list-administrativeunits
//   GET /directory/administrativeUnits/{id}[?$select=…]         administrativeunit-get
//   GET /directory/administrativeUnits/{id}/members[/microsoft.graph.user|group]
//                                                               administrativeunit-list-members
// (learn.microsoft.com/graph/api/<name>; microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0).
// Paged with @odata.nextLink; an unknown unit is 404 Request_ResourceNotFound; members of a unit with
// visibility HiddenMembership need Member.Read.Hidden as well ("To list the members of a hidden
// membership in an administrative unit, the Member.Read.Hidden permission is also required").

/** Application permissions, any one of which lets an app read administrative units and their members. */
export const ADMINISTRATIVE_UNIT_PERMISSIONS = [
  "AdministrativeUnit.Read.All",
  "Directory.Read.All",
  "AdministrativeUnit.ReadWrite.All",
  "Directory.ReadWrite.All",
] as const;
const HIDDEN_MEMBERS_PERMISSION = "Member.Read.Hidden";

export type AdministrativeUnitHooks = {
  error(status: number, code: string, message: string): EmulatorResponse;
  allowed(permissions: readonly string[]): boolean;
  visible(id: string): DirectoryEntry | undefined;
  serialize(entry: DirectoryEntry): Record<string, unknown>;
};

type Routed = { route: string; response: EmulatorResponse };

const CAST: Record<string, DirectoryEntry["kind"]> = {
  "microsoft.graph.user": "User",
  "microsoft.graph.group": "Group",
};

export class GraphAdministrativeUnits {
  constructor(private readonly context: EmulatorContext) {}

  private get units(): EntraAdministrativeUnit[] {
    return this.context.index.tenant.entra?.administrativeUnits ?? [];
  }

  private get base(): string {
    return `${this.context.origin}/graph/v1.0`;
  }

  /** Handles /directory/administrativeUnits…; undefined for every other path. */
  route(request: EmulatorRequest, path: string[], hooks: AdministrativeUnitHooks): Routed | undefined {
    const lower = path.map((segment) => segment.toLowerCase());
    if (lower[0] !== "directory" || lower[1] !== "administrativeunits") return undefined;
    if (path.length === 2) return this.list(request, hooks);
    const id = lower[2];
    const unit = this.units.find((candidate) => candidate.id.toLowerCase() === id);
    if (path.length === 3) {
      const route = "administrativeUnits.get";
      if (!hooks.allowed(ADMINISTRATIVE_UNIT_PERMISSIONS)) return { route, response: this.denied(hooks) };
      if (!unit) return { route, response: this.notFound(hooks, path[2]) };
      return {
        route,
        response: jsonResponse(200, {
          "@odata.context": `${this.base}/$metadata#directory/administrativeUnits/$entity`,
          ...this.select(request, this.serializeUnit(unit)),
        }),
      };
    }
    const cast = lower[4] ? CAST[lower[4]] : undefined;
    if (lower[3] === "members" && path.length <= 5 && (path.length === 4 || cast)) {
      const route = `administrativeUnits.members${cast ? `.${cast}` : ""}`;
      if (!hooks.allowed(ADMINISTRATIVE_UNIT_PERMISSIONS)) return { route, response: this.denied(hooks) };
      if (!unit) return { route, response: this.notFound(hooks, path[2]) };
      if (unit.visibility === "HiddenMembership" && !hooks.allowed([HIDDEN_MEMBERS_PERMISSION]))
        return { route, response: this.denied(hooks) };
      const members = unit.members
        .map((memberId) => hooks.visible(memberId))
        .filter((entry): entry is DirectoryEntry => entry !== undefined && (!cast || entry.kind === cast))
        .map((entry) => hooks.serialize(entry));
      return {
        route,
        response: this.page(request, hooks, members, `unit-members|${id}|${cast ?? ""}`, "directoryObjects"),
      };
    }
    return {
      route: "unsupported",
      response: hooks.error(
        400,
        "Request_UnsupportedQuery",
        `Unsupported segment '${path.slice(3).join("/")}'.`,
      ),
    };
  }

  private list(request: EmulatorRequest, hooks: AdministrativeUnitHooks): Routed {
    const route = "administrativeUnits.list";
    if (!hooks.allowed(ADMINISTRATIVE_UNIT_PERMISSIONS)) return { route, response: this.denied(hooks) };
    if (queryValue(request.query, "$filter") !== undefined)
      return {
        route,
        response: hooks.error(
          400,
          "Request_UnsupportedQuery",
          "The emulator does not support $filter on administrative units.",
        ),
      };
    const items = this.units.map((unit) => this.select(request, this.serializeUnit(unit)));
    return {
      route,
      response: this.page(request, hooks, items, "administrativeUnits", "directory/administrativeUnits"),
    };
  }

  /** The administrativeUnit resource (learn.microsoft.com/graph/api/resources/administrativeunit). */
  private serializeUnit(unit: EntraAdministrativeUnit): Record<string, unknown> {
    const dynamic = unit.membershipType === "Dynamic";
    return {
      id: unit.id,
      deletedDateTime: null,
      displayName: unit.displayName,
      description: unit.description ?? null,
      isMemberManagementRestricted: unit.isMemberManagementRestricted,
      membershipRule: unit.membershipRule ?? null,
      membershipType: unit.membershipType ?? null,
      membershipRuleProcessingState: dynamic ? "On" : null,
      visibility: unit.visibility ?? null,
    };
  }

  private select(request: EmulatorRequest, item: Record<string, unknown>): Record<string, unknown> {
    const select = queryValue(request.query, "$select");
    if (!select) return item;
    const picked: Record<string, unknown> = { id: item.id };
    for (const field of select.split(",").map((name) => name.trim()))
      if (field) picked[field] = item[field] ?? null;
    return picked;
  }

  private page(
    request: EmulatorRequest,
    hooks: AdministrativeUnitHooks,
    items: Record<string, unknown>[],
    fingerprint: string,
    context: string,
  ): EmulatorResponse {
    return graphCollectionPage(
      request,
      (status, code, message) => hooks.error(status, code, message),
      { items, fingerprint, context },
      { base: this.base, origin: this.context.origin, pageSize: this.context.pageSize },
    );
  }

  private denied(hooks: AdministrativeUnitHooks): EmulatorResponse {
    return hooks.error(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }

  private notFound(hooks: AdministrativeUnitHooks, id: string): EmulatorResponse {
    return hooks.error(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
}
