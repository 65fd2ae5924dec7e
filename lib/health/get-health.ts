import "server-only";
import { type DatabaseHealth, probeDatabase } from "@/lib/db/health";
import { PRODUCT_VERSION } from "@/lib/version";

// The use case of GET /api/health: a direct probe of the database the app resolved (the embedded one
// when DATABASE_URL is unset). `details` are for callers who may read the app; the route decides that.

export type Health = {
  status: "ok" | "degraded";
  details: { status: "ok" | "degraded"; version: string; database: DatabaseHealth & { embedded: boolean } };
};

export async function getHealth(): Promise<Health> {
  const database = await probeDatabase(process.env.ATLAS_RESOLVED_DATABASE_URL ?? process.env.DATABASE_URL);
  const status = database.state === "up" ? "ok" : "degraded";
  return {
    status,
    details: {
      status,
      version: PRODUCT_VERSION,
      database: { ...database, embedded: !process.env.DATABASE_URL },
    },
  };
}
