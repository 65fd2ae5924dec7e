import { describe, expect, it } from "vitest";
import { userPrincipalNameFilter } from "@/lib/emulator/graph";

// The emulator's Graph serves the user lookups by UPN the scanner makes: `$filter=userPrincipalName
// eq '…'` and `in ('…', …)` on /users (learn.microsoft.com/graph/filter-query-parameter; OData
// string literals double a quote). Any other filter stays a 400 Request_UnsupportedQuery.
describe("userPrincipalNameFilter", () => {
  it.each([
    ["userPrincipalName eq 'a@x.example'", ["a@x.example"]],
    ["userPrincipalName in ('a@x.example','B@x.example')", ["a@x.example", "B@x.example"]],
    ["userPrincipalName in ( 'a@x.example' , 'b@x.example' )", ["a@x.example", "b@x.example"]],
    ["UserPrincipalName EQ 'o''brien@x.example'", ["o'brien@x.example"]],
  ])("%s → %j", (filter, expected) => {
    expect(userPrincipalNameFilter("User", filter)).toEqual(expected);
  });

  it.each([
    ["displayName eq 'a'", "User"],
    ["userPrincipalName eq 'a' or id eq 'b'", "User"],
    ["startswith(userPrincipalName,'a')", "User"],
    ["userPrincipalName eq 'a@x.example'", "Group"],
  ] as const)("%s on %s is not served", (filter, kind) => {
    expect(userPrincipalNameFilter(kind, filter)).toBeNull();
  });
});
