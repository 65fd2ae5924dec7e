import { describe, expect, it } from "vitest";
import { formatDateTime, formatDay, plural } from "./format";

describe("formatting for people", () => {
  it("writes every date one way, in UTC, with the zone", () => {
    expect(formatDateTime("2026-05-14T09:30:59.123Z")).toBe("2026-05-14 09:30 UTC");
    expect(formatDateTime(new Date("2026-05-14T23:59:00+02:00"))).toBe("2026-05-14 21:59 UTC");
    expect(formatDateTime(null)).toBe("–");
    expect(formatDay("2026-05-14T23:59:00-02:00")).toBe("2026-05-15");
  });

  it("counts in the singular for one", () => {
    expect(plural(1, "scan")).toBe("1 scan");
    expect(plural(0, "scan")).toBe("0 scans");
    expect(plural(2, "report")).toBe("2 reports");
    expect(plural(1, "identity", "identities")).toBe("1 identity");
    expect(plural(3, "identity", "identities")).toBe("3 identities");
    expect(plural(1200, "row")).toBe("1,200 rows");
  });
});
