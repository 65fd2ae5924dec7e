import { z } from "zod";
import { accessPrincipalSchema, accessRouteSchema, pathStepSchema } from "@/lib/access/types";
import {
  controlFrameworkSchema,
  evidenceObjectSchema,
  findingStatusSchema,
  severitySchema,
} from "@/lib/findings/types";

// The frozen content of a compliance report: what `GET /api/reports/:id.json` returns and what the
// HTML, PDF and CSV renderers read. It is a published contract (docs/reports.md): add fields, never
// change the meaning of one without raising REPORT_SCHEMA_VERSION. Stored reports are never rewritten,
// so a field added within a version is optional (or defaulted) here: every report ever stored must parse.

export const REPORT_SCHEMA_VERSION = 1;

export const reportFrameworkSchema = controlFrameworkSchema;
export type ReportFramework = z.infer<typeof reportFrameworkSchema>;

const clusterRefSchema = z.object({ id: z.string(), name: z.string() });
const statusCountsSchema = z.object({
  pass: z.number().int(),
  fail: z.number().int(),
  notAssessed: z.number().int(),
});
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export const reportClusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  /** false when the scan could not read the cluster's Kubernetes API completely (its RBAC is unknown) */
  kubernetesAssessed: z.boolean(),
});
export type ReportCluster = z.infer<typeof reportClusterSchema>;

export const frameworkSummarySchema = z.object({
  framework: reportFrameworkSchema,
  title: z.string(),
  /** passed controls / (passed + failed controls), in percent, rounded; null when nothing was assessed */
  score: z.number().int().min(0).max(100).nullable(),
  controls: statusCountsSchema.extend({ total: z.number().int() }),
  findings: statusCountsSchema,
});
export type FrameworkSummary = z.infer<typeof frameworkSummarySchema>;

export const controlStatusSchema = findingStatusSchema;

export const reportControlSchema = z.object({
  framework: reportFrameworkSchema,
  id: z.string(),
  title: z.string(),
  /** fail when any finding fails; pass when none fails and one passes; not-assessed otherwise */
  status: controlStatusSchema,
  counts: statusCountsSchema,
  /** keys of the findings behind the counts (the evidence), in report order */
  findingKeys: z.array(z.string()),
});
export type ReportControl = z.infer<typeof reportControlSchema>;

export const reportFindingSchema = z.object({
  /** `<ruleId>|<clusterId>|<subject>`: the finding's natural key, stable across scans */
  key: z.string(),
  ruleId: z.string(),
  status: findingStatusSchema,
  severity: severitySchema,
  cluster: clusterRefSchema,
  title: z.string(),
  summary: z.string(),
  /** the first object is the subject */
  objects: z.array(evidenceObjectSchema),
  /** the shortest explanations, at most REPORT_MAX_PATHS.finding */
  paths: z.array(z.array(pathStepSchema)),
  /** how many paths the finding had (the report keeps the shortest few); absent in early reports */
  pathCount: z.number().int().optional(),
  /** the controls of the report's frameworks this finding maps to */
  controls: z.array(z.object({ framework: reportFrameworkSchema, id: z.string() })),
  remediation: z.object({
    summary: z.string(),
    azCli: z.string().optional(),
    kubectl: z.string().optional(),
    terraform: z.string().optional(),
  }),
});
export type ReportFinding = z.infer<typeof reportFindingSchema>;

export const clusterAdminHolderSchema = z.object({
  principal: accessPrincipalSchema,
  routes: z.array(
    z.object({
      route: accessRouteSchema,
      /** the shortest explanations, at most REPORT_MAX_PATHS.holderRoute */
      paths: z.array(z.array(pathStepSchema)),
      pathCount: z.number().int().optional(),
    }),
  ),
});

/**
 * A report explains, it does not enumerate: a holder reached through 40 groups is explained by its
 * shortest few paths (the count says how many there are; the app's access pages list them all). This
 * keeps a large tenant's report readable and its PDF printable.
 */
export const REPORT_MAX_PATHS = { finding: 5, holderRoute: 1 } as const;
export type ClusterAdminHolder = z.infer<typeof clusterAdminHolderSchema>;

export const clusterAdminsSchema = z.object({
  cluster: clusterRefSchema,
  kubernetesAssessed: z.boolean(),
  /** standing holders: cluster-admin now, without any activation */
  holders: z.array(clusterAdminHolderSchema),
  /** holders only through PIM (an eligible assignment or group membership): cluster-admin once activated
   * (absent in reports frozen before eligibility was read) */
  eligibleHolders: z.array(clusterAdminHolderSchema).optional(),
});
export type ClusterAdmins = z.infer<typeof clusterAdminsSchema>;

