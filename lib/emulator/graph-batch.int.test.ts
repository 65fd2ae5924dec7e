import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emulatorCredential,
  emulatorGraphClient,
  smallTenantPath,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";
import { readTenantFile } from "@/lib/tenant-file/read-tenant-file";

// Microsoft Graph JSON batching, as the offline collector sends it (`az rest --method post --url …/$batch`).
// Wire format: microsoftgraph/microsoft-graph-docs-contrib concepts/json-batching.md — up to 20 requests,
// each answered with its own id, status and body; more than 20 is a 400 for the whole batch.

type BatchAnswer = {
  responses: { id: string; status: number; body: { value?: unknown[]; error?: { code: string } } }[];
};

describe("Graph POST /$batch", () => {
  let running: TestEmulator;
  let graph: ReturnType<typeof emulatorGraphClient>;
  beforeAll(async () => {
    running = await startTestEmulator({ tenant: await readTenantFile(smallTenantPath) });
    graph = emulatorGraphClient(
      running.emulator,
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
    );
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("answers each step as if sent alone, errors included", async () => {
    const direct = (await graph.api("/users").top(2).get()) as { value: unknown[] };
    const answer = (await graph.api("/$batch").post({
      requests: [
        { id: "a", method: "GET", url: "/users?$top=2" },
        { id: "b", method: "GET", url: "/groups/00000000-0000-0000-0000-00000000dead/members" },
      ],
    })) as BatchAnswer;
    const byId = new Map(answer.responses.map((r) => [r.id, r]));
    expect(byId.get("a")?.status).toBe(200);
    expect(byId.get("a")?.body.value).toEqual(direct.value);
    expect(byId.get("b")?.status).toBe(404);
    expect(byId.get("b")?.body.error?.code).toBe("Request_ResourceNotFound");
  });

  it("refuses more than 20 steps and duplicate ids with 400", async () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: String(i), method: "GET", url: "/users" }));
    await expect(graph.api("/$batch").post({ requests: steps(21) })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(graph.api("/$batch").post({ requests: [...steps(1), ...steps(1)] })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});
