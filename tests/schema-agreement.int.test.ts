import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database";
import { compareSchemaWithDatabase } from "./schema-agreement";

describe("schema.prisma and the migrated database", () => {
  let db: TestDatabase;
  let broken: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    broken = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
    await broken.drop();
  });

  it("agree on tables, columns, types, nullability and indexes", async () => {
    expect(await compareSchemaWithDatabase(db.url)).toEqual([]);
  });

  it("disagree when a migration builds something else (the check can fail)", async () => {
    // Copy the real migrations and break the first one: a nullable column and a missing index.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "atlas-migrations-"));
    const source = path.join(process.cwd(), "prisma", "migrations");
    for (const name of await fs.readdir(source)) {
      await fs.mkdir(path.join(dir, name));
      let sql = await fs.readFile(path.join(source, name, "migration.sql"), "utf8");
      sql = sql.replace(`"display_name" TEXT NOT NULL`, `"display_name" TEXT`);
      sql = sql.replace(/CREATE INDEX "scans_status_idx"[^;]*;/, "");
      await fs.writeFile(path.join(dir, name, "migration.sql"), sql);
    }
    await migrate(broken.url, dir);
    const diffs = await compareSchemaWithDatabase(broken.url);
    expect(diffs).toContain("column tenants.display_name: schema says NOT NULL, database disagrees");
    expect(diffs.some((d) => d.startsWith("index scans_status_idx"))).toBe(true);
    await fs.rm(dir, { recursive: true });
  });
});
