import { NextResponse } from "next/server";

/** The one error shape of the JSON API: { "error": { "code", "message" } }. */
export function jsonError(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status });
}
