import { describe, expect, it } from "vitest";
import { AccessModelBuilder, CLUSTER, ROLE } from "@/lib/access/fixtures/access-model-builder";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { EVIDENCE_LIMIT } from "@/lib/findings/rule";

// Contributor on a cluster includes Microsoft.ContainerService/managedClusters/runCommand/action (its actions
// are "*": learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#contributor), so
// every Contributor can run kubectl in the cluster through `az aks command invoke` unless run command is off
// (learn.microsoft.com/azure/aks/access-private-cluster: "disable-run-command").

function runCommandFinding(model: ReturnType<AccessModelBuilder["build"]>) {
  const findings = evaluateFindings(model).filter((finding) => finding.ruleId === "run-command-enabled");
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe("run-command-enabled", () => {
  it("lists every holder, with a path each, when they are few", () => {
    const builder = new AccessModelBuilder({ runCommandDisabled: false });
    for (const id of ["ann", "bob"]) builder.principal(id).assign(ROLE.contributor, id, CLUSTER);
    const finding = runCommandFinding(builder.build());
    expect(finding.status).toBe("fail");
    expect(finding.evidence.summary).toBe("Run command is enabled; 2 principal(s) hold runCommand/action.");
    expect(finding.evidence.objects.slice(1).map((object) => object.id)).toEqual(["ann", "bob"]);
    expect(finding.evidence.paths).toHaveLength(2);
    expect(finding.evidence.unlisted).toBeUndefined();
  });

  it("counts every holder but lists at most EVIDENCE_LIMIT, one path each", () => {
    const builder = new AccessModelBuilder({ runCommandDisabled: false });
    // Each of these also holds a second way (Owner on the cluster): the finding keeps one path per holder.
    const holders = Array.from(
      { length: EVIDENCE_LIMIT + 30 },
      (_, i) => `user-${String(i).padStart(3, "0")}`,
    );
    for (const id of holders)
      builder.principal(id).assign(ROLE.contributor, id, CLUSTER).assign(ROLE.owner, id, CLUSTER);
    const finding = runCommandFinding(builder.build());
    expect(finding.evidence.summary).toBe(
      `Run command is enabled; ${holders.length} principal(s) hold runCommand/action (the ${EVIDENCE_LIMIT} with the shortest paths are listed).`,
    );
    expect(finding.evidence.objects).toHaveLength(EVIDENCE_LIMIT + 1);
    expect(finding.evidence.paths).toHaveLength(EVIDENCE_LIMIT);
    expect(finding.evidence.unlisted).toBe(30);
  });
});
