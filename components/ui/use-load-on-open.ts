"use client";

import { type SyntheticEvent, useState } from "react";
import type { z } from "zod";

// What a disclosure loads when it is first opened (a principal's paths on a cluster, a finding's evidence):
// the server renders only its summary, and a busy page renders dozens of them.

export type LoadState<T> =
  | { kind: "idle" }
  | { kind: "loading" }
  | { kind: "loaded"; value: T }
  | { kind: "error" };

/**
 * `load` runs when the <details> opens, the first time and again after an error (closing and opening
 * retries); `onToggle` goes on the <details>.
 */
export function useLoadOnOpen<T>(load: () => Promise<T>) {
  const [state, setState] = useState<LoadState<T>>({ kind: "idle" });
  async function run() {
    setState({ kind: "loading" });
    try {
      setState({ kind: "loaded", value: await load() });
    } catch {
      setState({ kind: "error" });
    }
  }
  const onToggle = (event: SyntheticEvent<HTMLDetailsElement>) => {
    if (event.currentTarget.open && (state.kind === "idle" || state.kind === "error")) void run();
  };
  return { state, onToggle };
}

/** GET `url` as JSON, parsed by `schema`: an answer of another shape (an error's) is thrown. */
export async function fetchParsed<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(url);
  return schema.parse(await response.json());
}
