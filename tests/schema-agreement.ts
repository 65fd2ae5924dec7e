import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

/**
 * Compares prisma/schema.prisma (through the Prisma schema parser, compiled to WebAssembly, so no engine
 * download is needed) with what the SQL migrations actually built: tables, columns, types, nullability,
 * indexes. Returns a list of human-readable differences; empty means they agree.
 */

const require = createRequire(import.meta.url);

interface DmmfField {
  name: string;
  dbName: string | null;
  kind: string;
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "normal" | "unique" | "fulltext";
  dbName?: string;
  fields: { name: string; sortOrder?: "asc" | "desc" }[];
}

/** Indexes that Prisma's schema language cannot express (partial indexes), kept in SQL on purpose. */
export const SQL_ONLY_INDEXES = new Set(["snapshot_records_current_key_uq", "snapshot_records_to_idx"]);

const SCALAR_TO_PG: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  Float: "double precision",
  Decimal: "numeric",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

function expectedPgType(field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    if (name === "Timestamptz") return `timestamp(${args[0] ?? 6}) with time zone`;
    if (name === "Timestamp") return `timestamp(${args[0] ?? 6}) without time zone`;
    if (name === "VarChar") return args.length ? `character varying(${args[0]})` : "character varying";
    if (name === "Uuid") return "uuid";
    return name.toLowerCase();
  }
  return SCALAR_TO_PG[field.type] ?? field.type;
}

export function readPrismaDatamodel(schemaPath = path.join(process.cwd(), "prisma", "schema.prisma")) {
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  const schema = fs.readFileSync(schemaPath, "utf8");
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as {
    datamodel: { models: DmmfModel[]; indexes: DmmfIndex[] };
  };
  return dmmf.datamodel;
}

export async function compareSchemaWithDatabase(databaseUrl: string): Promise<string[]> {
  const datamodel = readPrismaDatamodel();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await client.query<{ table: string; column: string; type: string; nullable: boolean }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
    const indexes = await client.query<{
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      def: string;
    }>(`
      SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
             pg_get_indexdef(x.indexrelid) AS def
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'`);

    const diffs: string[] = [];
    const dbTables = new Map<string, Map<string, { type: string; nullable: boolean }>>();
    for (const c of columns.rows) {
      if (c.table.startsWith("_atlas_") || c.table.startsWith("pgboss")) continue;
      const cols = dbTables.get(c.table) ?? new Map();
      cols.set(c.column, { type: c.type, nullable: c.nullable });
      dbTables.set(c.table, cols);
    }
    const modelTables = new Set<string>();
    const columnName = new Map<string, Map<string, string>>();
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      modelTables.add(table);
      const names = new Map<string, string>();
      columnName.set(model.name, names);
      const dbCols = dbTables.get(table);
      if (!dbCols) {
        diffs.push(`table ${table} (model ${model.name}) is missing from the database`);
        continue;
      }
      const seen = new Set<string>();
      for (const field of model.fields) {
        if (field.kind === "object") continue;
        const col = field.dbName ?? field.name;
        names.set(field.name, col);
        seen.add(col);
        const dbCol = dbCols.get(col);
        if (!dbCol) {
          diffs.push(`column ${table}.${col} (${model.name}.${field.name}) is missing from the database`);
          continue;
        }
        const expected = expectedPgType(field);
        if (dbCol.type !== expected)
          diffs.push(`column ${table}.${col}: schema says ${expected}, database has ${dbCol.type}`);
        if (dbCol.nullable === field.isRequired) {
          diffs.push(
            `column ${table}.${col}: schema says ${field.isRequired ? "NOT NULL" : "nullable"}, database disagrees`,
          );
        }
      }
      for (const col of dbCols.keys()) {
        if (!seen.has(col))
          diffs.push(`column ${table}.${col} exists in the database but not in model ${model.name}`);
      }
    }
    for (const table of dbTables.keys()) {
      if (!modelTables.has(table))
        diffs.push(`table ${table} exists in the database but not in schema.prisma`);
    }

    // Indexes: compare by name and column list (with sort order) and uniqueness.
    const dbIndexes = new Map(indexes.rows.map((r) => [r.name, r]));
    const expectedNames = new Set<string>();
    for (const idx of datamodel.indexes) {
      const model = datamodel.models.find((m) => m.name === idx.model);
      if (!model) continue;
      const table = model.dbName ?? model.name;
      const cols = idx.fields.map((f) => {
        const col = columnName.get(model.name)?.get(f.name) ?? f.name;
        return f.sortOrder === "desc" ? `${col} DESC` : col;
      });
      const name =
        idx.type === "id"
          ? `${table}_pkey`
          : (idx.dbName ??
            `${table}_${cols.map((c) => c.split(" ")[0]).join("_")}_${idx.type === "unique" ? "key" : "idx"}`);
      expectedNames.add(name);
      const db = dbIndexes.get(name);
      if (!db) {
        diffs.push(`index ${name} on ${table}(${cols.join(", ")}) is missing from the database`);
        continue;
      }
      const dbCols = db.def
        .slice(db.def.indexOf("(", db.def.indexOf(" USING ")) + 1, db.def.lastIndexOf(")"))
        .split(",")
        .map((c) => c.trim().replaceAll('"', ""));
      if (dbCols.join(", ") !== cols.join(", ")) {
        diffs.push(`index ${name}: schema says (${cols.join(", ")}), database has (${dbCols.join(", ")})`);
      }
      const unique = idx.type === "unique" || idx.type === "id";
      if (db.unique !== unique)
        diffs.push(`index ${name}: uniqueness differs (schema ${unique}, database ${db.unique})`);
    }
    for (const r of indexes.rows) {
      if (r.table.startsWith("_atlas_") || r.table.startsWith("pgboss")) continue;
      if (!expectedNames.has(r.name) && !SQL_ONLY_INDEXES.has(r.name)) {
        diffs.push(`index ${r.name} on ${r.table} exists in the database but not in schema.prisma`);
      }
    }
    return diffs;
  } finally {
    await client.end();
  }
}
