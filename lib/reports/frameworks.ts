import { FINDING_RULES } from "@/lib/findings/evaluate-findings";
import type { ControlRef } from "@/lib/findings/types";
import type { ReportFramework } from "@/lib/reports/report-schema";

// The frameworks a report can speak: the language auditors read it in. The controls of each are the
// ones our findings rules map to (FINDING_RULES), never a list kept apart from the rules.

export const REPORT_FRAMEWORKS: readonly {
  id: ReportFramework;
  title: string;
  description: string;
}[] = [
  {
    id: "cis-aks",
    title: "CIS AKS Benchmark",
    description: "Identity and RBAC recommendations of the CIS Azure Kubernetes Service Benchmark.",
  },
  {
    id: "azure-policy",
    title: "Azure Policy built-ins",
    description: "Built-in Azure Policy definitions for AKS identity, authentication and RBAC.",
  },
  {
    id: "aks-identity-guide",
    title: "AKS identity guide",
    description:
      "The recommendations of the AKS identity management guide: control plane, worker plane, workloads.",
  },
  {
    id: "cis-k8s",
    title: "CIS Kubernetes Benchmark",
    description: "RBAC recommendations (section 5.1) of the CIS Kubernetes Benchmark.",
  },
];

/** What a report covers when nobody chose: the three frameworks the product is judged by. */
export const DEFAULT_REPORT_FRAMEWORKS: readonly ReportFramework[] = [
  "cis-aks",
  "azure-policy",
  "aks-identity-guide",
];

export function frameworkTitle(framework: ReportFramework): string {
  return REPORT_FRAMEWORKS.find((f) => f.id === framework)?.title ?? framework;
}

/** Every control of a framework that a rule maps to, once, in reading order. */
export function frameworkControls(framework: ReportFramework): ControlRef[] {
  const controls = new Map<string, ControlRef>();
  for (const rule of FINDING_RULES) {
    for (const control of rule.controls) {
      if (control.framework === framework && !controls.has(control.id)) controls.set(control.id, control);
    }
  }
  return [...controls.values()].sort(compareControls);
}

/** CIS numbers in numeric order (4.1.10 after 4.1.9), everything else by title. */
export function compareControls(a: ControlRef, b: ControlRef): number {
  const numeric = /^\d+(\.\d+)*$/;
  if (numeric.test(a.id) && numeric.test(b.id)) {
    const x = a.id.split(".").map(Number);
    const y = b.id.split(".").map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? -1) - (y[i] ?? -1);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (a.framework === "aks-identity-guide") return a.id.localeCompare(b.id);
  return (a.title ?? a.id).localeCompare(b.title ?? b.id);
}