const driftFindingSchema = reportFindingSchema.pick({
  key: true,
  ruleId: true,
  severity: true,
  cluster: true,
  title: true,
  summary: true,
});
const driftAdminSchema = z.object({
  cluster: clusterRefSchema,
  principal: accessPrincipalSchema,
  routes: z.array(accessRouteSchema),
});
export type DriftAdmin = z.infer<typeof driftAdminSchema>;

export const reportScanEventSchema = z.object({
  /** access.gained, finding.resolved, object.changed ... (lib/drift/types.ts) */
  kind: z.string(),
  severity: severitySchema,
  message: z.string(),
  cluster: clusterRefSchema.nullable(),
});
export type ReportScanEvent = z.infer<typeof reportScanEventSchema>;

export const reportScanEventsSchema = z.object({
  fromScan: z.string(),
  toScan: z.string(),
  /** events in scope, listed or not */
  total: z.number().int(),
  bySeverity: z.record(severitySchema, z.number().int()),
  /** the most severe events, at most REPORT_MAX_SCAN_EVENTS */
  events: z.array(reportScanEventSchema),
  /** records of sources the later scan could not read: never counted as removed */
  suppressedStale: z.number().int(),
});
export type ReportScanEvents = z.infer<typeof reportScanEventsSchema>;

/** A report lists this many scan-to-scan changes at most; the counts cover all of them. */
export const REPORT_MAX_SCAN_EVENTS = 200;

export const reportDriftSchema = z.object({
  /** the latest earlier report of the same tenant and scope; null for the first one */
  previousReport: z.object({ id: z.string(), createdAt: z.string(), scanId: z.string() }).nullable(),
  /** how the drift was worked out: `report-comparison` compares the two frozen reports */
  method: z.enum(["report-comparison"]),
  /** frameworks both reports cover; finding drift is limited to them */
  comparedFrameworks: z.array(reportFrameworkSchema),
  findings: z.object({
    newlyFailing: z.array(driftFindingSchema),
    resolved: z.array(driftFindingSchema),
  }),
  clusterAdmins: z.object({ gained: z.array(driftAdminSchema), lost: z.array(driftAdminSchema) }),
  /**
   * What changed in the tenant between the previous report's scan and this one (lib/drift events for the
   * clusters in scope), most severe first; null for a first report, the same scan, or a pruned scan.
   */
  scanEvents: reportScanEventsSchema.nullable().default(null),
});
export type ReportDrift = z.infer<typeof reportDriftSchema>;

export const remediationStepSchema = z.object({
  ruleId: z.string(),
  title: z.string(),
  severity: severitySchema,
  /** failing findings this step resolves */
  failing: z.number().int(),
  clusters: z.array(z.string()),
  summaries: z.array(z.string()),
  azCli: z.array(z.string()),
  kubectl: z.array(z.string()),
  terraform: z.array(z.string()),
});
export type RemediationStep = z.infer<typeof remediationStepSchema>;

/** Directory objects the report names, so a redacted rendering knows whom to pseudonymise. */
export const reportDirectoryEntrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  displayName: z.string(),
  userPrincipalName: z.string().optional(),
});
export type ReportDirectoryEntry = z.infer<typeof reportDirectoryEntrySchema>;

export const reportContentSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  report: z.object({
    id: z.string(),
    title: z.string(),
    createdAt: z.string(),
    /** the product version that created the report (lib/version.ts) */
    productVersion: z.string(),
    /** true in a rendering where personal data was replaced by pseudonyms */
    redacted: z.boolean(),
  }),
  tenant: z.object({ id: z.string(), displayName: z.string() }),
  scan: z.object({
    id: z.string(),
    status: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    productVersion: z.string(),
    /** sources (`sub:<id>`, `cluster:<id>`, `directory`) the scan could not read completely */
    incompleteSources: z.array(
      z.object({ source: z.string(), label: z.string(), status: z.string(), reason: z.string() }),
    ),
  }),
  scope: z.object({
    description: z.string(),
    /** empty = every subscription */
    subscriptionIds: z.array(z.string()),
    /** empty = every cluster (of the chosen subscriptions) */
    clusterIds: z.array(z.string()),
    clusters: z.array(reportClusterSchema),
  }),
  frameworks: z.array(frameworkSummarySchema),
  summary: z.object({
    clusters: z.number().int(),
    findings: statusCountsSchema,
    failingBySeverity: z.record(severitySchema, z.number().int()),
    clusterAdminHolders: z.number().int(),
    /** principals eligible (PIM) for cluster-admin somewhere and standing nowhere in the report's clusters */
    eligibleClusterAdminHolders: z.number().int().optional(),
  }),
  controls: z.array(reportControlSchema),
  findings: z.array(reportFindingSchema),
  clusterAdmins: z.array(clusterAdminsSchema),
  drift: reportDriftSchema,
  remediation: z.array(remediationStepSchema),
  directory: z.array(reportDirectoryEntrySchema),
});
export type ReportContent = z.infer<typeof reportContentSchema>;
