import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildAccessIndex } from "@/lib/access/access-index";
import { type AttackPath, AttackPathSearch, withAttackPaths } from "@/lib/access/attack-paths";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import {
  AccessModelBuilder,
  CLUSTER,
  group,
  ROLE,
  role,
  roleBinding,
  roleEligibility,
  user,
} from "@/lib/access/fixtures/access-model-builder";
import { ReferenceAttackPathSearch } from "@/lib/access/fixtures/attack-paths-reference";
import { MI_PRINCIPAL, twoClusterTenant } from "@/lib/access/fixtures/two-cluster-tenant";
import { accessToRecords } from "@/lib/access/records";
import { ACCESS_LEVEL_RANK } from "@/lib/access/types";
import { generateTenant } from "@/lib/emulator/generate/generate-tenant";
import { evaluateFindings, FINDING_RULES } from "@/lib/findings/evaluate-findings";
import { DIRECTORY_ROLE_TEMPLATES as DIRECTORY_ROLES } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import type { TenantModel } from "@/lib/model/tenant-model";
import { parseTenantFile } from "@/lib/model/wire/tenant-file";

// PIM-eligible grants in the attack-path search.
//
// - An eligible role assignment (or PIM for Groups eligible membership) is not access yet: "When you need to
//   take on an Azure resource role, you can request activation by using ... Privileged Identity Management",
//   and the role is held only once the activation is granted (learn.microsoft.com/entra/id-governance/
//   privileged-identity-management/pim-resource-roles-activate-your-roles); likewise a group membership
//   ("When a group membership or ownership is activated, ... PIM creates an active assignment":
//   learn.microsoft.com/entra/id-governance/privileged-identity-management/groups-activate-roles). A path
//   that ends in someone's eligible grant therefore needs an activation: never standing access.
// - Holding a level only eligibly (or under an ABAC condition) is not holding it outright. A route that
//   reaches the level today, without activation (or without the condition), must still be reported, even when
//   longer than the principal's own grant: hidden, it is a false "nobody" for standing access.
//
// The model: aks-1 with Azure RBAC (AKS RBAC Cluster Admin on it is cluster-admin). Group owners add
// themselves as members (learn.microsoft.com/graph/api/group-post-members); a service principal's owners add
// it a client secret and sign in as it (learn.microsoft.com/graph/api/serviceprincipal-addpassword).

const azureRbac = {
  entra: { mode: "managed" as const, azureRbac: true, adminGroupIds: [], tenantId: "tenant-1" },
};

function eligibleFor(
  model: TenantModel,
  roleGuid: string,
  principalId: string,
  principalType: "User" | "Group" = "User",
): void {
  model.roleEligibilities.push(
    roleEligibility({
      name: `e-${principalId}-${model.roleEligibilities.length}`,
      scope: CLUSTER,
      roleDefinitionId: roleGuid,
      principalId,
      principalType,
    }),
  );
}

function owns(model: TenantModel, objectId: string, ownerIds: string[], kind: "Group" | "ServicePrincipal") {
  model.directoryOwners = [
    ...(model.directoryOwners ?? []),
    { objectId, objectKind: kind, displayName: objectId, ownerIds },
  ];
}

function eligibleMember(model: TenantModel, groupId: string, principalId: string): void {
  model.groupEligibilities = [
    ...(model.groupEligibilities ?? []),
    { id: `${groupId}_member_${principalId}`, groupId, principalId, accessId: "member", endDateTime: null },
  ];
}

/** Carol resets the passwords of users without administrator roles (Helpdesk Administrator). */
function carolResetsPasswords(model: TenantModel): void {
  model.directoryRoleAssignments = [
    ...(model.directoryRoleAssignments ?? []),
    {
      id: "dra-carol",
      principalId: "carol",
      roleDefinitionId: DIRECTORY_ROLES.helpdeskAdministrator,
      roleName: "Helpdesk Administrator",
      directoryScopeId: "/",
      eligible: false,
      endDateTime: null,
    },
  ];
}

