import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/model/records";

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
// assignment's steps once per assignment and action, an identity's tail once per identity): hashing each
// object once makes the encoding cost one lookup a step.
const refsByStep = new WeakMap<object, string>();

function stepRef(step: object, dictionary: StepDictionary): string {
  let ref = refsByStep.get(step);
  let json: string | undefined;
  if (ref === undefined) {
    json = canonicalJson(step);
    ref = createHash("sha256").update(json).digest().subarray(0, REF_BYTES).toString("base64url");
    refsByStep.set(step, ref);
  }
  if (!dictionary.has(ref)) dictionary.set(ref, json ?? canonicalJson(step));
  return ref;
}

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
            ? path.map((step: unknown) =>
                step !== null && typeof step === "object" ? stepRef(step, dictionary) : step,
              )
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
