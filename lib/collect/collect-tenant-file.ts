import { AzCli } from "@/lib/collect/az-cli";
import { CommandError, type CommandRunner, mapWithLimit } from "@/lib/collect/command-runner";
import { kubernetesObjectsWithKubectl } from "@/lib/collect/kubectl-reader";
import {
  ADMINISTRATIVE_UNITS_SOURCE,
  APPLICATION_CREDENTIALS_SOURCE,
  administrativeUnitOfScope,
  CLUSTER_RELEVANT_DIRECTORY_ROLES,
  GRAPH_ESCALATION_PERMISSIONS,
  MICROSOFT_GRAPH_APP_ID,
  PIM_SOURCE,
} from "@/lib/model/directory";
import { AZURE_PIM_SOURCE, clusterSource, DIRECTORY_SOURCE, subscriptionSource } from "@/lib/model/sources";
import { TENANT_FILE_VERSION } from "@/lib/model/wire/tenant-file";
import { PRODUCT_VERSION } from "@/lib/version";

// `aks-atlas collect`: the offline collector. It reads a tenant with the user's own `az` and `kubectl` —
// the same objects, through the same REST APIs and api-versions, as the scanner reads through the SDKs
// (docs/scanner.md, "What is read") — and writes them as a tenant file (docs/tenant-file.md). What it
// cannot read goes into the file's `coverage.unread`, with az's or kubectl's own reason, so the import
// marks those sources partial or not read exactly as a scan meeting the same failure would.

const API = {
  subscriptions: "2022-12-01",
  managementGroups: "2021-04-01",
  managedClusters: "2024-09-01",
  identities: "2023-01-31",
  federatedCredentials: "2025-01-31-preview",
  authorization: "2022-04-01",
  pim: "2020-10-01",
} as const;

const GRAPH_PAGE = 999;
const LICENSE_REQUIRED = "AadPremiumLicenseRequired";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;

export interface CollectOptions {
  run: CommandRunner;
  az?: string;
  kubectl?: string;
  /** only these subscriptions (default: every enabled subscription of the signed-in tenant) */
  subscriptions?: string[];
  /** only these clusters' Kubernetes objects (name or resource id; default: every cluster) */
  clusters?: string[];
  /** az/kubectl processes at a time */
  concurrency?: number;
  onProgress?: (line: string) => void;
}

export interface CollectOutcome {
  file: Json;
  unread: Record<string, { status: "partial" | "not-read"; reason: string }>;
  commands: { az: number; kubectl: number };
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}

function describeFailure(error: unknown): string {
  return error instanceof CommandError ? `${error.command}: ${error.code}: ${error.message}` : String(error);
}