/** The attack paths on aks-1, checked against the reference search (the same rule, searched plainly). */
function attackPaths(model: TenantModel): AttackPath[] {
  const index = buildAccessIndex(model);
  const access = evaluateClusterAccess(model, CLUSTER, index);
  const paths = new AttackPathSearch(index).forCluster(access);
  expect(JSON.stringify(paths)).toBe(JSON.stringify(new ReferenceAttackPathSearch(index).forCluster(access)));
  return paths;
}

const of = (paths: AttackPath[], principalId: string) =>
  paths.filter((path) => path.principal.id === principalId);
const kinds = (path: AttackPath | undefined) => path?.path.map((step) => step.kind) ?? [];

/** Bob: eligible for AKS RBAC Cluster Admin on aks-1, and owner of `admins`, which holds it standing. */
function bobEligibleAndOwner(): TenantModel {
  const model = new AccessModelBuilder(azureRbac)
    .principal("bob")
    .principal("carol")
    .group("admins", [])
    .assign(ROLE.aksRbacClusterAdmin, "admins", CLUSTER, { principalType: "Group" })
    .build();
  eligibleFor(model, ROLE.aksRbacClusterAdmin, "bob");
  owns(model, "admins", ["bob"], "Group");
  // users can be entered (password resets), so Bob's own eligible grant is the shortest route to him
  carolResetsPasswords(model);
  return model;
}

describe("a path into someone's eligible grant needs an activation", () => {
  it("Leonard owns group ops, which is only eligible for cluster-admin: his path is eligible", () => {
    const model = new AccessModelBuilder(azureRbac).principal("leonard").group("ops", []).build();
    eligibleFor(model, ROLE.aksRbacClusterAdmin, "ops", "Group");
    owns(model, "ops", ["leonard"], "Group");
    const [path, ...rest] = of(attackPaths(model), "leonard");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 2, eligible: true });
    expect(kinds(path)).toEqual(expect.arrayContaining(["directoryOwnership", "roleEligibility"]));
  });

  it("Carol resets the password of Bob, who is only eligible for cluster-admin: her path is eligible", () => {
    const model = new AccessModelBuilder(azureRbac).principal("bob").principal("carol").build();
    eligibleFor(model, ROLE.aksRbacClusterAdmin, "bob");
    carolResetsPasswords(model);
    const [path, ...rest] = of(attackPaths(model), "carol");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 2, eligible: true });
    expect(path.path.map((step) => step.label).join(" ")).toContain("resets the password");
    // the search result reaches the stored escalation the same way
    expect(
      withAttackPaths(evaluateClusterAccess(model, CLUSTER), [path]).principals.find(
        (entry) => entry.principal.id === "carol",
      )?.escalations,
    ).toMatchObject([{ route: "attack-path", to: "cluster-admin", eligible: true }]);
  });
});

