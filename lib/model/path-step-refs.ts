import { createHash } from "node:crypto";
import { canonicalJson, canonicalKeys, hashCanonicalJson } from "@/lib/model/records";

// The step dictionary, write side (docs/scanner.md, "Path steps stored once"). A scan's access rows and
// findings repeat a few thousand distinct path steps hundreds of times each: four fifths of what it stored
// (docs/performance.md, "Sizing the payload"). The store writes each distinct step once per tenant into
// `path_steps`, under a reference derived from its content, and the row's path holds the reference (a
// JSON string) where it held the step (a JSON object). Readers put the steps back in SQL with
// `atlas_record_data(tenant_id, data)` (migration 20261205_0600_path_steps).
//
// A reference is a function of the step's canonical JSON, so equal steps share one row across scans and
// batches, nothing has to be looked up before writing, and a row's content hash (taken over the document
// with its steps, as readers see it) means what it always meant: drift and incremental analysis are
// unchanged, and rows stored with their steps inline read and compare as before.

/** The record kinds whose documents carry paths, and where. */
const PATHS_AT: Readonly<Record<string, readonly string[]>> = {
  "access.grant": ["paths"],
  "access.escalation": ["paths"],
  finding: ["evidence", "paths"],
};

/** 96 bits of sha-256, base64url: 16 characters where a step's JSON averages ~210. */
const REF_BYTES = 12;

/**
 * The distinct steps one store call references: reference → the step's canonical JSON. Filled while the
 * rows are serialised, written to `path_steps` with them.
 */
export type StepDictionary = Map<string, string>;

// The engine builds a step once and shares the object between every path that crosses it (an
// assignment's steps once per assignment and action, an identity's tail once per identity): each object is
// written out and hashed once, and its text reused wherever it appears. Steps are never changed once built.
type StoredStep = { ref: string; json: string };
const storedSteps = new WeakMap<object, StoredStep>();

// Equal steps are also built as distinct objects (a path's principal step, once per path): their reference,
// a SHA-256, is remembered by their text too, for the steps a scan meets most (REFS_BY_TEXT of them, a few
// megabytes; past that the map starts again).
const refsByText = new Map<string, string>();
const REFS_BY_TEXT = 50_000;

function storedStep(step: object, dictionary: StepDictionary): StoredStep {
  let stored = storedSteps.get(step);
  if (stored === undefined) {
    const json = canonicalJson(step);
    let ref = refsByText.get(json);
    if (ref === undefined) {
      ref = createHash("sha256").update(json).digest().subarray(0, REF_BYTES).toString("base64url");
      if (refsByText.size >= REFS_BY_TEXT) refsByText.clear();
      refsByText.set(json, ref);
    }
    stored = { ref, json };
    storedSteps.set(step, stored);
  }
  if (!dictionary.has(stored.ref)) dictionary.set(stored.ref, stored.json);
  return stored;
}

const stepRef = (step: object, dictionary: StepDictionary) => storedStep(step, dictionary).ref;

/**
 * What the store writes for one record, in one pass over its document: the content hash (SHA-256 of the
 * canonical JSON of the document as the engine produced it, steps included — what readers get back) and
 * the JSON to store (the same canonical text with each path step replaced by its reference, recorded in
 * `dictionary`). `contentHash(data)` and `canonicalJson(withStepRefs(kind, data, dictionary))` give the same
 * two, at about twice the cost. Without a dictionary the steps stay inline, as earlier versions stored them.
 */
export function serialiseForStore(
  kind: string,
  data: unknown,
  dictionary: StepDictionary | null,
): { hash: string; json: string } {
  const at = dictionary ? PATHS_AT[kind] : undefined;
  const [full, stored] =
    at && dictionary ? canonicalPair(data, at, dictionary) : [canonicalJson(data), undefined];
  return { hash: hashCanonicalJson(full), json: stored ?? full };
}

