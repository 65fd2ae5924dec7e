import { describe, expect, it } from "vitest";
import { FaultEngine, FaultSpecError, parseFaultSpec } from "@/lib/emulator/faults";

describe("parseFaultSpec", () => {
  it("parses the documented CLI form", () => {
    expect(parseFaultSpec("arm:throttle:0.2,kubernetes:error5xx:0.1,latency:20")).toEqual({
      rules: [
        { kind: "throttle", family: "arm", rate: 0.2 },
        { kind: "error5xx", family: "kubernetes", rate: 0.1 },
        { kind: "latency", family: "*", ms: 20 },
      ],
      armTokenBucket: false,
    });
  });

  it("parses targets, options and the token bucket", () => {
    expect(
      parseFaultSpec(
        "kubernetes:unreachable:aks-2,graph:deleted-principal:abc,arm:token-bucket,arm:throttle:1:max=1:retry-after=3:match=managedClusters,latency:50:10,graph:error5xx:0.5:status=503",
      ),
    ).toEqual({
      rules: [
        { kind: "unreachable", cluster: "aks-2" },
        { kind: "deleted-principal", principalId: "abc" },
        {
          kind: "throttle",
          family: "arm",
          rate: 1,
          maxCount: 1,
          retryAfterSeconds: 3,
          match: "managedClusters",
        },
        { kind: "latency", family: "*", ms: 50, jitterMs: 10 },
        { kind: "error5xx", family: "graph", rate: 0.5, status: 503 },
      ],
      armTokenBucket: true,
    });
  });

  it.each([
    ["arm:explode:0.1", "unknown fault"],
    ["arm:throttle", "needs a rate"],
    ["arm:throttle:2", "between 0 and 1"],
    ["arm:throttle:abc", "must be a number"],
    ["kubernetes:unreachable", "needs a target"],
    ["graph:token-bucket", "ARM-only"],
    ["arm:error5xx:0.1:status=502", "500 or 503"],
    ["arm:drop:0.1:colour=red", "unknown option"],
  ])("rejects %s", (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe("FaultEngine", () => {
  const keys = Array.from({ length: 400 }, (_, index) => `GET /subscriptions/s/resource-${index}`);
  const outcomes = (seed: number) => {
    const engine = new FaultEngine([{ kind: "throttle", family: "arm", rate: 0.25 }], seed);
    return keys.map((key) => engine.decide("arm", key).outcome.kind);
  };

  it("is deterministic under a seed, whatever the order requests arrive in", () => {
    const first = outcomes(42);
    const engine = new FaultEngine([{ kind: "throttle", family: "arm", rate: 0.25 }], 42);
    const reversed = [...keys]
      .reverse()
      .map((key) => engine.decide("arm", key).outcome.kind)
      .reverse();
    expect(reversed).toEqual(first);
    expect(outcomes(43)).not.toEqual(first);
  });

  it("fires at roughly the configured rate", () => {
    const throttled = outcomes(42).filter((kind) => kind === "throttle").length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
  });

  it("draws again for a repeated request, so retries can succeed", () => {
    const engine = new FaultEngine([{ kind: "error5xx", family: "*", rate: 0.5 }], 1);
    const repeated = Array.from({ length: 64 }, () => engine.decide("graph", "GET /users/x").outcome.kind);
    expect(new Set(repeated)).toEqual(new Set(["none", "error5xx"]));
  });

  it("respects family, match and maxCount; latency adds up beside a failure", () => {
    const engine = new FaultEngine(
      [
        { kind: "latency", family: "*", ms: 30 },
        { kind: "drop", family: "kubernetes", rate: 1, match: "/pods", maxCount: 2 },
      ],
      5,
    );
    expect(engine.decide("arm", "GET /pods")).toEqual({ latencyMs: 30, outcome: { kind: "none" } });
    expect(engine.decide("kubernetes", "GET /api/v1/namespaces").outcome.kind).toBe("none");
    expect(engine.decide("kubernetes", "GET /api/v1/pods").outcome.kind).toBe("drop");
    expect(engine.decide("kubernetes", "GET /api/v1/PODS?limit=1").outcome.kind).toBe("drop");
    expect(engine.decide("kubernetes", "GET /api/v1/pods").outcome.kind).toBe("none");
  });

  it("lists unreachable clusters and deleted principals (lower-cased)", () => {
    const engine = new FaultEngine(
      [
        { kind: "unreachable", cluster: "aks-2" },
        { kind: "deleted-principal", principalId: "ABC" },
      ],
      1,
    );
    expect(engine.unreachableClusters()).toEqual(["aks-2"]);
    expect([...engine.deletedPrincipals()]).toEqual(["abc"]);
  });
});
