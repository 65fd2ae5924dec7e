import type { z } from "zod";

// Typed URL search params: pages and route handlers turn what arrived into a plain record and
// validate it with a zod schema.

/** Search params (a URLSearchParams or Next's record) as the input of a zod schema. */
export function searchParamsRecord(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  const entries =
    params instanceof URLSearchParams
      ? [...params.keys()].map((key) => [key, params.getAll(key)] as const)
      : Object.entries(params);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value.filter((item) => item !== "") : value === "" ? [] : [value];
    if (values.length === 1) record[key] = values[0];
    else if (values.length > 1) record[key] = values;
  }
  return record;
}

/**
 * For pages: parse what can be parsed and drop the rest, one key at a time, so one bad value
 * does not discard the user's other filters.
 */
export function lenientParse<S extends z.ZodObject>(
  schema: S,
  params: Record<string, string | string[]>,
): z.infer<S> {
  const attempt = schema.safeParse(params);
  if (attempt.success) return attempt.data;
  const kept: Record<string, string | string[]> = { ...params };
  for (const issue of attempt.error.issues) {
    const key = issue.path[0];
    if (typeof key === "string") delete kept[key];
  }
  const retry = schema.safeParse(kept);
  return retry.success ? retry.data : schema.parse({});
}
