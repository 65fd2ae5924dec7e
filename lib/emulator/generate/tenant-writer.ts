/**
 * Writes a tenant file as a stream, one array element (or cluster object) per line:
 *
 *   {"version":1,"tenantId":"…","displayName":"…",
 *   "principals":[
 *   {…},
 *   {…}
 *   ],
 *   …
 *   "clusters":{
 *   "<cluster id>":{"reachable":true,"includeDefaults":true,"objects":[
 *   {…}
 *   ]}
 *   }}
 *
 * It is valid JSON, small (no indentation), and line-diffable: the generator and the mutator both
 * write through it, so `diff` between a tenant and its mutation shows exactly the changed objects.
 * Output is buffered and honours backpressure, so memory stays flat however large the tenant.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

const FLUSH_AT = 1 << 16;

export class TenantStreamWriter {
  private chunks: string[] = [];
  private buffered = 0;
  private written = 0;
  private firstInArray = true;
  private firstSubscription = true;
  private firstCluster = true;

  constructor(private readonly out: Writable) {}

  /** Bytes handed to the stream so far (UTF-8). */
  get bytesWritten(): number {
    return this.written;
  }

  private async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const chunk = this.chunks.join("");
    this.chunks = [];
    this.buffered = 0;
    this.written += Buffer.byteLength(chunk);
    if (!this.out.write(chunk)) await once(this.out, "drain");
  }

  async header(fields: { version: number; tenantId: string; displayName?: string }): Promise<void> {
    const head: Record<string, unknown> = { version: fields.version, tenantId: fields.tenantId };
    if (fields.displayName !== undefined) head.displayName = fields.displayName;
    await this.write(`${JSON.stringify(head).slice(0, -1)},\n`);
  }

  /** A top-level member written on one line (`licenses`, and sections this writer has no layout for). */
  async field(key: string, value: unknown): Promise<void> {
    await this.write(`${JSON.stringify(key)}:${JSON.stringify(value)},\n`);
  }

  /** Opens a top-level array: principals, managementGroups, roleDefinitions, roleAssignments. */
  async openArray(key: string): Promise<void> {
    this.firstInArray = true;
    await this.write(`${JSON.stringify(key)}:[`);
  }

  async item(value: unknown): Promise<void> {
    await this.write((this.firstInArray ? "\n" : ",\n") + JSON.stringify(value));
    this.firstInArray = false;
  }

  async closeArray(): Promise<void> {
    await this.write(this.firstInArray ? "],\n" : "\n],\n");
  }

  async openSubscriptions(): Promise<void> {
    this.firstSubscription = true;
    await this.write('"subscriptions":[');
  }

  /** Starts one subscription; its resources follow as items. `fields` must not contain resources. */
  async openSubscription(fields: Record<string, unknown>): Promise<void> {
    await this.write(
      `${this.firstSubscription ? "\n" : ",\n"}${JSON.stringify(fields).slice(0, -1)},"resources":[`,
    );
    this.firstSubscription = false;
    this.firstInArray = true;
  }

  async closeSubscription(): Promise<void> {
    await this.write(this.firstInArray ? "]}" : "\n]}");
  }

  async closeSubscriptions(): Promise<void> {
    await this.write(this.firstSubscription ? "],\n" : "\n],\n");
  }

  async openClusters(): Promise<void> {
    this.firstCluster = true;
    await this.write('"clusters":{');
  }

  /** Starts one cluster's Kubernetes data; its objects follow as items. */
  async openCluster(
    clusterId: string,
    fields: { reachable: boolean; includeDefaults: boolean },
  ): Promise<void> {
    const head = JSON.stringify({
      reachable: fields.reachable,
      includeDefaults: fields.includeDefaults,
    }).slice(0, -1);
    await this.write(`${this.firstCluster ? "\n" : ",\n"}${JSON.stringify(clusterId)}:${head},"objects":[`);
    this.firstCluster = false;
    this.firstInArray = true;
  }

  async closeCluster(): Promise<void> {
    await this.write(this.firstInArray ? "]}" : "\n]}");
  }

  /** Closes the clusters map and the document, and flushes. The stream itself is left open. */
  async finish(): Promise<void> {
    await this.write(this.firstCluster ? "}}\n" : "\n}}\n");
    await this.flush();
  }
}

type JsonObject = Record<string, unknown>;

const OPTIONAL_ARRAYS = [
  "roleEligibilityScheduleInstances",
  "roleManagementPolicies",
  "roleManagementPolicyAssignments",
  "roleAssignmentScheduleInstances",
  "denyAssignments",
];
const LAID_OUT = new Set([
  "version",
  "tenantId",
  "displayName",
  "principals",
  "managementGroups",
  "roleDefinitions",
  "roleAssignments",
  ...OPTIONAL_ARRAYS,
  "subscriptions",
  "clusters",
]);

/**
 * Writes an in-memory tenant (JSON-decoded, not schema-parsed, so nothing is added or reordered)
 * in the streaming layout. Used by the mutator.
 */
export async function writeTenantDocument(tenant: JsonObject, out: Writable): Promise<number> {
  const writer = new TenantStreamWriter(out);
  await writer.header({
    version: tenant.version as number,
    tenantId: tenant.tenantId as string,
    displayName: tenant.displayName as string | undefined,
  });
  for (const key of ["principals", "managementGroups", "roleDefinitions", "roleAssignments"]) {
    await writer.openArray(key);
    for (const value of (tenant[key] as unknown[] | undefined) ?? []) await writer.item(value);
    await writer.closeArray();
  }
  // Arrays one object a line when present; any other member (licences, sections added later) as is,
  // so a mutated tenant loses nothing it was not told to change.
  for (const key of OPTIONAL_ARRAYS) {
    const values = tenant[key];
    if (!Array.isArray(values)) continue;
    await writer.openArray(key);
    for (const value of values) await writer.item(value);
    await writer.closeArray();
  }
  for (const [key, value] of Object.entries(tenant)) {
    if (!LAID_OUT.has(key) && value !== undefined) await writer.field(key, value);
  }
  await writer.openSubscriptions();
  for (const subscription of (tenant.subscriptions as JsonObject[] | undefined) ?? []) {
    const { resources, ...fields } = subscription;
    await writer.openSubscription(fields);
    for (const resource of (resources as unknown[] | undefined) ?? []) await writer.item(resource);
    await writer.closeSubscription();
  }
  await writer.closeSubscriptions();
  await writer.openClusters();
  for (const [clusterId, data] of Object.entries(
    (tenant.clusters as Record<string, JsonObject> | undefined) ?? {},
  )) {
    await writer.openCluster(clusterId, {
      reachable: (data.reachable as boolean | undefined) ?? true,
      includeDefaults: (data.includeDefaults as boolean | undefined) ?? true,
    });
    for (const object of (data.objects as unknown[] | undefined) ?? []) await writer.item(object);
    await writer.closeCluster();
  }
  await writer.finish();
  return writer.bytesWritten;
}
