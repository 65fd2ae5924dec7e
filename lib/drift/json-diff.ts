import { canonicalJson } from "@/lib/model/records";
import type { FieldChange } from "./types";

// Field-level differences between two versions of a stored record. Objects are compared member by
// member; arrays by content, because most arrays in the model are lists (subjects of a binding, members
// of a group, admin group ids) where an insertion must read as one added element, not as every later
// element having changed.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function memberPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function change(path: string, before: unknown, after: unknown): FieldChange {
  return {
    path,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  };
}

/** Every difference between `before` and `after`, in a stable order (object members sorted by name). */
export function diffJson(before: unknown, after: unknown, path = "$"): FieldChange[] {
  if (before === undefined && after === undefined) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], memberPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) return diffArrays(before, after, path);
  if (before === undefined || after === undefined) return [change(path, before, after)];
  return canonicalJson(before) === canonicalJson(after) ? [] : [change(path, before, after)];
}

function diffArrays(before: unknown[], after: unknown[], path: string): FieldChange[] {
  const beforeKeys = before.map((item) => canonicalJson(item));
  const afterKeys = after.map((item) => canonicalJson(item));
  if (beforeKeys.length === afterKeys.length && beforeKeys.every((key, i) => key === afterKeys[i])) return [];

  // Same length and only objects edited in place (a subject's name, a rule's verbs): recurse into them.
  if (beforeKeys.length === afterKeys.length) {
    const differing = beforeKeys.flatMap((key, i) => (key === afterKeys[i] ? [] : [i]));
    const afterSet = new Set(afterKeys);
    const inPlace = differing.every(
      (i) => isPlainObject(before[i]) && isPlainObject(after[i]) && !afterSet.has(beforeKeys[i]),
    );
    if (inPlace) return differing.flatMap((i) => diffJson(before[i], after[i], `${path}[${i}]`));
  }

  // Otherwise a multiset difference: what left (at its old index) and what arrived (at its new index).
  const remaining = new Map<string, number>();
  for (const key of afterKeys) remaining.set(key, (remaining.get(key) ?? 0) + 1);
  const removed: FieldChange[] = [];
  beforeKeys.forEach((key, i) => {
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else removed.push(change(`${path}[${i}]`, before[i], undefined));
  });
  const available = new Map<string, number>();
  for (const key of beforeKeys) available.set(key, (available.get(key) ?? 0) + 1);
  const added: FieldChange[] = [];
  afterKeys.forEach((key, i) => {
    const left = available.get(key) ?? 0;
    if (left > 0) available.set(key, left - 1);
    else added.push(change(`${path}[${i}]`, undefined, after[i]));
  });
  // Same elements in another order: one change of the whole list.
  if (removed.length === 0 && added.length === 0) return [change(path, before, after)];
  return [...removed, ...added];
}
