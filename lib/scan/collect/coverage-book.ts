import type { Coverage, CoverageEntry } from "@/lib/model/tenant-model";
import { describeError, type SourceError } from "@/lib/net/describe-error";

/**
 * What a scan could and could not read, per source. A source is `complete` only when every part of
 * it was read; `partial` when some part failed; `not-read` when nothing useful was read. Every
 * failure is also an error of that source, with the service's code.
 */
export class CoverageBook {
  private readonly parts = new Map<string, { read: number; failed: string[] }>();
  private readonly notRead = new Map<string, string>();
  private readonly limited = new Set<string>();
  readonly errors: SourceError[] = [];

  /** Declares a source (so a source with nothing to read is still `complete`). */
  open(source: string): void {
    if (!this.parts.has(source)) this.parts.set(source, { read: 0, failed: [] });
  }

  succeeded(source: string): void {
    this.open(source);
    const entry = this.parts.get(source);
    if (entry) entry.read += 1;
  }

  /** One part of a source failed; the rest of the source may still be read. */
  failed(source: string, what: string, error: unknown): void {
    const { code, message } = describeError(error);
    this.failedWith(source, what, code, message);
  }

  failedWith(source: string, what: string, code: string, message: string): void {
    this.open(source);
    this.parts.get(source)?.failed.push(`${what}: ${code}`);
    this.errors.push({ source, code, message: `${what}: ${message}` });
  }

  /**
   * A part the tenant cannot answer by design (no licence for the feature): an error with the
   * service's code, and the source is `partial` with that reason, never `not-read` — the tenant
   * was read; it just has none of this to show.
   */
  limitedBy(source: string, what: string, error: unknown): void {
    this.failed(source, what, error);
    this.limited.add(source);
  }

  /** Nothing of the source could be read (unreachable cluster, subscription not visible). */
  markNotRead(source: string, reason: string): void {
    this.open(source);
    this.notRead.set(source, reason);
  }

  coverage(): Coverage {
    const coverage: Coverage = {};
    for (const [source, entry] of this.parts) {
      const reason = this.notRead.get(source);
      let result: CoverageEntry;
      if (reason !== undefined) result = { status: "not-read", reason };
      else if (entry.failed.length === 0) result = { status: "complete" };
      else if (entry.read === 0 && !this.limited.has(source))
        result = { status: "not-read", reason: entry.failed.join("; ") };
      else result = { status: "partial", reason: `not read: ${entry.failed.join("; ")}` };
      coverage[source] = result;
    }
    return coverage;
  }
}
