import { describe, expect, it } from "vitest";
import { collectStepRefs, type StepDictionary, withStepRefs, withStepsBack } from "./path-step-refs";
import { canonicalJson } from "./records";

const principal = { kind: "principal", id: "00000000-0000-0000-0000-0000000000f4", label: "Penny" };
const assignment = {
  kind: "roleAssignment",
  id: "/subscriptions/s/providers/microsoft.authorization/roleassignments/a",
  label: "Contributor on subscription s",
};
const eligibility = { kind: "roleEligibility", id: "e", label: "Owner (eligible)", maximumDuration: "PT8H" };

describe("withStepRefs", () => {
  it("replaces every step of an access row's paths by a reference to its canonical JSON", () => {
    const dictionary: StepDictionary = new Map();
    const data = {
      principal: { id: "p" },
      paths: [
        [principal, assignment],
        [principal, eligibility],
      ],
    };
    const stored = withStepRefs("access.grant", data, dictionary) as {
      paths: string[][];
      principal: unknown;
    };
    expect(stored.principal).toBe(data.principal);
    expect(stored.paths.flat().every((ref) => typeof ref === "string" && ref.length === 16)).toBe(true);
    // the same step, the same reference
    expect(stored.paths[0][0]).toBe(stored.paths[1][0]);
    expect(dictionary.size).toBe(3);
    const back = stored.paths.map((path) => path.map((ref) => JSON.parse(dictionary.get(ref) ?? "null")));
    expect(back).toEqual(data.paths);
  });

  it("gives equal steps in different objects one reference, and different steps different ones", () => {
    const dictionary: StepDictionary = new Map();
    const a = withStepRefs("access.escalation", { paths: [[{ ...assignment }]] }, dictionary) as {
      paths: string[][];
    };
    const b = withStepRefs(
      "access.escalation",
      { paths: [[{ label: assignment.label, id: assignment.id, kind: assignment.kind }]] },
      dictionary,
    ) as { paths: string[][] };
    const c = withStepRefs(
      "access.escalation",
      { paths: [[{ ...assignment, label: "Contributor on s" }]] },
      dictionary,
    ) as { paths: string[][] };
    expect(a.paths[0][0]).toBe(b.paths[0][0]);
    expect(c.paths[0][0]).not.toBe(a.paths[0][0]);
    expect(dictionary.get(a.paths[0][0])).toBe(canonicalJson(assignment));
  });

  it("fills each call's dictionary, even with a step an earlier call already hashed", () => {
    const first: StepDictionary = new Map();
    const second: StepDictionary = new Map();
    withStepRefs("access.grant", { paths: [[principal]] }, first);
    withStepRefs("access.grant", { paths: [[principal]] }, second);
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it("replaces a finding's evidence paths and keeps the rest of the finding", () => {
    const dictionary: StepDictionary = new Map();
    const finding = {
      ruleId: "r",
      evidence: { summary: "s", objects: [assignment], paths: [[principal, assignment]] },
    };
    const stored = withStepRefs("finding", finding, dictionary) as typeof finding & {
      evidence: { paths: string[][] };
    };
    expect(stored.evidence.objects).toBe(finding.evidence.objects);
    expect(stored.evidence.paths[0].every((ref) => typeof ref === "string")).toBe(true);
    expect(finding.evidence.paths[0][0]).toBe(principal); // the engine's document is not changed
  });

  it("leaves documents of other kinds, and documents without paths, as they are", () => {
    const dictionary: StepDictionary = new Map();
    const membership = { member: { id: "m" }, prefix: [principal] };
    expect(withStepRefs("access.membership", membership, dictionary)).toBe(membership);
    const passing = { ruleId: "r", evidence: { summary: "s", objects: [] } };
    expect(withStepRefs("finding", passing, dictionary)).toBe(passing);
    const cluster = { paths: [[principal]] };
    expect(withStepRefs("cluster", cluster, dictionary)).toBe(cluster);
    expect(dictionary.size).toBe(0);
  });
});

describe("withStepsBack", () => {
  const stored = (kind: string, data: unknown) => {
    const dictionary: StepDictionary = new Map();
    const encoded = withStepRefs(kind, data, dictionary);
    const steps = new Map([...dictionary].map(([ref, json]) => [ref, JSON.parse(json) as unknown]));
    return { encoded, steps };
  };

  it("puts back exactly what withStepRefs took out, for access rows and findings", () => {
    const access = {
      principal: { id: "p" },
      paths: [
        [principal, assignment],
        [principal, eligibility],
      ],
    };
    const finding = {
      ruleId: "r",
      evidence: { summary: "s", objects: [], paths: [[principal, assignment]] },
    };
    for (const [kind, data] of [
      ["access.escalation", access],
      ["finding", finding],
    ] as const) {
      const { encoded, steps } = stored(kind, data);
      const refs = new Set<string>();
      collectStepRefs(kind, encoded, refs);
      expect([...refs].sort()).toEqual([...steps.keys()].sort());
      expect(withStepsBack(kind, encoded, steps)).toEqual(data);
    }
  });

  it("passes steps stored inline through, alone or next to references", () => {
    const { encoded, steps } = stored("access.grant", { paths: [[assignment]] });
    const mixed = { paths: [[principal, ...(encoded as { paths: string[][] }).paths[0]]] };
    expect(withStepsBack("access.grant", mixed, steps)).toEqual({ paths: [[principal, assignment]] });
    const inline = { paths: [[principal, assignment]] };
    expect(withStepsBack("access.grant", inline, steps)).toBe(inline);
  });

  it("leaves a reference it has no step for as it is, for the reader's schema to refuse", () => {
    expect(withStepsBack("access.grant", { paths: [["AAAAAAAAAAAAAAAA"]] }, new Map())).toEqual({
      paths: [["AAAAAAAAAAAAAAAA"]],
    });
  });
});
