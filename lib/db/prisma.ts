import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

/**
 * The app's Prisma client. The server entry (lib/server/start.ts) resolves the database — DATABASE_URL
 * or the embedded PostgreSQL — before Next.js loads, and hands the URL over in ATLAS_RESOLVED_DATABASE_URL
 * because Next's server bundle does not share module instances with the entry.
 */
const globalForPrisma = globalThis as unknown as { atlasPrisma?: PrismaClient };

export function resolvedDatabaseUrl(): string {
  const url = process.env.ATLAS_RESOLVED_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("No database: start the app with `npm start`, or set DATABASE_URL.");
  return url;
}

export function prisma(): PrismaClient {
  globalForPrisma.atlasPrisma ??= createPrismaClient(resolvedDatabaseUrl());
  return globalForPrisma.atlasPrisma;
}

export function createPrismaClient(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
}
