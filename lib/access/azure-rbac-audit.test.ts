import { describe, expect, it } from "vitest";
import { buildAccessIndex, scopeChain } from "@/lib/access/access-index";
import { assignableRoles, assignableRolesFor, mayAssign } from "@/lib/access/assignment-condition";
import { kubernetesDataAction, kubernetesDataActions, roleAllows } from "@/lib/access/azure-permissions";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { AccessModelBuilder, CLUSTER, ROLE, SUB } from "@/lib/access/fixtures/access-model-builder";
import type { ClusterAccess } from "@/lib/access/types";
import type { RoleDefinition } from "@/lib/model/azure";
import { findBuiltInRole } from "@/lib/model/builtin-roles";
import type { TenantModel } from "@/lib/model/tenant-model";
import { roleDefinitionFromWire } from "@/lib/model/wire-azure";

// An audit of the Azure RBAC semantics of the access engine against Microsoft's documentation and
// the source of the AKS authorization webhook (guard). Each case names its source.

const AKS = "Microsoft.ContainerService/managedClusters";

function grantsOf(access: ClusterAccess, principalId: string): string[] {
  const entry = access.principals.find((candidate) => candidate.principal.id === principalId);
  return (entry?.grants ?? [])
    .map((g) => `${g.level}@${g.namespace ?? "*"} via ${g.route}${g.conditional ? " (conditional)" : ""}`)
    .sort();
}

const evaluate = (model: TenantModel) => evaluateClusterAccess(model, CLUSTER);

function customRole(permissions: Partial<RoleDefinition["permissions"][number]>[]): RoleDefinition {
  return {
    id: "/providers/microsoft.authorization/roledefinitions/c",
    guid: "c",
    roleName: "c",
    type: "CustomRole",
    permissions: permissions.map((p) => ({
      actions: [],
      notActions: [],
      dataActions: [],
      notDataActions: [],
      ...p,
    })),
    assignableScopes: ["/"],
  };
}

