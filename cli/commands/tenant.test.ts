import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { registerTenantCommand } from "@/cli/commands/tenant";
import { demoTenantPath } from "@/lib/emulator/demo/index";

interface RunResult {
  exitCode: number;
  out: string;
  err: string;
}

async function run(...args: string[]): Promise<RunResult> {
  let out = "";
  let err = "";
  const program = new Command("aks-atlas").exitOverride().configureOutput({
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
  });
  registerTenantCommand(program);
  try {
    await program.parseAsync(["node", "aks-atlas", ...args]);
    return { exitCode: 0, out, err };
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode, out, err };
    throw error;
  }
}

describe("aks-atlas tenant", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tenant-cli-"));
  });

  it("generates, validates and mutates a tenant", async () => {
    const tenantPath = path.join(dir, "generated.json");
    const generated = await run(
      "tenant",
      "generate",
      "--out",
      tenantPath,
      "--seed",
      "9",
      "--clusters",
      "6",
      "--role-assignments",
      "120",
      "--bindings",
      "90",
      "--identities",
      "12",
    );
    expect(generated).toMatchObject({ exitCode: 0, err: "" });
    expect(generated.out).toMatch(
      /wrote .*generated\.json: 6 clusters in 3 subscriptions, .*120 role assignments, 90 bindings/,
    );

    const validated = await run("tenant", "validate", tenantPath);
    expect(validated.exitCode).toBe(0);
    expect(validated.out).toMatch(/generated\.json is valid/);

    const mutated = await run(
      "tenant",
      "mutate",
      tenantPath,
      "--out",
      path.join(dir, "mutated.json"),
      "--manifest",
      path.join(dir, "manifest.json"),
      "--share",
      "0.05",
      "--seed",
      "2",
    );
    expect(mutated.exitCode).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8"));
    expect(mutated.out).toContain(`${manifest.changes.length} changes`);
    expect(manifest).toMatchObject({ version: 1, seed: 2, share: 0.05 });
    expect((await run("tenant", "validate", path.join(dir, "mutated.json"))).exitCode).toBe(0);
  });

  it("validates the demo tenant, listing the deleted principal as warnings", async () => {
    const result = await run("tenant", "validate", demoTenantPath);
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(
      /^warning \$\.roleAssignments\[\d+\]\.properties\.principalId: .*deleted principal/m,
    );
    expect(result.out).toMatch(/is valid \(2 warnings\)/);
  });

  it("prints problems with JSON paths and exits 1 for an invalid file", async () => {
    const demo = JSON.parse(await readFile(demoTenantPath, "utf8"));
    const aks1 = demo.subscriptions[0].resources.findIndex(
      (resource: { name: string }) => resource.name === "aks-1",
    );
    demo.subscriptions[0].resources[aks1].properties.aadProfile.managed = "yes";
    const file = path.join(dir, "broken.json");
    await writeFile(file, JSON.stringify(demo));
    const result = await run("tenant", "validate", file);
    expect(result.exitCode).toBe(1);
    expect(result.out).toContain(
      `error   $.subscriptions[0].resources[${aks1}].properties.aadProfile.managed:`,
    );
    expect(result.err).toMatch(/broken\.json is invalid: 1 error/);
  });

  it("says clearly when a file is missing or not JSON", async () => {
    const missing = await run("tenant", "validate", path.join(dir, "nope.json"));
    expect(missing).toMatchObject({ exitCode: 1, out: "" });
    expect(missing.err).toMatch(/Cannot read tenant file .*nope\.json: file not found/);
    const file = path.join(dir, "bad.json");
    await writeFile(file, '{\n  "version": 1,\n  "tenantId": \n}\n');
    const broken = await run("tenant", "validate", file);
    expect(broken.exitCode).toBe(1);
    expect(broken.err).toMatch(/is not valid JSON \(line 4, column 1\): unexpected "}"/);
  });

  it("rejects bad numbers before doing anything", async () => {
    const result = await run("tenant", "generate", "--out", path.join(dir, "x.json"), "--clusters", "many");
    expect(result.exitCode).toBe(1);
    expect(result.err).toMatch(/clusters must be a non-negative integer/);
    const share = await run(
      "tenant",
      "mutate",
      "in.json",
      "--out",
      "o.json",
      "--manifest",
      "m.json",
      "--share",
      "2",
    );
    expect(share.exitCode).toBe(1);
    expect(share.err).toMatch(/share must be a number between 0 and 1/);
  });
});