describe("a level held only eligibly or conditionally still gets its standing, unconditional route", () => {
  it("Bob, eligible for cluster-admin, becomes it standing through the group he owns (2 hops, longer than his grant)", () => {
    const model = bobEligibleAndOwner();
    // the engine: Bob holds cluster-admin only eligibly
    const grants = evaluateClusterAccess(model, CLUSTER).principals.find(
      (e) => e.principal.id === "bob",
    )?.grants;
    expect(grants?.filter((grant) => grant.level === "cluster-admin").map((grant) => grant.eligible)).toEqual(
      [true],
    );
    const [path, ...rest] = of(attackPaths(model), "bob");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 2, eligible: false, conditional: false });
    expect(kinds(path)).toContain("directoryOwnership");
    expect(kinds(path)).not.toContain("roleEligibility");
  });

  it("a standing route three hops long: Bob owns a service principal that owns the group", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("bob")
      .principal("carol")
      .principal("deployer-sp", "ServicePrincipal")
      .group("admins", [])
      .assign(ROLE.aksRbacClusterAdmin, "admins", CLUSTER, { principalType: "Group" })
      .build();
    eligibleFor(model, ROLE.aksRbacClusterAdmin, "bob");
    owns(model, "deployer-sp", ["bob"], "ServicePrincipal");
    owns(model, "admins", ["deployer-sp"], "Group");
    carolResetsPasswords(model);
    const [path, ...rest] = of(attackPaths(model), "bob");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 3, eligible: false });
  });

  it("Dave holds cluster-admin under an ABAC condition: his unconditional route through the group is reported", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("dave")
      .principal("carol")
      .group("admins", [])
      .assign(ROLE.aksRbacClusterAdmin, "admins", CLUSTER, { principalType: "Group" })
      .assign(ROLE.aksRbacClusterAdmin, "dave", CLUSTER, {
        condition: "@Resource[Microsoft.ContainerService/managedClusters:namespace] StringEquals 'team'",
      })
      .build();
    owns(model, "admins", ["dave"], "Group");
    carolResetsPasswords(model);
    const grants = evaluateClusterAccess(model, CLUSTER).principals.find(
      (e) => e.principal.id === "dave",
    )?.grants;
    expect(
      grants?.filter((grant) => grant.level === "cluster-admin").every((grant) => grant.conditional),
    ).toBe(true);
    const [path, ...rest] = of(attackPaths(model), "dave");
    expect(rest).toEqual([]);
    expect(path).toMatchObject({ level: "cluster-admin", hops: 2, conditional: false, eligible: false });
  });

  it("no path when the other route needs an activation too (not strictly better), nor when the level is held outright", () => {
    const model = new AccessModelBuilder(azureRbac)
      .principal("erin")
      .principal("frank")
      .principal("carol")
      .group("admins", [])
      .assign(ROLE.aksRbacClusterAdmin, "admins", CLUSTER, { principalType: "Group" })
      .assign(ROLE.aksRbacClusterAdmin, "frank", CLUSTER)
      .build();
    eligibleFor(model, ROLE.aksRbacClusterAdmin, "erin");
    eligibleMember(model, "admins", "erin");
    owns(model, "admins", ["frank"], "Group");
    carolResetsPasswords(model);
    const paths = attackPaths(model);
    expect(of(paths, "erin")).toEqual([]);
    expect(of(paths, "frank")).toEqual([]);
  });
});

/**
 * Grace owns group `ops`, only eligible for cluster-admin (2 hops, needs an activation), and a service
 * principal that owns group `admins`, which holds it standing (3 hops, needs nothing). With `condition`,
 * `ops` holds it standing but under an ABAC condition instead of eligibly.
 */
function graceShortEligibleLongStanding(options: { condition?: boolean } = {}): TenantModel {
  const builder = new AccessModelBuilder(azureRbac)
    .principal("grace")
    .principal("deployer-sp", "ServicePrincipal")
    .group("ops", [])
    .group("admins", [])
    .assign(ROLE.aksRbacClusterAdmin, "admins", CLUSTER, { principalType: "Group" });
  if (options.condition)
    builder.assign(ROLE.aksRbacClusterAdmin, "ops", CLUSTER, {
      principalType: "Group",
      condition: "@Resource[Microsoft.ContainerService/managedClusters:namespace] StringEquals 'team'",
    });
  const model = builder.build();
  if (!options.condition) eligibleFor(model, ROLE.aksRbacClusterAdmin, "ops", "Group");
  owns(model, "ops", ["grace"], "Group");
  owns(model, "deployer-sp", ["grace"], "ServicePrincipal");
  owns(model, "admins", ["deployer-sp"], "Group");
  return model;
}

