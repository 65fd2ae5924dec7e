import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CoverageBook } from "@/lib/scan/collect/coverage-book";

describe("CoverageBook", () => {
  it("is complete only when every part was read", () => {
    const book = new CoverageBook();
    book.open("sub:empty");
    book.succeeded("sub:a");
    book.succeeded("sub:a");
    book.succeeded("sub:b");
    book.failed(
      "sub:b",
      "listing role assignments",
      new RestError("denied", { code: "AuthorizationFailed", statusCode: 403 }),
    );
    book.failed("sub:c", "listing clusters", new RestError("boom", { statusCode: 500 }));
    book.markNotRead("cluster:x", "the API server cannot be reached");
    expect(book.coverage()).toEqual({
      "sub:empty": { status: "complete" },
      "sub:a": { status: "complete" },
      "sub:b": { status: "partial", reason: "not read: listing role assignments: AuthorizationFailed" },
      "sub:c": { status: "not-read", reason: "listing clusters: HTTP500" },
      "cluster:x": { status: "not-read", reason: "the API server cannot be reached" },
    });
    expect(book.errors).toEqual([
      { source: "sub:b", code: "AuthorizationFailed", message: "listing role assignments: denied" },
      { source: "sub:c", code: "HTTP500", message: "listing clusters: boom" },
    ]);
  });
});
