import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
    .optional(),
  ATLAS_DATA_DIR: z.string().min(1).default(".data"),
});

export interface DatabaseConfig {
  /** an external PostgreSQL; when absent, the embedded one in dataDir is used */
  databaseUrl: string | undefined;
  dataDir: string;
}

export function readDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const parsed = envSchema.safeParse({
    DATABASE_URL: env.DATABASE_URL || undefined,
    ATLAS_DATA_DIR: env.ATLAS_DATA_DIR || undefined,
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return { databaseUrl: parsed.data.DATABASE_URL, dataDir: path.resolve(parsed.data.ATLAS_DATA_DIR) };
}
