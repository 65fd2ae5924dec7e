import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { EgressRefusedError, guardedLookup, type Resolver, resolveChecked } from "./egress-guard";

const answers =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

function lookup(resolver: Resolver, options: { all?: boolean; family?: number }, allowPrivate = false) {
  return new Promise<{ error: NodeJS.ErrnoException | null; result: string | LookupAddress[] }>((resolve) => {
    guardedLookup({ allowPrivate, resolve: resolver })("hook.example", options, (error, result) =>
      resolve({ error, result }),
    );
  });
}

describe("resolveChecked", () => {
  it("refuses a name when any of its answers is refused", async () => {
    await expect(
      resolveChecked("hook.example", { allowPrivate: false, resolve: answers("8.8.8.8", "10.0.0.1") }),
    ).rejects.toThrow("refused: address 10.0.0.1 is private");
    await expect(
      resolveChecked("hook.example", { allowPrivate: false, resolve: answers("::ffff:7f00:1") }),
    ).rejects.toBeInstanceOf(EgressRefusedError);
  });
  it("checks literal addresses without resolving them", async () => {
    const never: Resolver = async () => {
      throw new Error("must not resolve a literal");
    };
    await expect(resolveChecked("[fd00:ec2::254]", { allowPrivate: true, resolve: never })).rejects.toThrow(
      "refused: address fd00:ec2::254 is metadata",
    );
    expect(await resolveChecked("8.8.8.8", { allowPrivate: false, resolve: never })).toEqual([
      { address: "8.8.8.8", family: 4 },
    ]);
  });
  it("accepts private answers for an allow-listed host, never metadata", async () => {
    expect(await resolveChecked("relay", { allowPrivate: true, resolve: answers("10.0.0.7") })).toHaveLength(
      1,
    );
    await expect(
      resolveChecked("relay", { allowPrivate: true, resolve: answers("169.254.169.254") }),
    ).rejects.toThrow("metadata");
  });
});

describe("guardedLookup, as a socket calls it", () => {
  it("answers one address, or all of them for Happy Eyeballs, filtered by family", async () => {
    const both = answers("2606:4700:4700::1111", "1.1.1.1");
    expect(await lookup(both, {})).toEqual({ error: null, result: "2606:4700:4700::1111" });
    expect(await lookup(both, { family: 4 })).toEqual({ error: null, result: "1.1.1.1" });
    expect(await lookup(both, { all: true })).toEqual({
      error: null,
      result: [
        { address: "2606:4700:4700::1111", family: 6 },
        { address: "1.1.1.1", family: 4 },
      ],
    });
  });
  it("fails the connection with the refusal", async () => {
    const { error } = await lookup(answers("127.0.0.1"), { all: true });
    expect(error).toBeInstanceOf(EgressRefusedError);
    expect(error?.message).toBe("refused: address 127.0.0.1 is loopback");
  });
});
