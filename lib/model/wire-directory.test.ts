import { describe, expect, it } from "vitest";
import { groupMembershipsFromDirect, principalFromDirectoryObject } from "@/lib/model/wire-directory";

describe("principalFromDirectoryObject", () => {
  it.each([
    [{ id: "A", type: "User", displayName: "Penny", userPrincipalName: "penny@x" }, "User"],
    [{ id: "A", type: "Group", displayName: "g" }, "Group"],
    [
      { id: "A", type: "ServicePrincipal", displayName: "ci", servicePrincipalType: "Application" },
      "ServicePrincipal",
    ],
    [
      { id: "A", type: "ServicePrincipal", displayName: "mi", servicePrincipalType: "ManagedIdentity" },
      "ManagedIdentity",
    ],
    [{ id: "A", "@odata.type": "#microsoft.graph.user", displayName: "u" }, "User"],
    [{ id: "A", "@odata.type": "#microsoft.graph.group", displayName: "g" }, "Group"],
    [
      {
        id: "A",
        "@odata.type": "#microsoft.graph.servicePrincipal",
        servicePrincipalType: "ManagedIdentity",
      },
      "ManagedIdentity",
    ],
    [{ id: "A", "@odata.type": "#microsoft.graph.servicePrincipal", displayName: "ci" }, "ServicePrincipal"],
  ])("%j is a %s", (object, kind) => {
    const principal = principalFromDirectoryObject(object);
    expect(principal?.kind).toBe(kind);
    expect(principal?.id).toBe("a");
  });

  // Group members may be devices and organizational contacts (learn.microsoft.com/graph/api/group-list-members:
  // "members ... can be users, groups, devices, organizational contacts, or service principals");
  // none of them signs in, and an object without a type is none we can vouch for.
  it.each([
    [{ id: "A", "@odata.type": "#microsoft.graph.device", displayName: "laptop-17" }],
    [{ id: "A", "@odata.type": "#microsoft.graph.orgContact", displayName: "Vendor" }],
    [{ id: "A", displayName: "untyped" }],
  ])("%j is no principal", (object) => {
    expect(principalFromDirectoryObject(object)).toBeNull();
  });
});

describe("groupMembershipsFromDirect", () => {
  it("expands nesting transitively", () => {
    const memberships = groupMembershipsFromDirect([
      { groupId: "outer", directMemberIds: ["inner", "u1"] },
      { groupId: "inner", directMemberIds: ["deep", "u2"] },
      { groupId: "deep", directMemberIds: ["u3"] },
    ]);
    expect(memberships.find((m) => m.groupId === "outer")?.memberIds).toEqual([
      "deep",
      "inner",
      "u1",
      "u2",
      "u3",
    ]);
    expect(memberships.find((m) => m.groupId === "inner")?.memberIds).toEqual(["deep", "u2", "u3"]);
  });

  it("terminates on cycles and never lists a group as its own member", () => {
    const memberships = groupMembershipsFromDirect([
      { groupId: "a", directMemberIds: ["b", "u1"] },
      { groupId: "b", directMemberIds: ["a", "u2"] },
    ]);
    expect(memberships.find((m) => m.groupId === "a")?.memberIds).toEqual(["b", "u1", "u2"]);
    expect(memberships.find((m) => m.groupId === "b")?.memberIds).toEqual(["a", "u1", "u2"]);
  });
});
