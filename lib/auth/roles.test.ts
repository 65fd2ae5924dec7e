import { describe, expect, it } from "vitest";
import { type Role, roleFromClaims, roleSatisfies } from "./roles";

const GROUPS = {
  viewer: ["aaaaaaaa-0000-0000-0000-000000000001"],
  operator: ["aaaaaaaa-0000-0000-0000-000000000002"],
  admin: ["AAAAAAAA-0000-0000-0000-000000000003"],
};

type Case = [{ roles?: string[]; groups?: string[] }, Role | null];

describe("roleFromClaims", () => {
  it.each<Case>([
    [{ roles: ["Atlas.Viewer"] }, "viewer"],
    [{ roles: ["Atlas.Operator"] }, "operator"],
    [{ roles: ["Atlas.Admin", "Atlas.Viewer"] }, "admin"],
    [{ roles: ["atlas.admin"] }, null], // app role values are case-sensitive in Entra
    [{ roles: ["Something.Else"] }, null],
    [{ groups: ["aaaaaaaa-0000-0000-0000-000000000001"] }, "viewer"],
    [{ groups: ["aaaaaaaa-0000-0000-0000-000000000003"] }, "admin"], // group ids compare case-insensitively
    [{ roles: ["Atlas.Viewer"], groups: ["aaaaaaaa-0000-0000-0000-000000000002"] }, "operator"],
    [{ groups: ["bbbbbbbb-0000-0000-0000-000000000009"] }, null],
    [{}, null],
  ])("%j → %s", (claims, expected) => {
    expect(roleFromClaims(claims, GROUPS)).toBe(expected);
  });
});

describe("roleSatisfies", () => {
  it("orders viewer < operator < admin and never lets 'no role' through", () => {
    expect(roleSatisfies("admin", "operator")).toBe(true);
    expect(roleSatisfies("operator", "operator")).toBe(true);
    expect(roleSatisfies("viewer", "operator")).toBe(false);
    expect(roleSatisfies(null, "viewer")).toBe(false);
  });
});
