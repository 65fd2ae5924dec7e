import { Client, type Context, type Middleware } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { readDirectory } from "@/lib/azure/directory-reader";

// readDirectory over Microsoft Graph's wire format, through the official Graph client, with a last
// middleware answering as Graph does (learn.microsoft.com/graph/api/group-list-transitivemembers:
// members are users, groups, devices, organizational contacts and service principals, each with
// its @odata.type). The emulator's directory has no devices or contacts, hence this table of answers.

const GROUP = "6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const USER = "0b1f7c1e-4a53-4f1e-9c8e-2d6a1b7f3c10";
const DEVICE = "d0000000-0000-0000-0000-000000000001";
const CONTACT = "c0000000-0000-0000-0000-0000000000c1";
const UNTYPED = "e0000000-0000-0000-0000-0000000000e1";

const members = [
  {
    "@odata.type": "#microsoft.graph.user",
    id: USER,
    displayName: "Leonard",
    userPrincipalName: "Leonard@contoso.example",
  },
  { "@odata.type": "#microsoft.graph.device", id: DEVICE, displayName: "laptop-17" },
  { "@odata.type": "#microsoft.graph.orgContact", id: CONTACT, displayName: "Vendor" },
  { id: UNTYPED, displayName: "no type" },
];

class GraphAnswers implements Middleware {
  readonly requests: string[] = [];
  async execute(context: Context): Promise<void> {
    const url = new URL(String(context.request));
    this.requests.push(`${context.options?.method ?? "GET"} ${url.pathname}${url.search}`);
    const json = (body: unknown) => {
      context.response = new Response(JSON.stringify(body), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    if (url.pathname.endsWith("/directoryObjects/getByIds"))
      return json({
        value: [{ "@odata.type": "#microsoft.graph.group", id: GROUP, displayName: "aks-admins" }],
      });
    if (
      url.pathname.endsWith(`/groups/${GROUP}/transitiveMembers`) ||
      url.pathname.endsWith(`/groups/${GROUP}/members`)
    )
      return json({ value: members });
    if (url.pathname.endsWith("/users")) {
      // Graph matches userPrincipalName without regard to case
      const filter = url.searchParams.get("$filter") ?? "";
      return json({ value: /'leonard@contoso\.example'/i.test(filter) ? [members[0]] : [] });
    }
    context.response = new Response(
      JSON.stringify({ error: { code: "Request_ResourceNotFound", message: "no" } }),
      {
        status: 404,
        headers: { "content-type": "application/json" },
      },
    );
  }
}

function client(answers: GraphAnswers): Client {
  return Client.initWithMiddleware({ middleware: answers, baseUrl: "https://graph.example/v1.0" });
}

describe("readDirectory", () => {
  it("leaves devices, contacts and untyped members out of principals and memberships", async () => {
    const answers = new GraphAnswers();
    const read = await readDirectory(client(answers), new Map([[GROUP, "Group" as const]]), {
      concurrency: 2,
    });
    expect(read.errors).toEqual([]);
    expect(read.principals.map((principal) => `${principal.kind}:${principal.id}`).sort()).toEqual([
      `Group:${GROUP}`,
      `User:${USER}`,
    ]);
    expect(read.groupMemberships).toEqual([{ groupId: GROUP, directMemberIds: [USER], memberIds: [USER] }]);
  });

  it("looks users named by UPN up by userPrincipalName and keeps only exact matches", async () => {
    const answers = new GraphAnswers();
    const hints = new Map([
      ["Leonard@contoso.example", "User" as const],
      ["leonard@CONTOSO.example", "User" as const],
    ]);
    const read = await readDirectory(client(answers), hints, { concurrency: 2 });
    expect(read.errors).toEqual([]);
    expect(read.principals).toEqual([
      { id: USER, kind: "User", displayName: "Leonard", userPrincipalName: "Leonard@contoso.example" },
    ]);
    expect(answers.requests.filter((request) => request.includes("/users"))).toHaveLength(1);
    expect(
      decodeURIComponent(answers.requests.find((request) => request.includes("/users")) ?? ""),
    ).toContain("userPrincipalName in ('Leonard@contoso.example','leonard@CONTOSO.example')");
  });
});