// The shortest path is not the whole answer when it needs what a standing route does not: an activation can
// require approval and is logged (pim-resource-roles-activate-your-roles), a condition may not hold. Listed
// alone, the eligible route reads as "governed by PIM" while a route that works today goes unreported: a
// false "nobody" for standing access to cluster-admin.
describe("a shortest path to cluster-admin that needs an activation gets the standing route beside it", () => {
  it("Grace: 2 hops through ops (eligible), and 3 hops through deployer-sp and admins (standing), both listed", () => {
    const [shortest, standing, ...rest] = of(attackPaths(graceShortEligibleLongStanding()), "grace");
    expect(rest).toEqual([]);
    expect(shortest).toMatchObject({ level: "cluster-admin", hops: 2, eligible: true, conditional: false });
    expect(shortest.alternative).toBeUndefined();
    expect(kinds(shortest)).toContain("roleEligibility");
    expect(standing).toMatchObject({
      level: "cluster-admin",
      hops: 3,
      eligible: false,
      conditional: false,
      alternative: true,
    });
    expect(kinds(standing)).not.toContain("roleEligibility");
    expect(standing.path.map((step) => step.id)).toEqual(expect.arrayContaining(["deployer-sp", "admins"]));
  });

  it("Grace under a condition instead: the unconditional route is listed beside the conditional one", () => {
    const [shortest, unconditional, ...rest] = of(
      attackPaths(graceShortEligibleLongStanding({ condition: true })),
      "grace",
    );
    expect(rest).toEqual([]);
    expect(shortest).toMatchObject({ hops: 2, conditional: true, eligible: false });
    expect(unconditional).toMatchObject({ hops: 3, conditional: false, eligible: false, alternative: true });
  });

  it("nothing beside a shortest path that needs neither, nor when no surer route exists", () => {
    const model = graceShortEligibleLongStanding();
    // without the service principal's ownership of admins, only the eligible route is left
    model.directoryOwners = model.directoryOwners?.filter((owner) => owner.objectId !== "admins");
    expect(of(attackPaths(model), "grace").map((path) => [path.hops, path.alternative])).toEqual([
      [2, undefined],
    ]);
    // deployer-sp's own shortest route is standing (2 hops): nothing beside it
    expect(
      of(attackPaths(graceShortEligibleLongStanding()), "deployer-sp").map((path) => path.alternative),
    ).toEqual([undefined]);
  });

  it("stores both as escalation records (the standing one under `alternative`), and the finding names both", () => {
    const model = graceShortEligibleLongStanding();
    const index = buildAccessIndex(model);
    const access = evaluateClusterAccess(model, CLUSTER, index);
    const combined = withAttackPaths(access, new AttackPathSearch(index).forCluster(access));
    const records = accessToRecords([combined]).filter(
      (record) => record.kind === "access.escalation" && record.naturalKey.includes("|grace|"),
    );
    expect(records.map((record) => [record.naturalKey, (record.data as { hops: number }).hops])).toEqual([
      [`${CLUSTER}|grace|cluster-admin|*|attack-path`, 2],
      [`${CLUSTER}|grace|cluster-admin|alternative|attack-path`, 3],
    ]);
    expect(records[1].data).toMatchObject({ alternative: true, route: "attack-path" });

    const rule = FINDING_RULES.find((candidate) => candidate.id === "escalation-to-cluster-admin");
    if (!rule) throw new Error("rule missing");
    const [finding, ...others] = evaluateFindings(model, undefined, { rules: [rule] }).filter(
      (candidate) => candidate.evidence.objects[0]?.id === "grace",
    );
    expect(others).toEqual([]);
    expect(finding.severity).toBe("critical");
    expect(finding.evidence.paths).toHaveLength(2);
    expect(finding.evidence.summary).toMatch(
      /^grace is not cluster-admin on aks-1 but can become it in 2 steps \(a step needs a PIM activation\): .+\. Without an activation, in 3 steps: .+\.$/,
    );
  });
});

