import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Escapes one value for COPY's text format; null becomes \N. */
export function copyTextValue(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/**
 * Streams rows into `COPY <table> (<columns>) FROM STDIN` in ~1 MiB chunks, honouring backpressure, so
 * hundreds of thousands of rows load at COPY speed without building one giant string.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly (string | null)[]>,
): Promise<number> {
  const stream = client.query(
    copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`),
  );
  // Settles when PostgreSQL has taken every row, or refused the COPY. A refusal (an unknown column, a
  // unique violation, a row it cannot parse) can come at any time, and after it "drain" never fires: every
  // wait below is raced with it, so the error reaches the caller instead of the COPY hanging forever.
  const done = new Promise<void>((resolve, reject) => {
    stream.on("finish", () => resolve());
    stream.on("error", reject);
  });
  done.catch(() => {}); // observed by the races below and the final await
  let chunk = "";
  let count = 0;
  const flush = async () => {
    if (!chunk) return;
    const ok = stream.write(chunk);
    chunk = "";
    if (!ok)
      await Promise.race([new Promise<void>((resolve) => stream.once("drain", () => resolve())), done]);
  };
  for (const row of rows) {
    chunk += `${row.map(copyTextValue).join("\t")}\n`;
    count++;
    if (chunk.length > 1 << 20) await flush();
  }
  await flush();
  if (!stream.errored) stream.end();
  await done;
  return count;
}
