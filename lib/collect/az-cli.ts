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
  return (lines.find((line) => line.startsWith("ERROR:")) ?? lines[0] ?? "no output").replace(
    /^ERROR:\s*/,
    "",
  );
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
}
