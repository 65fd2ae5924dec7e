import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTenantPath } from "@/lib/emulator/demo";
import {
  armClientOptions,
  emulatorCredential,
  startTestEmulator,
  type TestEmulator,
} from "@/lib/emulator/test-support";

// Resource Graph applies `take`/`limit` to the query's result (totalRecords counts what the query
// returns), and the request's $top/$skip/$skipToken page over those rows.
describe("Resource Graph take/limit", () => {
  let running: TestEmulator;
  let client: ResourceGraphClient;

  beforeAll(async () => {
    running = await startTestEmulator({ tenantPath: demoTenantPath, pageSize: 2 });
    client = new ResourceGraphClient(
      emulatorCredential(running.emulator, running.emulator.scannerCredential),
      armClientOptions(running.emulator),
    );
  });
  afterAll(async () => {
    await running?.stop();
  });

  async function allRows(query: string): Promise<{ totalRecords: number; ids: string[] }> {
    const ids: string[] = [];
    let skipToken: string | undefined;
    let totalRecords = 0;
    do {
      const page = await client.resources({
        query,
        options: { resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
      });
      totalRecords = page.totalRecords;
      ids.push(...(page.data as { id: string }[]).map((row) => row.id));
      skipToken = page.skipToken;
    } while (skipToken);
    return { totalRecords, ids };
  }

  it("returns at most N rows, paged", async () => {
    const everything = await allRows("resources | project id");
    expect(everything.totalRecords).toBeGreaterThan(5);
    const taken = await allRows("resources | project id | take 5");
    expect(taken).toEqual({ totalRecords: 5, ids: everything.ids.slice(0, 5) });
    const limited = await allRows(
      "resources | where type =~ 'microsoft.containerservice/managedclusters' | limit 3",
    );
    expect(limited.totalRecords).toBe(3);
    expect(limited.ids).toHaveLength(3);
  });
});
