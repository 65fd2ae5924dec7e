import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/open-database";
import { exited, runFixture } from "./helpers/fixture-process";

/** Runs tests/fixtures/hold-database.ts as a separate process owning ATLAS_DATA_DIR. */
function holdDatabase(
  dataDir: string,
  options: { attach?: boolean } = {},
): { child: ChildProcess; firstLine: Promise<string> } {
  const child = runFixture("hold-database.ts", [], {
    ATLAS_DATA_DIR: dataDir,
    DATABASE_URL: "",
    HOLD_ATTACH: options.attach ? "1" : "",
  });
  const firstLine = new Promise<string>((resolve) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", () => resolve(out.trim()));
  });
  return { child, firstLine };
}

describe("embedded PostgreSQL", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-pg-"));
    await fs.chmod(d, 0o755);
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it("refuses a second owner of the data folder, survives kill -9, and keeps the data", async () => {
    const dataDir = await tempDir();
    const first = holdDatabase(dataDir);
    expect(await first.firstLine).toMatch(/^ready \d+$/);
    const port = Number((await first.firstLine).split(" ")[1]);

    // Write a row through the first owner's server.
    const password = (await fs.readFile(path.join(dataDir, "pg-password"), "utf8")).trim();
    const client = new pg.Client({
      connectionString: `postgresql://atlas:${password}@127.0.0.1:${port}/atlas`,
    });
    await client.connect();
    await client.query(
      `INSERT INTO tenants (id, display_name, source, updated_at) VALUES ('t1', 'Kept', 'import', now())`,
    );
    await client.end();

    const second = holdDatabase(dataDir);
    const refusal = await second.firstLine;
    expect(refusal).toMatch(/^error Another AKS Identity Atlas \(pid \d+.*is already using the data folder/);
    expect(await exited(second.child)).toBe(3);

    first.child.kill("SIGKILL");
    await exited(first.child);

    const third = holdDatabase(dataDir);
    expect(await third.firstLine).toMatch(/^ready \d+$/);
    const db = await openDatabase({ attach: true, env: { ATLAS_DATA_DIR: dataDir } });
    const c2 = new pg.Client({ connectionString: db.url });
    await c2.connect();
    const { rows } = await c2.query("SELECT display_name FROM tenants WHERE id = 't1'");
    await c2.end();
    expect(rows).toEqual([{ display_name: "Kept" }]);
    third.child.kill("SIGTERM");
    expect(await exited(third.child)).toBe(0);
    // A clean stop releases the folder: no lock file, no postmaster left.
    await expect(fs.access(path.join(dataDir, "atlas.lock.json"))).rejects.toThrow();
    await expect(fs.access(path.join(dataDir, "pg", "postmaster.pid"))).rejects.toThrow();
  });

  it("processes that open a fresh folder at the same moment agree on one owner: the others join it or are refused", async () => {
    // Before: the lock was removed and re-created, so a loser saw "Another process took the data folder
    // … at the same moment; try again" and a reader could take a lock being written for a missing one.
    const joining = await tempDir();
    const joiners = Array.from({ length: 4 }, () => holdDatabase(joining, { attach: true }));
    const joined = await Promise.all(joiners.map((p) => p.firstLine));
    for (const line of joined) expect(line).toMatch(/^ready \d+$/);
    expect(new Set(joined).size, joined.join("\n")).toBe(1); // one server, every process on it
    for (const p of joiners) p.child.kill("SIGTERM");
    expect(await Promise.all(joiners.map((p) => exited(p.child)))).toEqual([0, 0, 0, 0]);

    const refusing = await tempDir();
    const owners = Array.from({ length: 4 }, () => holdDatabase(refusing));
    const answers = await Promise.all(owners.map((p) => p.firstLine));
    expect(
      answers.filter((line) => /^ready \d+$/.test(line)),
      answers.join("\n"),
    ).toHaveLength(1);
    for (const line of answers.filter((l) => !l.startsWith("ready"))) {
      expect(line).toMatch(/^error Another AKS Identity Atlas \(pid \d+.*is already using the data folder/);
    }
    for (const p of owners) p.child.kill("SIGTERM");
    await Promise.all(owners.map((p) => exited(p.child)));
    await expect(fs.access(path.join(refusing, "atlas.lock.json"))).rejects.toThrow();
  });

  it("says clearly when the data folder is not writable", async () => {
    const file = path.join(await tempDir(), "a-file");
    await fs.writeFile(file, "");
    await expect(openDatabase({ env: { ATLAS_DATA_DIR: path.join(file, "data") } })).rejects.toThrow(
      /The data folder .* is not writable by user/,
    );
  });
});
