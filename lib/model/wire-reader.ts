// Small, forgiving readers for JSON that comes from outside (ARM wire, SDK output, `az` and `kubectl`
// prints). The same field is spelled differently by the wire, the SDK and the CLI
// (`enableAzureRBAC` / `enableAzureRbac`, `tenantID` / `tenantId`, `issuerURL` / `issuerUrl`), so
// field names are matched case-insensitively and each value is type-checked before it is trusted.

export type WireObject = Record<string, unknown>;

export function isWireObject(value: unknown): value is WireObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The value of `key` in `object`, matched case-insensitively (an exact match wins). */
export function field(object: unknown, key: string): unknown {
  if (!isWireObject(object)) return undefined;
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  for (const candidate of Object.keys(object)) {
    if (candidate.toLowerCase() === lower) return object[candidate];
  }
  return undefined;
}

/** Follows a path of keys, each matched case-insensitively. */
export function path(object: unknown, ...keys: string[]): unknown {
  let current = object;
  for (const key of keys) current = field(current, key);
  return current;
}

/** A field of an ARM resource: under `properties` on the wire, at the top level in SDK and CLI output. */
export function armProperty(resource: unknown, key: string): unknown {
  const nested = path(resource, "properties", key);
  return nested === undefined ? field(resource, key) : nested;
}

export function asString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function asLowerString(value: unknown): string | null {
  const text = asString(value);
  return text === null ? null : text.toLowerCase();
}

/** Booleans arrive as JSON booleans from ARM and as strings ("true") from Kubernetes parameters. */
export function asBoolean(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
  }
  return null;
}

export function asNumber(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asStringArray(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === "string");
}

/** A string-to-string map (labels, annotations, tags); non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isWireObject(value)) return result;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string") result[key] = item;
  }
  return result;
}

/** Thrown when an object lacks what it must have (an id, a name); carries where it came from. */
export class WireFormatError extends Error {
  constructor(what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.name = "WireFormatError";
  }
}

export function requireString(value: unknown, what: string, fieldName: string): string {
  const text = asString(value);
  if (text === null) throw new WireFormatError(what, `missing or empty "${fieldName}"`);
  return text;
}
