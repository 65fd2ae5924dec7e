import { z } from "zod";
import { pathStepSchema } from "@/lib/access/types";

// Findings: printed by `aks-atlas findings --json` and stored as `finding` records. A contract.

export const severitySchema = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof severitySchema>;

export const controlFrameworkSchema = z.enum([
  "azure-policy",
  "cis-aks",
  "cis-k8s",
  "aks-identity-guide",
  /** CIS Microsoft Azure Foundations Benchmark */
  "cis-azure",
  /** Microsoft's Privileged Identity Management deployment guidance (learn.microsoft.com) */
  "microsoft-pim",
]);
export type ControlFramework = z.infer<typeof controlFrameworkSchema>;

export const controlRefSchema = z.object({
  framework: controlFrameworkSchema,
  id: z.string(),
  title: z.string().optional(),
});
export type ControlRef = z.infer<typeof controlRefSchema>;

export const findingStatusSchema = z.enum(["fail", "pass", "not-assessed"]);
export type FindingStatus = z.infer<typeof findingStatusSchema>;

export const evidenceObjectSchema = z.object({ kind: z.string(), id: z.string(), label: z.string() });
export type EvidenceObject = z.infer<typeof evidenceObjectSchema>;

export const findingSchema = z.object({
  ruleId: z.string(),
  status: findingStatusSchema,
  severity: severitySchema,
  cluster: z.object({ id: z.string(), name: z.string() }),
  title: z.string(),
  evidence: z.object({
    summary: z.string(),
    /** the first object is what the finding is about (its subject) */
    objects: z.array(evidenceObjectSchema),
    paths: z.array(z.array(pathStepSchema)).optional(),
    /** subjects beyond those listed in `objects` and `paths` (counted in the summary; rules that cap their evidence) */
    unlisted: z.number().int().nonnegative().optional(),
  }),
  controls: z.array(controlRefSchema),
  remediation: z.object({
    summary: z.string(),
    azCli: z.string().optional(),
    kubectl: z.string().optional(),
    terraform: z.string().optional(),
  }),
});
export type Finding = z.infer<typeof findingSchema>;

/** What a rule returns: findings, each about one subject on one cluster. */
export type FindingResult = Finding;
