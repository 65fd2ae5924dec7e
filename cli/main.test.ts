import { describe, expect, it, vi } from "vitest";
import { PRODUCT_VERSION } from "@/lib/version";
import { main } from "./main";

describe("aks-atlas", () => {
  it("prints its version and exits 0", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const code = await main(["node", "aks-atlas", "--version"]);
    expect(code).toBe(0);
    expect(out.mock.calls.map((c) => String(c[0])).join("")).toContain(PRODUCT_VERSION);
    out.mockRestore();
  });

  it("rejects an unknown command with a non-zero exit code", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const code = await main(["node", "aks-atlas", "no-such-command"]);
    expect(code).not.toBe(0);
    expect(err.mock.calls.map((c) => String(c[0])).join("")).toMatch(
      /error: (unknown command|too many arguments)/,
    );
    err.mockRestore();
  });
});
