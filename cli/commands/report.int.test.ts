import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { runScan } from "@/lib/scan/run-scan";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/test-database";
import { main } from "../main";

// `aks-atlas report` against a database of its own (DATABASE_URL), as a pipeline would run it.

async function run(args: string[]) {
  const out = vi.spyOn(console, "log").mockImplementation(() => {});
  const err = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    const code = await main(["node", "aks-atlas", "report", ...args]);
    return {
      code,
      stdout: out.mock.calls.map((c) => c.join(" ")).join("\n"),
      stderr: err.mock.calls.map((c) => c.join(" ")).join("\n"),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("aks-atlas report", () => {
  let db: TestDatabase;
  let dir: string;
  let scanId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    process.env.DATABASE_URL = db.url;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-cli-report-"));
    const pool = new pg.Pool({ connectionString: db.url });
    const demo = await loadDemoTenant();
    const model = modelFromTenantFile(demo);
    const outcome = await runScan({
      pool,
      tenant: { id: demo.tenantId, displayName: "Contoso", source: "import" },
      trigger: "cli",
      collect: async () => ({ model, errors: [], apiCalls: {}, counts: {} }),
    });
    scanId = outcome.scanId.toString();
    await pool.end();
  });
  afterAll(async () => {
    delete process.env.DATABASE_URL;
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it("writes a CSV of one cluster's findings and stores the report", async () => {
    const out = path.join(dir, "aks-1.csv");
    const result = await run([
      "--scan",
      scanId,
      "--cluster",
      "aks-1",
      "--format",
      "csv",
      "--out",
      out,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const meta = JSON.parse(result.stdout) as {
      id: string;
      scanId: string;
      file: string;
      summary: { scope: string };
    };
    expect(meta.scanId).toBe(scanId);
    expect(meta.file).toBe(out);
    expect(meta.summary.scope).toContain("aks-1");
    const rows = fs.readFileSync(out, "utf8").trim().split("\r\n").slice(1);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((row) => row.includes(",aks-1,"))).toBe(true);

    // The stored report can be written again, in another format, by id.
    const again = path.join(dir, "again.json");
    expect((await run(["--id", meta.id, "--format", "json", "--out", again])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(again, "utf8")).report.id).toBe(meta.id);
  });

  it("writes a PDF whose text names the clusters and the findings", async () => {
    const out = path.join(dir, "report.pdf");
    const result = await run([
      "--scan",
      scanId,
      "--cluster",
      "aks-1",
      "--cluster",
      "aks-2",
      "--format",
      "pdf",
      "--out",
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`written ${out}`);
    const text = execFileSync("pdftotext", [out, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain("aks-1");
    expect(text).toContain("aks-2");
    expect(text).toContain("Local accounts are enabled");
  });

  it("fails clearly on bad input", async () => {
    for (const [args, message] of [
      [["--format", "docx"], /--format must be pdf, html, csv or json/],
      [
        ["--cluster", "no-such-cluster", "--format", "json", "--out", path.join(dir, "x.json")],
        /No cluster named "no-such-cluster"/,
      ],
      [["--scan", "999999"], /No completed scan 999999/],
      [["--framework", "iso-27001"], /Invalid option: frameworks/],
      [
        ["--id", "999999", "--format", "csv", "--out", path.join(dir, "y.csv")],
        /Report 999999 does not exist/,
      ],
    ] as const) {
      const result = await run([...args]);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(message);
    }
  });

  // Issue 18, finding 8: report files were silently overwritten, written through a symbolic link, left
  // readable by everyone (0644), and a failed write still stored the report.
  describe("the report file", () => {
    const csvArgs = (out: string, ...more: string[]) => [
      "--scan",
      scanId,
      "--format",
      "csv",
      "--out",
      out,
      ...more,
    ];
    const storedReports = () => db.prisma.report.count();
    const leftovers = (folder: string) => fs.readdirSync(folder).filter((name) => name.endsWith(".tmp"));

    it("is never overwritten without --force, and replaced with it", async () => {
      const out = path.join(dir, "existing.csv");
      fs.writeFileSync(out, "keep me");
      const before = await storedReports();
      const refused = await run(csvArgs(out));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${out} already exists (a file); pass --force to replace it`);
      expect(fs.readFileSync(out, "utf8")).toBe("keep me");
      expect(await storedReports()).toBe(before); // refused before anything was stored

      const forced = await run(csvArgs(out, "--force"));
      expect(forced.code, forced.stderr).toBe(0);
      expect(fs.readFileSync(out, "utf8")).toMatch(/^\uFEFF?[^\r\n]*,/);
      expect(await storedReports()).toBe(before + 1);
      expect(leftovers(dir)).toEqual([]);
    });

    it("never writes through a symbolic link at the destination", async () => {
      const victim = path.join(dir, "victim.txt");
      fs.writeFileSync(victim, "untouched");
      const out = path.join(dir, "link.csv");
      fs.symlinkSync(victim, out);
      const refused = await run(csvArgs(out));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("already exists (a symbolic link)");
      expect(fs.readFileSync(victim, "utf8")).toBe("untouched");

      // --force replaces the link itself with the report; the file it pointed to is left alone.
      const forced = await run(csvArgs(out, "--force"));
      expect(forced.code, forced.stderr).toBe(0);
      expect(fs.lstatSync(out).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync(victim, "utf8")).toBe("untouched");
    });

    it("is readable by its owner only, whatever the umask", async () => {
      const out = path.join(dir, "private.csv");
      const umask = process.umask(0);
      try {
        expect((await run(csvArgs(out))).code).toBe(0);
      } finally {
        process.umask(umask);
      }
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    });

    it("that cannot be written stores no report", async () => {
      const before = await storedReports();
      const missingFolder = path.join(dir, "no-such-folder", "r.csv");
      const result = await run(csvArgs(missingFolder));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/cannot write a file in .*no-such-folder: ENOENT/);
      const intoDirectory = await run(csvArgs(dir));
      expect(intoDirectory.code).toBe(1);
      expect(intoDirectory.stderr).toContain("is a directory; give a file name with --out");
      expect(await storedReports()).toBe(before);
      expect(leftovers(dir)).toEqual([]);
    });
  });
});
