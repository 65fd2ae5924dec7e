import { CommandError, type CommandRunner } from "@/lib/collect/command-runner";

// `az rest` returns the REST APIs' own wire format, which is what a tenant file holds (docs/tenant-file.md):
// every ARM and Graph read of the collector goes through it, with the user's `az login` and cloud.

/** The service's error code in what `az` printed: `(AuthorizationFailed) …`, or a JSON error body. */
export function azErrorCode(stderr: string): string {
  const json = /"code"\s*:\s*"([A-Za-z_][\w.]*)"/.exec(stderr);
  if (json) return json[1];
  const parenthesised = /\(([A-Za-z_][\w.]*)\)/.exec(stderr);
  if (parenthesised) return parenthesised[1];
  const status = /\b(\d{3}) Client Error: ([A-Za-z ]+) for url/.exec(stderr);
  if (status) return status[2].replaceAll(" ", "");
  return "AzCliError";
}

/** The first meaningful line of az's error output, for reasons people read. */
export function azErrorMessage(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("WARNING:") && !line.startsWith("DEBUG:"));
  const line = (lines.find((l) => l.startsWith("ERROR:")) ?? lines[0] ?? "no output").replace(
    /^ERROR:\s*/,
    "",
  );
  // `az rest` prints "Forbidden({"error":{"code":…,"message":…}})": the service's message is the reason.
  const body = /\((\{.*\})\)\s*$/.exec(line);
  if (body) {
    try {
      const message = (JSON.parse(body[1]) as { error?: { message?: string } }).error?.message;
      if (message) return message;
    } catch {
      // not JSON after all: the line as az printed it
    }
  }
  return line;
}

export interface CloudEndpoints {
  resourceManager: string;
  microsoftGraphResourceId: string;
}

export class AzCli {
  calls = 0;
  constructor(
    private readonly run: CommandRunner,
    private readonly az = "az",
  ) {}

  async json(args: readonly string[]): Promise<unknown> {
    this.calls += 1;
    const result = await this.run(this.az, [...args, "--only-show-errors", "-o", "json"]);
    if (result.code !== 0)
      throw new CommandError(
        `az ${args.slice(0, 2).join(" ")}`,
        azErrorCode(result.stderr),
        azErrorMessage(result.stderr),
      );
    const text = result.stdout.trim();
    if (text === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new CommandError(
        `az ${args.slice(0, 2).join(" ")}`,
        "InvalidJson",
        `az printed something that is not JSON: ${text.slice(0, 200)}`,
      );
    }
  }

  /** One `az rest` call; `resource` is needed for Graph (az derives ARM's itself from the cloud). */
  rest(
    url: string,
    options: { method?: "get" | "post"; body?: unknown; resource?: string } = {},
  ): Promise<unknown> {
    const args = ["rest", "--method", options.method ?? "get", "--url", url];
    if (options.body !== undefined)
      args.push("--body", JSON.stringify(options.body), "--headers", "Content-Type=application/json");
    if (options.resource) args.push("--resource", options.resource);
    return this.json(args);
  }

  /** Every item of a paged list: ARM's `nextLink` or Graph's `@odata.nextLink`. */
  async list(url: string, resource?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let next: string | undefined = url;
    while (next) {
      const page = (await this.rest(next, resource ? { resource } : {})) as {
        value?: Record<string, unknown>[];
        nextLink?: string | null;
        "@odata.nextLink"?: string;
      } | null;
      items.push(...(page?.value ?? []));
      next = page?.nextLink ?? page?.["@odata.nextLink"] ?? undefined;
    }
    return items;
  }

  /**
   * GETs on Microsoft Graph, 20 to an `az rest` call through JSON batching (POST /$batch), each with
   * every page (a step's `@odata.nextLink` is followed with plain calls). Per-url outcome, never a throw:
   * the caller decides which failures matter.
   */
  async graphGetAll(graphBase: string, resource: string, urls: readonly string[]): Promise<GraphOutcome[]> {
    const outcomes: GraphOutcome[] = [];
    for (let at = 0; at < urls.length; at += 20) {
      const chunk = urls.slice(at, at + 20);
      let answer: { responses?: { id: string; status: number; body?: Json | null }[] } | null;
      try {
        answer = (await this.rest(`${graphBase}/$batch`, {
          method: "post",
          resource,
          body: { requests: chunk.map((url, index) => ({ id: String(index), method: "GET", url })) },
        })) as typeof answer;
      } catch (error) {
        const failure =
          error instanceof CommandError ? error : new CommandError("az rest", "AzCliError", String(error));
        for (const url of chunk)
          outcomes.push({ url, ok: false, code: failure.code, message: failure.message });
        continue;
      }
      const byId = new Map((answer?.responses ?? []).map((response) => [response.id, response]));
      for (const [index, url] of chunk.entries()) {
        const response = byId.get(String(index));
        if (!response || response.status >= 400) {
          const error = (response?.body?.error ?? {}) as { code?: string; message?: string };
          outcomes.push({
            url,
            ok: false,
            status: response?.status,
            code: error.code ?? `HTTP${response?.status ?? "?"}`,
            message: error.message ?? "no answer in the batch",
          });
          continue;
        }
        const body = (response.body ?? {}) as Json;
        const items = Array.isArray(body.value) ? [...(body.value as Json[])] : [];
        const next = body["@odata.nextLink"];
        try {
          if (typeof next === "string") items.push(...(await this.list(next, resource)));
          outcomes.push({ url, ok: true, body, items });
        } catch (error) {
          const failure =
            error instanceof CommandError ? error : new CommandError("az rest", "AzCliError", String(error));
          outcomes.push({ url, ok: false, code: failure.code, message: failure.message });
        }
      }
    }
    return outcomes;
  }
}

type Json = Record<string, unknown>;

export type GraphOutcome =
  | { url: string; ok: true; body: Json; items: Json[] }
  | { url: string; ok: false; status?: number; code: string; message: string };