export async function collectTenantFile(options: CollectOptions): Promise<CollectOutcome> {
  const az = new AzCli(options.run, options.az);
  const concurrency = options.concurrency ?? 4;
  const say = options.onProgress ?? (() => {});
  const unread: CollectOutcome["unread"] = {};
  const failures = new Map<string, Set<string>>();
  /** A part of a source could not be read: the source is partial (or not read, when nothing was). */
  const fail = (source: string, error: unknown) => {
    // One reason per distinct failure: seven role lists refused for one reason are one line.
    const reasons = failures.get(source) ?? new Set<string>();
    reasons.add(describeFailure(error));
    failures.set(source, reasons);
  };

  // 1. Who is signed in, and where: the tenant and the cloud's endpoints come from the user's own az.
  say("az: the signed-in account and its cloud");
  const account = (await az.json(["account", "show"])) as Json;
  const tenantId = lower(account.tenantId);
  const cloud = (await az.json(["cloud", "show"])) as { endpoints?: Json };
  const graphResource = String(cloud.endpoints?.microsoftGraphResourceId ?? "https://graph.microsoft.com/");
  const graph = `${graphResource.endsWith("/") ? graphResource : `${graphResource}/`}v1.0`;

  // 2. Subscriptions and management groups.
  say("az: subscriptions and management groups");
  const visible = (await az.list(`/subscriptions?api-version=${API.subscriptions}`)).filter(
    (s) => lower(s.tenantId) === tenantId || !s.tenantId,
  );
  const wanted = options.subscriptions?.map((id) => id.toLowerCase());
  const subscriptions = visible.filter(
    (s) => (wanted ? wanted.includes(lower(s.subscriptionId)) : true) && lower(s.state) !== "disabled",
  );
  for (const id of wanted ?? []) {
    if (!visible.some((s) => lower(s.subscriptionId) === id))
      unread[subscriptionSource(id)] = {
        status: "not-read",
        reason: `subscription ${id} is not visible to the signed-in account`,
      };
  }
  let managementGroups: Json[] | null = null;
  try {
    const names = (
      await az.list(`/providers/Microsoft.Management/managementGroups?api-version=${API.managementGroups}`)
    ).map((g) => String(g.name));
    managementGroups = await mapWithLimit(names, concurrency, async (name) => {
      const group = (await az.rest(
        `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(name)}?api-version=${API.managementGroups}&$expand=children`,
      )) as {
        name: string;
        properties?: {
          displayName?: string;
          details?: { parent?: { name?: string } | null };
          children?: Json[] | null;
        };
      };
      return {
        name: group.name,
        displayName: group.properties?.displayName ?? group.name,
        parent: group.properties?.details?.parent?.name ?? null,
        subscriptions: (group.properties?.children ?? [])
          .filter((child) => lower(child.type) === "/subscriptions")
          .map((child) => lower(child.name)),
      };
    });
  } catch (error) {
    fail(DIRECTORY_SOURCE, error);
  }

  // 3. Per subscription: clusters, identities and their federated credentials, RBAC, PIM, deny assignments.
  const resources = new Map<string, Json[]>();
  const roleAssignments = new Map<string, Json>();
  const roleDefinitions = new Map<string, Json>();
  const eligibilities = new Map<string, Json>();
  const schedules = new Map<string, Json>();
  const denies = new Map<string, Json>();
  let pimLicensed = true;
  for (const subscription of subscriptions) {
    const id = lower(subscription.subscriptionId);
    const source = subscriptionSource(id);
    const base = `/subscriptions/${id}`;
    say(`az: subscription ${subscription.displayName ?? id}`);
    const attempt = async <T>(read: () => Promise<T>, into = source): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        fail(into, error);
        return undefined;
      }
    };
    const [clusters, identities, assignments, definitions, denyList] = await Promise.all([
      attempt(() =>
        az.list(
          `${base}/providers/Microsoft.ContainerService/managedClusters?api-version=${API.managedClusters}`,
        ),
      ),
      attempt(() =>
        az.list(
          `${base}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${API.identities}`,
        ),
      ),
      attempt(() =>
        az.list(`${base}/providers/Microsoft.Authorization/roleAssignments?api-version=${API.authorization}`),
      ),
      attempt(() =>
        az.list(
          `${base}/providers/Microsoft.Authorization/roleDefinitions?api-version=${API.authorization}&$filter=atScopeAndBelow()`,
        ),
      ),
      attempt(() =>
        az.list(`${base}/providers/Microsoft.Authorization/denyAssignments?api-version=${API.authorization}`),
      ),
    ]);
    for (const a of assignments ?? []) roleAssignments.set(lower(a.id), a);
    for (const d of definitions ?? [])
      if (lower((d.properties as Json | undefined)?.type) === "customrole")
        roleDefinitions.set(lower(d.name), d);
    for (const d of denyList ?? []) denies.set(lower(d.id), d);
    if (pimLicensed) {
      try {
        for (const e of await az.list(
          `${base}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=${API.pim}`,
        ))
          eligibilities.set(lower(e.id), e);
        // Every active assignment has an instance; only time-bound or activated ones say more than the assignment.
        for (const s of await az.list(
          `${base}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=${API.pim}`,
        )) {
          const p = (s.properties ?? {}) as Json;
          if (p.endDateTime || p.assignmentType === "Activated") schedules.set(lower(s.id), s);
        }
      } catch (error) {
        if (error instanceof CommandError && error.code === LICENSE_REQUIRED) pimLicensed = false;
        else fail(AZURE_PIM_SOURCE, error);
      }
    }
    const withCredentials = await mapWithLimit(identities ?? [], concurrency, async (identity) => {
      const credentials = await attempt(() =>
        az.list(
          `${String(identity.id)}/federatedIdentityCredentials?api-version=${API.federatedCredentials}`,
        ),
      );
      return { ...identity, federatedIdentityCredentials: credentials ?? [] };
    });
    resources.set(id, [...(clusters ?? []), ...withCredentials]);
  }

  // PIM role settings (approval, maximum activation) at every scope that holds an eligibility, as the scanner
  // reads them (lib/scan/collect/read-pim-policies.ts): the scope's policy assignments and each policy they
  // name. The file carries them only when all were read: a file without them leaves the settings unknown,
  // with them a missing one would read as PIM's defaults.
  const policyAssignments = new Map<string, Json>();
  const policies = new Map<string, Json>();
  let roleSettingsRead = pimLicensed;
  if (pimLicensed) {
    const settingsFailed = (error: unknown) => {
      roleSettingsRead = false;
      fail(AZURE_PIM_SOURCE, error);
    };
    const scopes = [
      ...new Set(
        [...eligibilities.values()].map((e) => String((e.properties as Json | undefined)?.scope ?? "")),
      ),
    ]
      .filter(Boolean)
      .sort();
    await mapWithLimit(scopes, concurrency, async (scope) => {
      try {
        for (const assignment of await az.list(
          `${scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=${API.pim}`,
        ))
          policyAssignments.set(lower(assignment.id), assignment);
      } catch (error) {
        settingsFailed(error);
      }
    });
    const policyIds = [
      ...new Set(
        [...policyAssignments.values()].map((a) =>
          String((a.properties as Json | undefined)?.policyId ?? ""),
        ),
      ),
    ]
      .filter(Boolean)
      .sort();
    await mapWithLimit(policyIds, concurrency, async (policyId) => {
      try {
        policies.set(lower(policyId), (await az.rest(`${policyId}?api-version=${API.pim}`)) as Json);
      } catch (error) {
        settingsFailed(error);
      }
    });
  }

  // 4. Kubernetes: each cluster's objects through kubectl, with the user kubeconfig AKS hands out.
  const clusterData: Record<string, Json> = {};
  const allClusters = [...resources.values()]
    .flat()
    .filter((r) => lower(r.type) === "microsoft.containerservice/managedclusters");
  const chosen = options.clusters?.map((c) => c.toLowerCase());
  let kubectlCalls = 0;
  await mapWithLimit(allClusters, Math.min(concurrency, 3), async (cluster) => {
    const id = String(cluster.id);
    const source = clusterSource(id);
    if (chosen && !chosen.includes(lower(cluster.name)) && !chosen.includes(lower(id))) {
      unread[source] = { status: "not-read", reason: "not collected: the cluster was not among --cluster" };
      clusterData[id] = { reachable: false };
      return;
    }
    say(`kubectl: cluster ${String(cluster.name)}`);
    const read = await kubernetesObjectsWithKubectl(cluster, {
      az,
      run: options.run,
      kubectl: options.kubectl ?? "kubectl",
    });
    kubectlCalls += read.kubectlCalls;
    if (read.objects === null) {
      unread[source] = { status: "not-read", reason: read.failures.join("; ") };
      clusterData[id] = { reachable: false };
      return;
    }
    if (read.failures.length > 0) unread[source] = { status: "partial", reason: read.failures.join("; ") };
    clusterData[id] = { includeDefaults: false, objects: read.objects };
  });

  // 5. The directory: every principal the inventory names, the groups among them (nested), and the
  //    governance around them — as the scanner resolves them (lib/scan/collect/collect-tenant.ts, step 5).
  say("az: the directory (Microsoft Graph)");
  const ids = new Set<string>();
  const upns = new Set<string>();
  const addId = (value: unknown) => {
    if (typeof value === "string" && GUID.test(value)) ids.add(value.toLowerCase());
  };
  for (const list of [roleAssignments, eligibilities])
    for (const a of list.values()) addId((a.properties as Json)?.principalId);
  for (const d of denies.values()) {
    const p = (d.properties ?? {}) as { principals?: Json[]; excludePrincipals?: Json[] };
    for (const principal of [...(p.principals ?? []), ...(p.excludePrincipals ?? [])])
      if (["user", "group", "serviceprincipal"].includes(lower(principal.type))) addId(principal.id);
  }
  for (const resource of [...resources.values()].flat()) {
    const props = (resource.properties ?? {}) as Json;
    addId(props.principalId);
    addId((resource.identity as Json | undefined)?.principalId);
    const profile = (props.identityProfile ?? {}) as Record<string, Json>;
    for (const entry of Object.values(profile)) addId(entry?.objectId);
    for (const addon of Object.values((props.addonProfiles ?? {}) as Record<string, Json>))
      addId((addon?.identity as Json | undefined)?.objectId);
    for (const entry of ((props.podIdentityProfile as Json | undefined)?.userAssignedIdentities ??
      []) as Json[])
      addId((entry.identity as Json | undefined)?.objectId);
    for (const groupId of ((props.aadProfile as Json | undefined)?.adminGroupObjectIDs ?? []) as unknown[])
      addId(groupId);
  }
  for (const data of Object.values(clusterData)) {
    for (const object of (data.objects ?? []) as Json[]) {
      if (object.kind !== "ClusterRoleBinding" && object.kind !== "RoleBinding") continue;
      for (const subject of (object.subjects ?? []) as Json[]) {
        if (subject.kind === "ServiceAccount" || typeof subject.name !== "string") continue;
        if (GUID.test(subject.name)) ids.add(subject.name.toLowerCase());
        else if (subject.kind === "User" && subject.name.includes("@") && !subject.name.startsWith("system:"))
          upns.add(subject.name);
      }
    }
  }
  const principals = new Map<string, Json>();
  const asPrincipal = (object: Json): Json | null => {
    const type = lower(object["@odata.type"]);
    const kind = type.endsWith(".user")
      ? "User"
      : type.endsWith(".group")
        ? "Group"
        : type.endsWith(".serviceprincipal")
          ? "ServicePrincipal"
          : null;
    if (!kind || typeof object.id !== "string") return null;
    return {
      ...object,
      id: object.id.toLowerCase(),
      type: kind,
      displayName: object.displayName || object.id,
    };
  };
  const remember = (object: Json) => {
    const principal = asPrincipal(object);
    if (principal && !principals.has(String(principal.id))) principals.set(String(principal.id), principal);
    return principal;
  };
  const resolve = async (wantedIds: string[]) => {
    for (let at = 0; at < wantedIds.length; at += 1000) {
      try {
        const page = (await az.rest(`${graph}/directoryObjects/getByIds`, {
          method: "post",
          body: { ids: wantedIds.slice(at, at + 1000), types: ["user", "group", "servicePrincipal"] },
          resource: graphResource,
        })) as { value?: Json[] };
        for (const object of page.value ?? []) remember(object);
      } catch (error) {
        fail(DIRECTORY_SOURCE, error);
      }
    }
  };
  await resolve([...ids].sort());
  const batch = (urls: string[]) => az.graphGetAll(graph, graphResource, urls);
  const graphFailure = (outcome: { code: string; message: string; url: string }) =>
    new CommandError(`GET ${outcome.url.split("?")[0]}`, outcome.code, outcome.message);
  const notFound = (code: string) => /NotFound/i.test(code);
  // Users Kubernetes bindings name by UPN. Kubernetes compares the UPN exactly; Graph does not.
  const upnList = [...upns].sort();
  const upnUrls = upnList.map(
    (upn) =>
      `/users?$filter=${encodeURIComponent(`userPrincipalName eq '${upn.replaceAll("'", "''")}'`)}&$select=id,displayName,userPrincipalName`,
  );
  for (const [index, outcome] of (await batch(upnUrls)).entries()) {
    if (!outcome.ok) fail(DIRECTORY_SOURCE, graphFailure(outcome));
    else
      for (const user of outcome.items)
        if (user.userPrincipalName === upnList[index])
          remember({ "@odata.type": "#microsoft.graph.user", ...user });
  }
  const expanded = new Set<string>();
  const expandGroups = async () => {
    for (;;) {
      const frontier = [...principals.values()].filter(
        (p) => p.type === "Group" && !expanded.has(String(p.id)),
      );
      if (frontier.length === 0) return;
      for (const group of frontier) expanded.add(String(group.id));
      const outcomes = await batch(
        frontier.map((group) => `/groups/${String(group.id)}/members?$top=${GRAPH_PAGE}`),
      );
      for (const [index, outcome] of outcomes.entries()) {
        if (!outcome.ok) {
          fail(DIRECTORY_SOURCE, graphFailure(outcome));
          continue;
        }
        frontier[index].members = outcome.items.flatMap((member) => {
          const principal = remember(member);
          return principal ? [principal.id] : [];
        });
      }
    }
  };
  await expandGroups();

  // Governance: directory roles (active and eligible), PIM for Groups, owners, applications.
  const entra: {
    license: "P2" | "P1";
    roleAssignments: Json[];
    roleEligibilities: Json[];
    groupEligibilities: Json[];
    applications: Json[];
    owners: Json[];
    appRoleAssignments: Json[];
    administrativeUnits?: Json[];
  } = {
    license: "P2",
    roleAssignments: [],
    roleEligibilities: [],
    groupEligibilities: [],
    applications: [],
    owners: [],
    appRoleAssignments: [],
  };
  const governanceIds = new Set<string>();
  /** A PIM read: the licence refusal says the tenant has no P2 (as a scan records it), anything else is a failure. */
  const pimFailed = (outcome: { code: string; message: string; url: string }) => {
    if (outcome.code === LICENSE_REQUIRED) entra.license = "P1";
    else fail(PIM_SOURCE, graphFailure(outcome));
  };
  const roleUrls = CLUSTER_RELEVANT_DIRECTORY_ROLES.flatMap((roleId) => {
    const filter = encodeURIComponent(`roleDefinitionId eq '${roleId}'`);
    return [
      `/roleManagement/directory/roleAssignments?$filter=${filter}&$top=${GRAPH_PAGE}`,
      `/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${filter}&$top=${GRAPH_PAGE}`,
    ];
  });
  for (const outcome of await batch(roleUrls)) {
    const eligible = outcome.url.includes("Eligibility");
    if (!outcome.ok) {
      if (eligible) pimFailed(outcome);
      else fail(DIRECTORY_SOURCE, graphFailure(outcome));
      continue;
    }
    for (const item of outcome.items) {
      // Graph's id too: the model keeps it, so an import and a scan of the same role record the same thing.
      const entry = {
        ...(typeof item.id === "string" && item.id ? { id: item.id } : {}),
        principalId: lower(item.principalId),
        roleDefinitionId: lower(item.roleDefinitionId),
        directoryScopeId: item.directoryScopeId ?? "/",
      };
      governanceIds.add(entry.principalId);
      if (!eligible) entra.roleAssignments.push(entry);
      else
        entra.roleEligibilities.push({
          ...entry,
          ...(item.startDateTime ? { startDateTime: item.startDateTime } : {}),
          endDateTime: item.endDateTime ?? null,
        });
    }
  }
  // Microsoft Graph's application permissions that lead somewhere, as the scanner reads them: Graph's own
  // service principal (kept among the principals: the file's assignments name it as their resource), then
  // the app roles granted on it. Their holders are principals governance names.
  const [graphPrincipal] = await batch([
    `/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')?$select=id,appId,displayName,servicePrincipalType`,
  ]);
  if (graphPrincipal.ok) {
    // only the object's own members: Graph's @odata.context would put the endpoint's URL into the file
    const members = Object.fromEntries(
      Object.entries(graphPrincipal.body).filter(([key]) => !key.startsWith("@odata.")),
    );
    const resource = remember({ "@odata.type": "#microsoft.graph.servicePrincipal", ...members });
    const [granted] = resource
      ? await batch([`/servicePrincipals/${String(resource.id)}/appRoleAssignedTo?$top=${GRAPH_PAGE}`])
      : [];
    if (granted && !granted.ok) fail(DIRECTORY_SOURCE, graphFailure(granted));
    else if (granted && resource)
      for (const item of granted.items) {
        const appRoleId = lower(item.appRoleId);
        if (!GRAPH_ESCALATION_PERMISSIONS[appRoleId] || item.deletedDateTime) continue;
        const principalId = lower(item.principalId);
        governanceIds.add(principalId);
        entra.appRoleAssignments.push({
          ...(typeof item.id === "string" && item.id ? { id: item.id } : {}),
          principalId,
          resourceId: String(resource.id),
          appRoleId,
        });
      }
  } else if (!notFound(graphPrincipal.code)) fail(DIRECTORY_SOURCE, graphFailure(graphPrincipal));
  const addOwners = (objectId: string, items: Json[]) => {
    const ownerIds = items.map((o) => lower(o.id)).filter(Boolean);
    for (const id of ownerIds) governanceIds.add(id);
    if (ownerIds.length > 0) entra.owners.push({ objectId, ownerIds });
  };
  const governed = new Set<string>();
  /** `servicePrincipalsOnly`: the later pass over principals governance named, as the scanner makes it. */
  const governNew = async (servicePrincipalsOnly = false) => {
    const fresh = [...principals.values()].filter((p) => !governed.has(String(p.id)));
    for (const p of fresh) governed.add(String(p.id));
    const groups = servicePrincipalsOnly
      ? []
      : fresh.filter((p) => p.type === "Group").map((p) => String(p.id));
    const groupUrls = groups.flatMap((groupId) => [
      `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=${encodeURIComponent(`groupId eq '${groupId}'`)}&$top=${GRAPH_PAGE}`,
      `/groups/${groupId}/owners?$top=${GRAPH_PAGE}`,
    ]);
    for (const [index, outcome] of (await batch(groupUrls)).entries()) {
      const groupId = groups[Math.floor(index / 2)];
      const eligibility = index % 2 === 0;
      if (!outcome.ok) {
        if (eligibility) pimFailed(outcome);
        else if (!notFound(outcome.code)) fail(DIRECTORY_SOURCE, graphFailure(outcome));
        continue;
      }
      if (!eligibility) addOwners(groupId, outcome.items);
      else
        for (const item of outcome.items) {
          governanceIds.add(lower(item.principalId));
          entra.groupEligibilities.push({
            ...(typeof item.id === "string" && item.id ? { id: item.id } : {}),
            groupId,
            principalId: lower(item.principalId),
            accessId: item.accessId,
            endDateTime: item.endDateTime ?? null,
          });
        }
    }
    // Service principals: their owners, and their application (from this tenant) with its owners.
    const sps = fresh.filter((p) => p.type === "ServicePrincipal" && typeof p.appId === "string");
    const spUrls = sps.flatMap((sp) => [
      `/servicePrincipals/${String(sp.id)}/owners?$top=${GRAPH_PAGE}`,
      `/applications(appId='${lower(sp.appId)}')?$select=id,appId,displayName`,
    ]);
    const applications: { id: string; appId: string; entry: Json }[] = [];
    for (const [index, outcome] of (await batch(spUrls)).entries()) {
      const sp = sps[Math.floor(index / 2)];
      if (!outcome.ok) {
        if (!notFound(outcome.code)) fail(DIRECTORY_SOURCE, graphFailure(outcome));
        continue;
      }
      if (index % 2 === 0) addOwners(String(sp.id), outcome.items);
      else {
        const id = lower(outcome.body.id);
        const entry: Json = {
          id,
          appId: lower(sp.appId),
          displayName: outcome.body.displayName ?? sp.displayName,
        };
        applications.push({ id, appId: lower(sp.appId), entry });
        entra.applications.push(entry);
      }
    }
    const appOwners = await batch(
      applications.map((app) => `/applications/${app.id}/owners?$top=${GRAPH_PAGE}`),
    );
    for (const [index, outcome] of appOwners.entries()) {
      if (outcome.ok) addOwners(applications[index].id, outcome.items);
      else if (!notFound(outcome.code)) fail(DIRECTORY_SOURCE, graphFailure(outcome));
    }
    // Their federated identity credentials (Graph v1.0, as the scanner reads them): the file keeps them
    // as Graph returned them, a flexible one with no subject (v1.0 has no claimsMatchingExpression).
    const credentialLists = await batch(
      applications.map((app) => `/applications/${app.id}/federatedIdentityCredentials`),
    );
    for (const [index, outcome] of credentialLists.entries()) {
      if (!outcome.ok) {
        if (!notFound(outcome.code)) fail(APPLICATION_CREDENTIALS_SOURCE, graphFailure(outcome));
        continue;
      }
      applications[index].entry.federatedIdentityCredentials = outcome.items.map((item) => ({
        id: lower(item.id),
        name: item.name,
        issuer: item.issuer,
        ...(typeof item.subject === "string" && item.subject ? { subject: item.subject } : {}),
        audiences: Array.isArray(item.audiences) ? item.audiences : [],
        ...(typeof item.description === "string" ? { description: item.description } : {}),
      }));
    }
  };
  await governNew();
  // The principals governance names (holders, owners, eligible members), resolved in a second pass.
  const missing = [...governanceIds].filter((id) => !principals.has(id));
  if (missing.length > 0) {
    await resolve(missing.sort());
    await expandGroups();
    // Service principals only governance named (directory role holders, owners): their applications'
    // owners and federated credentials, then whoever those name.
    await governNew(true);
    const later = [...governanceIds].filter((id) => !principals.has(id));
    if (later.length > 0) {
      await resolve(later.sort());
      await expandGroups();
    }
  }

  // Administrative units, as the scanner reads them (lib/azure/directory-governance-reader.ts): the units a
  // directory role is scoped to and the restricted management ones, each with its users and groups among
  // the file's principals (a member who is no principal of the file reaches no cluster). A unit whose
  // members could not be read is left out and the source marked partial, so its scoped roles stay
  // conditional paths ("members not read"), never "manages no one"; without the list the file has none.
  const scopedUnits = new Set(
    [...entra.roleAssignments, ...entra.roleEligibilities].flatMap((role) => {
      const unitId = administrativeUnitOfScope(String(role.directoryScopeId));
      return unitId === null ? [] : [lower(unitId)];
    }),
  );
  const [unitList] = await batch([
    `/directory/administrativeUnits?$select=id,displayName,isMemberManagementRestricted,membershipType,membershipRule,visibility&$top=${GRAPH_PAGE}`,
  ]);
  if (!unitList.ok) fail(ADMINISTRATIVE_UNITS_SOURCE, graphFailure(unitList));
  else {
    const wanted = unitList.items.filter(
      (unit) => unit.isMemberManagementRestricted === true || scopedUnits.has(lower(unit.id)),
    );
    const memberOutcomes = await batch(
      wanted.map((unit) => `/directory/administrativeUnits/${lower(unit.id)}/members?$top=${GRAPH_PAGE}`),
    );
    entra.administrativeUnits = [];
    for (const [index, outcome] of memberOutcomes.entries()) {
      const unit = wanted[index];
      if (!outcome.ok) {
        // Deleted between the two reads: a unit that no longer exists manages no one.
        if (!notFound(outcome.code)) fail(ADMINISTRATIVE_UNITS_SOURCE, graphFailure(outcome));
        continue;
      }
      const members = new Set<string>();
      for (const member of outcome.items) {
        const known = principals.get(lower(member.id));
        if (known && (known.type === "User" || known.type === "Group")) members.add(String(known.id));
      }
      entra.administrativeUnits.push({
        id: lower(unit.id),
        displayName: unit.displayName || unit.id,
        members: [...members].sort(),
        isMemberManagementRestricted: unit.isMemberManagementRestricted === true,
        ...(unit.membershipType === "Dynamic" || unit.membershipType === "Assigned"
          ? { membershipType: unit.membershipType }
          : {}),
        ...(typeof unit.membershipRule === "string" && unit.membershipRule
          ? { membershipRule: unit.membershipRule }
          : {}),
        ...(unit.visibility === "HiddenMembership" || unit.visibility === "Public"
          ? { visibility: unit.visibility }
          : {}),
      });
    }
    entra.administrativeUnits.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  }

  // Failures become the file's coverage: partial where something of the source was read.
  for (const [source, reasons] of failures) {
    if (unread[source]) continue;
    unread[source] = { status: "partial", reason: [...reasons].join("; ") };
  }
  // Assignments at management groups the collector could not read would name unknown scopes.
  const scopes = managementGroups ? null : /^\/providers\/microsoft\.management\/managementgroups\//i;
  const file: Json = {
    version: TENANT_FILE_VERSION,
    tenantId,
    ...(typeof account.tenantDisplayName === "string" ? { displayName: account.tenantDisplayName } : {}),
    principals: [...principals.values()].sort((a, b) => String(a.id).localeCompare(String(b.id))),
    managementGroups: managementGroups ?? [],
    roleDefinitions: [...roleDefinitions.values()],
    roleAssignments: [...roleAssignments.values()].filter(
      (a) => !scopes?.test(String((a.properties as Json)?.scope)),
    ),
    roleEligibilityScheduleInstances: [...eligibilities.values()],
    roleAssignmentScheduleInstances: [...schedules.values()],
    denyAssignments: [...denies.values()],
    ...(pimLicensed ? {} : { licenses: { entraIdP2: false } }),
    ...(roleSettingsRead
      ? {
          roleManagementPolicies: [...policies.values()],
          roleManagementPolicyAssignments: [...policyAssignments.values()],
        }
      : {}),
    subscriptions: subscriptions.map((s) => ({
      subscriptionId: lower(s.subscriptionId),
      displayName: s.displayName ?? s.subscriptionId,
      state: s.state ?? "Enabled",
      resources: resources.get(lower(s.subscriptionId)) ?? [],
    })),
    clusters: clusterData,
    entra,
    coverage: {
      collectedBy: `aks-atlas collect ${PRODUCT_VERSION}`,
      collectedAt: new Date().toISOString(),
      unread,
    },
  };
  return { file, unread, commands: { az: az.calls, kubectl: kubectlCalls } };
}
