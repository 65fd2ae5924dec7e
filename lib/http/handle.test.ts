import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { APP_ERROR_STATUS, AppError, badRequestError } from "./app-error";
import { handle, parseInput } from "./handle";
import { handleAction } from "./handle-action";
import { readJsonBody } from "./json-body";

// The one error vocabulary: whatever a handler throws, the answer has one shape,
// { error: { code, message } }, with the AppError's status; a bug is a 500 that shows none of its details.

const request = (body?: string) =>
  new NextRequest("http://127.0.0.1/api/thing", body === undefined ? {} : { method: "POST", body });

describe("handle()", () => {
  it("answers an AppError with its status, code and message", async () => {
    const route = handle(async () => {
      throw new AppError("scan_running", APP_ERROR_STATUS.conflict, "A scan is already running.");
    });
    const response = await route(request());
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "scan_running", message: "A scan is already running." },
    });
  });

  it("answers anything else with a 500 that hides the error, and logs it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const route = handle(
      async () => {
        throw new Error("password=hunter2 in the connection string");
      },
      { internalMessage: "The thing could not be read." },
    );
    const response = await route(request());
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "The thing could not be read." },
    });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });

  it("keeps a 5xx AppError's own words in the log when it names a public message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const route = handle(async () => {
      throw new AppError("report_unreadable", 500, "schema 3 expected, got 9", {
        publicMessage: "Unreadable.",
      });
    });
    const response = await route(request());
    expect(await response.json()).toEqual({ error: { code: "report_unreadable", message: "Unreadable." } });
    expect(String(log.mock.calls[0]?.[0])).toContain("schema 3 expected");
    log.mockRestore();
  });

  it("passes the route's params, and refuses bad input through parseInput as a 400 naming the field", async () => {
    const route = handle<{ id: string }>(async (_request, params) => {
      const { id } = parseInput(
        z.object({ id: z.string().regex(/^\d+$/, "must be a number") }),
        params,
        "bad_id",
      );
      return Response.json({ id });
    });
    const ok = await route(request(), { params: Promise.resolve({ id: "12" }) });
    expect(await ok.json()).toEqual({ id: "12" });
    const bad = await route(request(), { params: Promise.resolve({ id: "x" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "bad_id", message: "id: must be a number" } });
  });

  it("answers the JSON body reader's refusals in the same shape", async () => {
    const route = handle(async (req) => Response.json(await readJsonBody(req, 16)));
    const notJson = await route(request("{nope"));
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe("invalid_json");
    const large = await route(request(JSON.stringify({ text: "x".repeat(64) })));
    expect(large.status).toBe(413);
    expect((await large.json()).error.code).toBe("payload_too_large");
    expect(await (await route(request(""))).json()).toEqual({});
  });
});

describe("handleAction()", () => {
  const answers = {
    refused: (error: AppError) => ({ ok: false, message: `refused: ${error.message}` }),
    failed: { ok: false, message: "failed" },
  };

  it("answers a 4xx AppError in words, and anything else with the fixed failure", async () => {
    expect(
      await handleAction(
        "x",
        async () => {
          throw badRequestError("invalid_settings", "webhookUrl: must use https");
        },
        answers,
      ),
    ).toEqual({ ok: false, message: "refused: webhookUrl: must use https" });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(
      await handleAction(
        "x",
        async () => {
          throw new Error("socket hang up");
        },
        answers,
      ),
    ).toEqual({ ok: false, message: "failed" });
    log.mockRestore();
    expect(await handleAction("x", async () => ({ ok: true, message: "saved" }), answers)).toEqual({
      ok: true,
      message: "saved",
    });
  });
});