function builtIn(guid: string): RoleDefinition {
  const wire = findBuiltInRole(guid);
  if (!wire) throw new Error(`missing built-in ${guid}`);
  return roleDefinitionFromWire(wire);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes request → data action, as guard composes it: kubeguard/guard
// authz/providers/azure/rbac/checkaccessreqhelper.go (commit 5bcf8b53), getResourceAndAction: only
// pods/exec becomes `pods/exec/action`; any other subresource is checked as the parent resource with
// the verb's action (`path.Join(resource, getActionName(verb))`, the subresource dropped); the
// table tests in checkaccessreqhelper_test.go pin `pods/status` delete → `pods/delete` and
// `certificatesigningrequests/approvals` deletecollection → `certificatesigningrequests/delete`.

describe("data actions for subresources (guard getResourceAndAction)", () => {
  it.each([
    ["create", "", "serviceaccounts/token", `${AKS}/serviceaccounts/write`],
    ["create", "", "pods/attach", `${AKS}/pods/write`],
    ["update", "", "pods/ephemeralcontainers", `${AKS}/pods/write`],
    ["get", "", "nodes/proxy", `${AKS}/nodes/read`],
    ["create", "", "nodes/proxy", `${AKS}/nodes/write`],
    ["get", "", "pods/log", `${AKS}/pods/read`],
    ["delete", "", "pods/status", `${AKS}/pods/delete`],
    ["patch", "apps", "deployments/scale", `${AKS}/apps/deployments/write`],
    // pods/exec is the one subresource with an action of its own, whatever the verb
    ["create", "", "pods/exec", `${AKS}/pods/exec/action`],
    ["get", "", "pods/exec", `${AKS}/pods/exec/action`],
  ])("%s %s/%s → %s", (verb, group, resource, expected) => {
    expect(kubernetesDataAction(verb, group, resource)).toBe(expected);
  });

  it("a role granting serviceaccounts/write lets its holder mint service account tokens", () => {
    const tokens = customRole([{ dataActions: [`${AKS}/serviceaccounts/write`] }]);
    const action = kubernetesDataAction("create", "", "serviceaccounts/token") ?? "";
    expect(roleAllows(tokens, "data", action)).toBe(true);
  });

  it("a role with nodes/read reaches the kubelet API (get nodes/proxy), which execs into pods", () => {
    const nodesReader = customRole([{ dataActions: [`${AKS}/nodes/read`] }]);
    expect(roleAllows(nodesReader, "data", kubernetesDataAction("get", "", "nodes/proxy") ?? "")).toBe(true);
  });
});

// Custom resources: "For custom resources, the custom role must grant the applicable custom resource
// data action, such as Microsoft.ContainerService/managedClusters/customresources/read"
// (MicrosoftDocs/azure-aks-docs articles/aks/entra-id-authorization.md); guard maps a resource not in
// the provider's operations map to `<clusterType>/customresources/<read|write|delete>`
// (getAuthInfoListForCustomResource). Without that feature the request is `<group>/<resource>/<verb>`:
// both forms are candidates, so that neither hides a path.
describe("data actions for custom resources", () => {
  it("a resource of an API group Kubernetes does not serve has the customresources action among its candidates", () => {
    expect(kubernetesDataActions("create", "aks-atlas-probe.example", "widgets")).toEqual([
      `${AKS}/aks-atlas-probe.example/widgets/write`,
      `${AKS}/customresources/write`,
    ]);
    expect(kubernetesDataActions("list", "apps", "deployments")).toEqual([`${AKS}/apps/deployments/read`]);
    expect(kubernetesDataActions("get", "", "pods")).toEqual([`${AKS}/pods/read`]);
  });

  it("a role granting everything by name, custom resources through customresources/*, is cluster-admin", () => {
    const everything = [
      "rbac.authorization.k8s.io/*",
      "pods/*",
      "apps/*",
      "secrets/*",
      "namespaces/*",
      "nodes/*",
      "resourcequotas/*",
      "users/*",
      "groups/*",
      "customresources/*",
    ].map((suffix) => `${AKS}/${suffix}`);
    const model = new AccessModelBuilder()
      .principal("u")
      .customRole("22222222-0000-0000-0000-00000000c0de", [{ dataActions: everything }])
      .assign("22222222-0000-0000-0000-00000000c0de", "u", CLUSTER)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["cluster-admin@* via azure-rbac"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Scopes

describe("managed namespaces as Azure RBAC scopes", () => {
  // MicrosoftDocs/azure-aks-docs articles/aks/managed-namespaces.md ("Assign role": RBAC Writer at
  // --scope $(az aks namespace show ... --query id), i.e. <cluster>/managedNamespaces/<name>) and
  // concepts-managed-namespaces.md (RBAC Reader/Writer/Admin for the data plane); guard falls back
  // to the `<cluster>/managedNamespaces/<ns>` scope (rbac.go getManagedNameSpaceScope).
  it("RBAC Writer assigned at <cluster>/managedNamespaces/<ns> gives write in that namespace", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(ROLE.aksRbacWriter, "u", `${CLUSTER}/managednamespaces/retail-team`)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["write@retail-team via azure-rbac"]);
  });

  it("the scope is matched case-insensitively, as written by ARM", () => {
    const model = new AccessModelBuilder()
      .principal("u")
      .assign(
        ROLE.aksRbacReader,
        "u",
        `/subscriptions/${SUB}/resourceGroups/RG-1/providers/Microsoft.ContainerService/managedClusters/AKS-1/managedNamespaces/retail-team`,
      )
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["read@retail-team via azure-rbac"]);
  });
});

describe("the tenant root management group", () => {
  // MicrosoftDocs/azure-docs articles/governance/management-groups/overview.md: the root management
  // group's "ID is the Azure Active Directory ID" and "All subscriptions and management groups fold
  // up to the one root management group within the directory"; an assignment there "applies to all
  // resources within the directory". It holds even when the hierarchy could not be read.
  const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  function withoutHierarchy(): AccessModelBuilder {
    const builder = new AccessModelBuilder();
    builder.model.tenantId = TENANT;
    builder.model.managementGroups = [];
    builder.model.subscriptions[0] = {
      ...builder.model.subscriptions[0],
      tenantId: TENANT,
      managementGroupId: null,
    };
    return builder;
  }

  it("an assignment at /providers/Microsoft.Management/managementGroups/<tenant id> reaches every cluster", () => {
    const model = withoutHierarchy()
      .principal("u")
      .assign(ROLE.aksRbacReader, "u", `/providers/microsoft.management/managementgroups/${TENANT}`)
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual(["read@* via azure-rbac"]);
    expect(scopeChain(buildAccessIndex(model), CLUSTER)).toContain(
      `/providers/microsoft.management/managementgroups/${TENANT}`,
    );
  });

  it("another management group still needs the hierarchy to place the subscription below it", () => {
    const model = withoutHierarchy()
      .principal("u")
      .assign(ROLE.aksRbacReader, "u", "/providers/microsoft.management/managementgroups/sandbox")
      .build();
    expect(grantsOf(evaluate(model), "u")).toEqual([]);
  });

  it("with the hierarchy read, the root group is in the chain once, above the others", () => {
    const builder = new AccessModelBuilder();
    builder.model.tenantId = TENANT;
    const rootId = `/providers/microsoft.management/managementgroups/${TENANT}`;
    builder.model.managementGroups[0] = { ...builder.model.managementGroups[0], id: rootId, name: TENANT };
    builder.model.managementGroups[1] = { ...builder.model.managementGroups[1], parentId: rootId };
    builder.model.subscriptions[0] = { ...builder.model.subscriptions[0], tenantId: TENANT };
    const chain = scopeChain(buildAccessIndex(builder.build()), CLUSTER);
    expect(chain.filter((scope) => scope === rootId)).toHaveLength(1);
    expect(chain.slice(0, 3)).toEqual([
      "/",
      rootId,
      "/providers/microsoft.management/managementgroups/platform",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// ABAC conditions on roleAssignments/write. Grammar: MicrosoftDocs/azure-docs
// articles/role-based-access-control/conditions-format.md (AND/&&, OR/||, NOT/!, parentheses,
// ActionMatches "equivalent to the action matching logic ... inside a Permission", e.g.
// ActionMatches{'Microsoft.Authorization/roleAssignments/*'} is true for roleAssignments/write;
// ForAnyOfAnyValues / ForAnyOfAllValues cross products). Examples:
// learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples.

const OWNER = ROLE.owner;
const UAA = ROLE.userAccessAdministrator;
const RBAC_ADMIN = ROLE.roleBasedAccessControlAdministrator;
const WRITE = "Microsoft.Authorization/roleAssignments/write";
const DELETE = "Microsoft.Authorization/roleAssignments/delete";

const constrainRoles = (guids: string) =>
  `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}})) AND ((!(ActionMatches{'${DELETE}'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}))`;
const excludePrivileged = `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${OWNER}, ${RBAC_ADMIN}, ${UAA}})) AND ((!(ActionMatches{'${DELETE}'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${OWNER}, ${RBAC_ADMIN}, ${UAA}}))`;

function summary(condition: string | null) {
  const roles = assignableRoles(condition);
  return roles.kind === "only" || roles.kind === "except"
    ? { kind: roles.kind, roleGuids: [...roles.roleGuids].sort() }
    : { kind: roles.kind };
}

describe("which roles a conditioned roleAssignments/write may assign", () => {
  it.each([
    ["no condition", null, { kind: "any" }],
    [
      "documented: constrain roles (allow-list)",
      constrainRoles(`${ROLE.aksRbacReader}, ${ROLE.aksRbacWriter}`),
      { kind: "only", roleGuids: [ROLE.aksRbacReader, ROLE.aksRbacWriter].sort() },
    ],
    [
      "documented: all roles except Owner, UAA and RBAC Administrator",
      excludePrivileged,
      { kind: "except", roleGuids: [OWNER, RBAC_ADMIN, UAA].sort() },
    ],
    [
      "documented: constrain roles and principal types (depends on the principal)",
      `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}))`,
      { kind: "unknown" },
    ],
    // A negated allow-list is a deny-list: NOT (role in {Owner}) allows every role but Owner.
    [
      "NOT in front of an allow-list",
      `(!(ActionMatches{'${WRITE}'})) OR (NOT @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${OWNER}})`,
      { kind: "except", roleGuids: [OWNER] },
    ],
    [
      "! in front of a parenthesised allow-list",
      `(!(ActionMatches{'${WRITE}'})) || !(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${OWNER}, ${UAA}})`,
      { kind: "except", roleGuids: [OWNER, UAA].sort() },
    ],
    // An allow-list OR a clause we cannot evaluate: any role may pass through the other branch.
    [
      "allow-list OR an environment attribute",
      `(!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}}) OR (@Environment[UtcNow] DateTimeGreaterThan '2030-01-01T00:00:00.0Z')`,
      { kind: "unknown" },
    ],
    [
      "allow-list OR a principal attribute",
      `(!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}} OR @Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Team_Name] StringEquals 'platform')`,
      { kind: "unknown" },
    ],
    // ActionMatches takes action patterns (conditions-format: roleAssignments/* matches write)
    [
      "ActionMatches with a wildcard",
      `(!(ActionMatches{'Microsoft.Authorization/roleAssignments/*'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}})`,
      { kind: "only", roleGuids: [ROLE.aksRbacReader] },
    ],
    // Built-in roles write GUIDs without dashes and without a space before the braces
    // (e.g. Azure Container Storage Contributor in the built-in role catalogue).
    [
      "GUIDs without dashes",
      "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals{08d4c71acc634ce4a9c85dd251b4d619}))",
      { kind: "only", roleGuids: ["08d4c71a-cc63-4ce4-a9c8-5dd251b4d619"] },
    ],
    // A condition that only constrains deletion leaves writing unconstrained.
    [
      "a condition on delete only",
      `(!(ActionMatches{'${DELETE}'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}})`,
      { kind: "any" },
    ],
    [
      "a condition on another action (blob reads)",
      "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'blobs-example-container'))",
      { kind: "any" },
    ],
    // Single-valued attribute: ForAnyOfAnyValues:GuidNotEquals {a, b} holds for every role.
    [
      "ForAnyOfAnyValues:GuidNotEquals of two roles",
      `(!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidNotEquals {${OWNER}, ${UAA}})`,
      { kind: "any" },
    ],
    [
      "two allow-lists OR-ed",
      `(!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE.aksRbacReader}}) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals ${ROLE.aksRbacWriter})`,
      { kind: "only", roleGuids: [ROLE.aksRbacReader, ROLE.aksRbacWriter].sort() },
    ],
    ["something unparseable", "((@Request[", { kind: "unknown" }],
  ] as const)("%s", (_name, condition, expected) => {
    expect(summary(condition)).toEqual(expected);
  });

  it("unknown never hides a role; allow- and deny-lists decide exactly", () => {
    expect(mayAssign(assignableRoles("((@Request["), OWNER)).toBe(true);
    expect(mayAssign(assignableRoles(excludePrivileged), OWNER)).toBe(false);
    expect(mayAssign(assignableRoles(excludePrivileged), ROLE.aksRbacClusterAdmin)).toBe(true);
    expect(mayAssign(assignableRoles(excludePrivileged), ROLE.owner.toUpperCase())).toBe(false);
  });
});

describe("conditions in a role definition's own permissions", () => {
  // Some built-in roles carry the condition in their permission block (built-in role catalogue,
  // e.g. Azure Container Storage Contributor: roleAssignments/write only for one role). Azure
  // evaluates it beside the assignment's: both must hold.
  it("Azure Container Storage Contributor may assign only the role its definition names", () => {
    const definition = builtIn("95dd08a6-00bd-4661-84bf-f6726f83a4d0");
    expect(definition.roleName).toBe("Azure Container Storage Contributor");
    const roles = assignableRolesFor(definition, null);
    expect(mayAssign(roles, OWNER)).toBe(false);
    expect(mayAssign(roles, "08d4c71a-cc63-4ce4-a9c8-5dd251b4d619")).toBe(true);
  });

  it("a role without a condition defers to the assignment's condition", () => {
    const roles = assignableRolesFor(builtIn(RBAC_ADMIN), excludePrivileged);
    expect(roles.kind).toBe("except");
    expect(assignableRolesFor(builtIn(OWNER), null)).toEqual({ kind: "any" });
  });

  it("definition and assignment conditions combine (AND)", () => {
    const definition = builtIn("95dd08a6-00bd-4661-84bf-f6726f83a4d0");
    const roles = assignableRolesFor(definition, excludePrivileged);
    expect(mayAssign(roles, "08d4c71a-cc63-4ce4-a9c8-5dd251b4d619")).toBe(true);
    expect(mayAssign(roles, OWNER)).toBe(false);
  });
});
