import { describe, expect, it } from "vitest";
import type { EmulatorRequest } from "@/lib/emulator/http-kit";
import { impersonationFromHeaders } from "@/lib/emulator/kubernetes/impersonation";

// k8s.io/apiserver/pkg/endpoints/filters/impersonation.go: what is checked, and who results.
function request(headers: Record<string, string[]>): EmulatorRequest {
  const joined = Object.fromEntries(Object.entries(headers).map(([key, values]) => [key, values.join(", ")]));
  return {
    method: "GET",
    url: new URL("https://x/"),
    path: "/",
    segments: [],
    query: new URLSearchParams(),
    headers: joined,
    headersDistinct: headers,
    body: Buffer.alloc(0),
  };
}

describe("impersonationFromHeaders", () => {
  it("ignores requests without impersonation headers", () => {
    expect(impersonationFromHeaders(request({ authorization: ["Bearer x"] }))).toBeUndefined();
  });

  it("checks the user and each group, and adds system:authenticated", () => {
    const result = impersonationFromHeaders(
      request({ "impersonate-user": ["bob"], "impersonate-group": ["devs", "ops, west"] }),
    );
    expect(result).toEqual({
      checks: [
        { verb: "impersonate", group: "", resource: "users", name: "bob" },
        { verb: "impersonate", group: "", resource: "groups", name: "devs" },
        { verb: "impersonate", group: "", resource: "groups", name: "ops, west" },
      ],
      user: { name: "bob", groups: ["devs", "ops, west", "system:authenticated"] },
    });
  });

  it("impersonates a service account in its namespace with its fixed groups", () => {
    const result = impersonationFromHeaders(
      request({ "impersonate-user": ["system:serviceaccount:ci:deployer"] }),
    );
    expect(result).toMatchObject({
      checks: [{ verb: "impersonate", resource: "serviceaccounts", namespace: "ci", name: "deployer" }],
      user: {
        name: "system:serviceaccount:ci:deployer",
        groups: ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"],
      },
    });
  });

  it("checks uids and user extras in authentication.k8s.io", () => {
    const result = impersonationFromHeaders(
      request({
        "impersonate-user": ["bob"],
        "impersonate-uid": ["1234"],
        "impersonate-extra-scopes%2Fa": ["view"],
      }),
    );
    expect(result).toMatchObject({
      checks: [
        { resource: "users" },
        { group: "authentication.k8s.io", resource: "userextras", subresource: "scopes/a", name: "view" },
        { group: "authentication.k8s.io", resource: "uids", name: "1234" },
      ],
      user: { uid: "1234", extra: { "scopes/a": ["view"] } },
    });
  });

  it("refuses groups without a user", () => {
    expect(typeof impersonationFromHeaders(request({ "impersonate-group": ["devs"] }))).toBe("string");
  });
});