/** The canonical JSON of `value`, and the same with the steps of the paths at `at` as references. */
function canonicalPair(value: unknown, at: readonly string[], dictionary: StepDictionary): [string, string] {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !(at[0] in value)) {
    const json = canonicalJson(value);
    return [json, json];
  }
  let full = "{";
  let stored = "{";
  for (const key of canonicalKeys(value)) {
    const member = (value as Record<string, unknown>)[key];
    const [memberFull, memberStored] =
      key !== at[0]
        ? [canonicalJson(member) as string | undefined, undefined]
        : at.length > 1
          ? canonicalPair(member, at.slice(1), dictionary)
          : pathsPair(member, dictionary);
    if (memberFull === undefined) continue; // a member JSON leaves out
    const name = `${full.length > 1 ? "," : ""}${JSON.stringify(key)}:`;
    full += name + memberFull;
    stored += name + (memberStored ?? memberFull);
  }
  return [`${full}}`, `${stored}}`];
}

function pathsPair(paths: unknown, dictionary: StepDictionary): [string, string] {
  if (!Array.isArray(paths)) {
    const json = canonicalJson(paths);
    return [json, json];
  }
  let full = "[";
  let stored = "[";
  for (const [index, path] of paths.entries()) {
    const comma = index > 0 ? "," : "";
    if (!Array.isArray(path)) {
      const json = canonicalJson(path) ?? "null";
      full += comma + json;
      stored += comma + json;
      continue;
    }
    full += `${comma}[`;
    stored += `${comma}[`;
    for (const [position, step] of path.entries()) {
      const before = position > 0 ? "," : "";
      if (isStep(step)) {
        const { ref, json } = storedStep(step, dictionary);
        full += before + json;
        stored += `${before}"${ref}"`;
      } else {
        const json = canonicalJson(step) ?? "null";
        full += before + json;
        stored += before + json;
      }
    }
    full += "]";
    stored += "]";
  }
  return [`${full}]`, `${stored}]`];
}

/** A step is an object; anything else in a path (there is nothing else) is written as it is. */
const isStep = (value: unknown): value is object =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The document to store for a record: its paths' steps replaced by references, recorded in `dictionary`.
 * Documents of other kinds, and documents without paths, are returned as they are. Never mutates `data`:
 * the engine's objects are shared between rows.
 */
export function withStepRefs(kind: string, data: unknown, dictionary: StepDictionary): unknown {
  const at = PATHS_AT[kind];
  if (!at) return data;
  return replaceAt(data, at, (paths) =>
    Array.isArray(paths)
      ? paths.map((path: unknown) =>
          Array.isArray(path)
            ? path.map((step: unknown) => (isStep(step) ? stepRef(step, dictionary) : step))
            : path,
        )
      : paths,
  );
}

function replaceAt(value: unknown, at: readonly string[], replace: (found: unknown) => unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const [field, ...rest] = at;
  if (!(field in value)) return value;
  const member = (value as Record<string, unknown>)[field];
  const replaced = rest.length === 0 ? replace(member) : replaceAt(member, rest, replace);
  return replaced === member ? value : { ...value, [field]: replaced };
}

// Read side, for readers that take many rows (a cluster's access, a principal's): the references are
// gathered from the rows as stored, their steps read in one query, and put back here — cheaper than
// atlas_record_data row by row in SQL, which serves the readers of a few rows.

/** Adds the references `data`'s paths hold to `into`. */
export function collectStepRefs(kind: string, data: unknown, into: Set<string>): void {
  const paths = pathsOf(kind, data);
  if (!Array.isArray(paths)) return;
  for (const path of paths) {
    if (!Array.isArray(path)) continue;
    for (const step of path) if (typeof step === "string") into.add(step);
  }
}

/**
 * `data` with each reference in its paths replaced by its step from `steps` (reference → step). A reference
 * `steps` lacks stays the string it is, for the reader's schema to refuse. Steps stored inline pass through.
 */
export function withStepsBack(kind: string, data: unknown, steps: ReadonlyMap<string, unknown>): unknown {
  const at = PATHS_AT[kind];
  if (!at) return data;
  return replaceAt(data, at, (paths) => {
    if (
      !Array.isArray(paths) ||
      !paths.some((path) => Array.isArray(path) && path.some((s) => typeof s === "string"))
    )
      return paths;
    return paths.map((path: unknown) =>
      Array.isArray(path)
        ? path.map((step: unknown) => (typeof step === "string" ? (steps.get(step) ?? step) : step))
        : path,
    );
  });
}

function pathsOf(kind: string, data: unknown): unknown {
  const at = PATHS_AT[kind];
  if (!at) return undefined;
  let value = data;
  for (const field of at) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[field];
  }
  return value;
}
