import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CORE_KINDS, OPTIONAL_KINDS } from "@/lib/collect/kubectl-reader";
import { CLUSTER_RELEVANT_DIRECTORY_ROLES, GRAPH_ESCALATION_PERMISSIONS } from "@/lib/model/directory";

// deploy/collect.sh (bash, az, kubectl, jq) and `aks-atlas collect` must read the same things: the
// collect-az integration test compares their files on the demo tenant, but the demo holds only some of the
// directory roles and Kubernetes kinds. Lists the script spells out itself are compared here, so a role or
// a kind added to the scanner cannot be left out of the script (it was: the script read 7 of 15 directory
// roles, so a tenant collected with it lost every Helpdesk or Privileged Authentication Administrator path).

const script = readFileSync(path.resolve(import.meta.dirname, "../../deploy/collect.sh"), "utf8");

describe("deploy/collect.sh reads what the scanner reads", () => {
  it("every directory role that leads to a cluster, and no other", () => {
    const roles = /^roles='([^']*)'/m.exec(script)?.[1];
    expect(roles, "the script's roles='…' list").toBeDefined();
    const ids = (roles ?? "").split(/\s+/).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...CLUSTER_RELEVANT_DIRECTORY_ROLES].sort());
  });

  it("the same Microsoft Graph application permissions, and no other", () => {
    const listed = /^graph_permissions='([^']*)'/m.exec(script)?.[1];
    expect(listed, "the script's graph_permissions='…' list").toBeDefined();
    const ids = (listed ?? "").split(/\s+/).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(GRAPH_ESCALATION_PERMISSIONS).sort());
  });

  it("the same Kubernetes kinds as the Node collector", () => {
    expect(script).toContain(`k get ${CORE_KINDS} -A -o json`);
    const optional = /for kind in ([a-z ]+); do/.exec(script)?.[1].trim().split(/\s+/);
    expect(optional).toEqual(OPTIONAL_KINDS);
  });
});
