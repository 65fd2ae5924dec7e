import { describe, expect, it } from "vitest";
import { stepKindLabel } from "@/components/access/path-steps";

describe("stepKindLabel", () => {
  it("names the attack-path step kinds of lib/access/attack-edges.ts", () => {
    expect(stepKindLabel("federatedCredential")).toBe("Federated credential");
    expect(stepKindLabel("k8s.serviceAccount")).toBe("Service account");
    expect(stepKindLabel("identity")).toBe("Managed identity");
  });

  it("spells out a kind it does not know instead of showing it raw", () => {
    expect(stepKindLabel("k8s.daemonSet")).toBe("Daemon set");
    expect(stepKindLabel("roleDefinition_write")).toBe("Role definition write");
    expect(stepKindLabel("")).toBe("Step");
  });
});