// Who acts as a managed identity by running pods (the identity `deployer` trusts default/deployer on aks-1
// through a federated credential; creating a pod that runs as that account gets its token). Rachel may
// create pods there as an eligible member of pod-makers (PIM for Groups: groups-activate-roles), and, standing,
// through ci-bot, a service principal she owns (serviceprincipal-addpassword). "After a PIM activation"
// would hide that she acts as the identity today.
describe("who acts as an identity through pods: the standing way over a shorter eligible one", () => {
  function rachel(ownsBot: boolean): TenantModel {
    const model = twoClusterTenant({
      objects: [
        role("default", "pod-maker", [{ verbs: ["create"], apiGroups: [""], resources: ["pods"] }]),
        roleBinding("default", "makers", { kind: "Role", name: "pod-maker" }, [group("pod-makers")]),
        roleBinding("default", "bot", { kind: "Role", name: "pod-maker" }, [user("ci-bot")]),
      ],
      setup: (builder) => {
        builder.principal("rachel").principal("ci-bot", "ServicePrincipal").group("pod-makers", []);
      },
    });
    eligibleMember(model, "pod-makers", "rachel");
    if (ownsBot) owns(model, "ci-bot", ["rachel"], "ServicePrincipal");
    return model;
  }
  const reachOf = (model: TenantModel) => {
    const index = buildAccessIndex(model);
    const reachers = new AttackPathSearch(index).podReachersOf(MI_PRINCIPAL);
    // the reference has no firstStepKind (the kind of the path's second step, known without building it)
    const plain = reachers.map(({ clusterId, reacher: { firstStepKind: _, ...reacher } }) => ({
      clusterId,
      reacher: { ...reacher, path: reacher.path },
    }));
    expect(JSON.stringify(plain)).toBe(
      JSON.stringify(new ReferenceAttackPathSearch(index).podReachersOf(MI_PRINCIPAL)),
    );
    return reachers.find(({ reacher }) => reacher.principal.id === "rachel")?.reacher;
  };

  it("Rachel owns ci-bot: her way to the identity is standing, through the service principal", () => {
    const reacher = reachOf(rachel(true));
    expect(reacher).toMatchObject({ eligible: false });
    expect(reacher?.path.map((step) => step.kind)).toContain("directoryOwnership");
    expect(reacher?.path.map((step) => step.kind)).not.toContain("groupEligibility");
  });

  it("without ci-bot, only after a PIM activation", () => {
    const reacher = reachOf(rachel(false));
    expect(reacher).toMatchObject({ eligible: true });
    expect(reacher?.path.map((step) => step.kind)).toContain("groupEligibility");
  });

  it('pod-creators-reach-identity says so: no "after a PIM activation" when she has a standing way', () => {
    const rule = FINDING_RULES.find((candidate) => candidate.id === "pod-creators-reach-identity");
    if (!rule) throw new Error("rule missing");
    const labels = (model: TenantModel) =>
      evaluateFindings(model, undefined, { rules: [rule] })
        .flatMap((finding) => finding.evidence.objects)
        .filter((object) => object.id === "rachel")
        .map((object) => object.label);
    expect(labels(rachel(true))).toEqual(["rachel (User)"]);
    expect(labels(rachel(false))).toEqual(["rachel (User), after a PIM activation"]);
  });
});

// A directory role that leads to a cluster: Ivy is only eligible for Global Administrator (an activation
// away from elevating herself to User Access Administrator at "/", elevate-access-global-admin), and owns
// `automation`, a service principal that holds the role standing (serviceprincipal-addpassword). The
// finding must report the role as working today, not "after a PIM activation".
describe("directory-role-reaches-clusters with a standing route beside an eligible one", () => {
  function ivy(ownsAutomation: boolean): TenantModel {
    const model = new AccessModelBuilder(azureRbac)
      .principal("ivy")
      .principal("automation", "ServicePrincipal")
      .build();
    const globalAdministrator = (id: string, principalId: string, eligible: boolean) => ({
      id,
      principalId,
      roleDefinitionId: DIRECTORY_ROLES.globalAdministrator,
      roleName: "Global Administrator",
      directoryScopeId: "/",
      eligible,
      endDateTime: null,
    });
    model.directoryRoleAssignments = [
      globalAdministrator("dra-ivy", "ivy", true),
      globalAdministrator("dra-automation", "automation", false),
    ];
    if (ownsAutomation) owns(model, "automation", ["ivy"], "ServicePrincipal");
    return model;
  }
  const ivyFinding = (model: TenantModel) => {
    const rule = FINDING_RULES.find((candidate) => candidate.id === "directory-role-reaches-clusters");
    if (!rule) throw new Error("rule missing");
    return evaluateFindings(model, undefined, { rules: [rule] }).find(
      (finding) => finding.evidence.objects[0]?.id === "ivy",
    );
  };

  it("reports Ivy's standing route through automation, at the rule's severity", () => {
    const paths = of(attackPaths(ivy(true)), "ivy").filter((path) => path.level === "cluster-admin");
    expect(paths.map((path) => [path.eligible, path.alternative === true])).toEqual([
      [true, false],
      [false, true],
    ]);
    const finding = ivyFinding(ivy(true));
    expect(finding?.severity).toBe("high");
    expect(finding?.evidence.summary).not.toContain("after a PIM activation");
    expect(finding?.evidence.paths?.[0].map((step) => step.kind)).toContain("directoryOwnership");
  });

  it("without automation, one step lower and after a PIM activation", () => {
    const finding = ivyFinding(ivy(false));
    expect(finding?.severity).toBe("medium");
    expect(finding?.evidence.summary).toContain("after a PIM activation");
  });
});

