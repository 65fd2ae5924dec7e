import { RestError } from "@azure/core-rest-pipeline";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { describeError, isNotFound } from "@/lib/net/describe-error";

describe("describeError", () => {
  it("prefers the service's own code", () => {
    expect(
      describeError(
        new RestError("The client has no authorization\nmore", {
          code: "AuthorizationFailed",
          statusCode: 403,
        }),
      ),
    ).toEqual({
      code: "AuthorizationFailed",
      message: "The client has no authorization",
      status: 403,
    });
  });

  it("reads the Status inside a Kubernetes ApiException", () => {
    const body = JSON.stringify({
      kind: "Status",
      reason: "Forbidden",
      message: "pods is forbidden",
      code: 403,
    });
    const error = new ApiException(403, "Forbidden", body, {});
    expect(describeError(error)).toMatchObject({
      code: "Forbidden",
      message: "pods is forbidden",
      status: 403,
    });
    expect(isNotFound(new ApiException(404, "Not Found", "{}", {}))).toBe(true);
  });

  it("names network failures by their socket code, with the socket's message", () => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    expect(describeError(error)).toMatchObject({
      code: "ECONNRESET",
      message: "fetch failed: read ECONNRESET",
    });
  });

  it("falls back to the HTTP status or the error's name", () => {
    expect(describeError(Object.assign(new Error("x"), { statusCode: 502 })).code).toBe("HTTP502");
    expect(describeError(new TypeError("y")).code).toBe("TypeError");
    expect(describeError("plain")).toEqual({ code: "Unknown", message: "plain" });
  });
});
