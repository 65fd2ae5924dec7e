import { NextResponse } from "next/server";
import { probeDatabase } from "@/lib/db/health";
import { PRODUCT_VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

export async function GET() {
  const database = await probeDatabase(process.env.ATLAS_RESOLVED_DATABASE_URL ?? process.env.DATABASE_URL);
  const body = {
    status: database.state === "up" ? "ok" : "degraded",
    version: PRODUCT_VERSION,
    database: { ...database, embedded: !process.env.DATABASE_URL },
  };
  return NextResponse.json(body, { status: database.state === "up" ? 200 : 503 });
}