describe("an eligible grant beside a standing escalation to the same level", () => {
  it("stores one grant record (eligible) and one attack-path escalation record, keys unique", () => {
    const model = bobEligibleAndOwner();
    const index = buildAccessIndex(model);
    const access = evaluateClusterAccess(model, CLUSTER, index);
    const combined = withAttackPaths(access, new AttackPathSearch(index).forCluster(access));
    const records = accessToRecords([combined]).filter((record) => record.naturalKey.includes("|bob|"));
    const keys = records.map((record) => `${record.kind} ${record.naturalKey}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      records.filter(
        (record) => record.kind === "access.escalation" && record.naturalKey.endsWith("|attack-path"),
      ),
    ).toMatchObject([{ naturalKey: `${CLUSTER}|bob|cluster-admin|*|attack-path`, data: { hops: 2 } }]);
    expect(
      records.filter((record) => record.kind === "access.grant").map((record) => record.data),
    ).toMatchObject([{ level: "cluster-admin", eligible: true }]);
  });

  it("escalation-to-cluster-admin reports Bob's standing route", () => {
    const rule = FINDING_RULES.find((candidate) => candidate.id === "escalation-to-cluster-admin");
    if (!rule) throw new Error("rule missing");
    const findings = evaluateFindings(bobEligibleAndOwner(), undefined, { rules: [rule] });
    const bob = findings.filter((finding) => finding.evidence.objects[0]?.id === "bob");
    expect(bob).toHaveLength(1);
    expect(bob[0].status).toBe("fail");
    expect(bob[0].evidence.paths?.[0].map((step) => step.kind)).toContain("directoryOwnership");
    // Bob is cluster-admin after an activation: the finding says what the route saves him, not "is not"
    expect(bob[0].evidence.summary).toMatch(
      /^bob holds cluster-admin only after a PIM activation on aks-1 but can become it without an activation in 2 steps: /,
    );
    // Carol takes over Bob (a password reset) and uses his eligibility: her path needs an activation
    const carol = findings.filter((finding) => finding.evidence.objects[0]?.id === "carol");
    expect(carol[0].evidence.summary).toMatch(
      /^carol is not cluster-admin on aks-1 but can become it in 2 steps /,
    );
    expect(carol[0].evidence.summary).toContain("(a step needs a PIM activation)");
  });
});

// The optimised search (one pruned, early-stopped search per set of edges avoided) against the reference
// (a full search per level and set), on a generated tenant with PIM eligibilities: the comparison must
// include standing routes of principals holding the level only eligibly, or it would test nothing new.
describe("the optimised search agrees with the reference on eligible holders", () => {
  it("on a generated tenant (12 clusters, 1200 role assignments, 120 eligibilities), at 5 hops", {
    timeout: 120_000,
  }, async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await generateTenant(
      { seed: 11, subscriptions: 3, clusters: 12, roleAssignments: 1200, bindings: 900, principals: 250 },
      out,
    );
    out.end();
    const model = modelFromTenantFile(
      parseTenantFile(JSON.parse(Buffer.concat(chunks).toString("utf8")), "generated"),
    );
    const index = buildAccessIndex(model);
    const optimised = new AttackPathSearch(index);
    const reference = new ReferenceAttackPathSearch(index);
    let beatingEligible = 0;
    let alternatives = 0;
    for (const cluster of model.clusters) {
      const access = evaluateClusterAccess(model, cluster.id, index);
      const expected = reference.forCluster(access);
      const actual = optimised.forCluster(access);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, cluster.name).toEqual(expected);
      for (const path of actual) {
        if (path.alternative) alternatives += 1;
        const grants =
          access.principals.find((entry) => entry.principal.id === path.principal.id)?.grants ?? [];
        if (
          !path.eligible &&
          grants.some(
            (grant) =>
              grant.eligible &&
              grant.level !== "credentials-only" &&
              ACCESS_LEVEL_RANK[grant.level] >= ACCESS_LEVEL_RANK[path.level],
          )
        )
          beatingEligible += 1;
      }
    }
    expect(beatingEligible).toBeGreaterThan(0);
    expect(alternatives).toBeGreaterThan(0);
  });
});
