import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST } from "./route";

// The refusals happen before the database is touched, so they need none.

const SECRET = "cron-secret-for-the-unit-test";
const request = (headers: Record<string, string> = {}) =>
  new NextRequest("http://127.0.0.1/api/cron/scan", { method: "POST", headers, body: "{}" });

describe("POST /api/cron/scan refuses callers without the secret", () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.ATLAS_CRON_SECRET;
    process.env.ATLAS_CRON_SECRET = SECRET;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ATLAS_CRON_SECRET;
    else process.env.ATLAS_CRON_SECRET = saved;
  });

  it.each([
    ["no secret", {}],
    ["a wrong secret", { authorization: "Bearer not-the-secret-at-all" }],
    ["the secret with one character more", { authorization: `Bearer ${SECRET}x` }],
    ["a prefix of the secret", { "x-atlas-cron-secret": SECRET.slice(0, 10) }],
    ["the secret in another scheme", { authorization: `Basic ${SECRET}` }],
  ])("401 for %s", async (_, headers) => {
    const response = await POST(request(headers));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "unauthorized", message: expect.stringContaining("cron secret") },
    });
  });

  it("503 while no secret is configured, whatever is presented", async () => {
    delete process.env.ATLAS_CRON_SECRET;
    const response = await POST(request({ authorization: `Bearer ${SECRET}` }));
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe("cron_disabled");
  });
});
