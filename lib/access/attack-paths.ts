import { type AccessIndex, buildAccessIndex } from "@/lib/access/access-index";
import { AttackEdges, type NodeId, type ReverseEdge, type TargetEdge } from "@/lib/access/attack-edges";
import {
  EDGE_CONDITIONAL,
  EDGE_ELIGIBLE,
  EDGE_WEIGHT_ONE,
  type NodeNumbering,
} from "@/lib/access/attack-graph";
import { evaluateClusterAccess } from "@/lib/access/evaluate-cluster";
import { principalStep } from "@/lib/access/paths";
import {
  ACCESS_LEVEL_RANK,
  type AccessPrincipal,
  ATTACK_PATH_LEVELS,
  type AttackPathLevel,
  type ClusterAccess,
  type Escalation,
  type PathStep,
} from "@/lib/access/types";
import type { TenantModel } from "@/lib/model/tenant-model";

// Multi-hop attack paths: for every (principal, cluster), the shortest path to each level the
// principal can reach in at most `maxHops` hops but does not hold. The search runs backwards from
// the cluster's levels over the reverse edges of attack-edges.ts (a 0-1 breadth-first search with
// one bucket per hop count), so its cost is what can reach the cluster, never principals ×
// clusters. Edges are built lazily and cached for the whole tenant: a managed identity's inbound
// edges are computed once, however many clusters it reaches.

export const DEFAULT_MAX_HOPS = 5;
/**
 * The level whose shortest path, when it needs a PIM activation or a condition, gets the route that needs
 * neither listed beside it. Only the strongest: for weaker levels, a principal still gets its shortest path.
 */
export const ALTERNATIVE_LEVEL: AttackPathLevel = "cluster-admin";
export const MIN_MAX_HOPS = 1;
export const MAX_MAX_HOPS = 8;

export type AttackPath = {
  principal: AccessPrincipal;
  level: AttackPathLevel;
  /** the namespace of the level reached (admin, write, read); null = cluster-wide */
  namespace: string | null;
  hops: number;
  conditional: boolean;
  /** a step needs a PIM activation */
  eligible: boolean;
  path: PathStep[];
  /**
   * Listed beside the principal's shortest path to cluster-admin when that one needs a PIM activation or a
   * condition: the best route that needs neither (or one of them). Absent on the shortest path.
   */
  alternative?: true;
};

/**
 * Who reaches an identity through pods. Hundreds of thousands per cluster on a large tenant, of which a
 * finding lists a hundred: the path is built when first read, and its second step's kind (a group
 * membership?) is known without it.
 */
export type PodReacher = AttackPath & { firstStepKind: string | null };

/**
 * The reachers a caller of podReachersOf wants; the others are left out before their reacher is built. Asked
 * apart, because the principal alone settles most of them (a cluster's cluster-admins, every group where every
 * account is one): a reacher whose shortest way needs a PIM activation is searched again for its standing way,
 * and that second search is made only for the principals wanted, and stops once they are settled.
 */
export type WantedReachers = {
  principal?: (principal: AccessPrincipal) => boolean;
  /** by the kind of the path's first step (PodReacher's firstStepKind) */
  firstStep?: (firstStepKind: string | null) => boolean;
};

function withLazyPath<T extends object>(fields: T, build: () => PathStep[]): T & { path: PathStep[] } {
  let path: PathStep[] | undefined;
  Object.defineProperty(fields, "path", {
    get: () => {
      path ??= build();
      return path;
    },
    enumerable: true,
  });
  return fields as T & { path: PathStep[] };
}

type Visit = {
  hops: number;
  conditional: boolean;
  eligible: boolean;
  /** the edge taken from this node toward the target */
  edge: ReverseEdge | TargetEdge;
  /** the next node on the path; null when the edge reaches the cluster level */
  next: NodeId | null;
  namespace: string | null;
};

export function assertMaxHops(maxHops: number): void {
  if (!Number.isInteger(maxHops) || maxHops < MIN_MAX_HOPS || maxHops > MAX_MAX_HOPS)
    throw new RangeError(`max hops must be an integer from ${MIN_MAX_HOPS} to ${MAX_MAX_HOPS}`);
}

export class AttackPathSearch {
  readonly edges: AttackEdges;
  /** the running search's visits by node number (one search at a time: search() calls nothing that searches) */
  private readonly marks = new SearchMarks();
  constructor(
    readonly index: AccessIndex,
    readonly maxHops: number = DEFAULT_MAX_HOPS,
  ) {
    assertMaxHops(maxHops);
    this.edges = AttackEdges.of(index);
  }

  /** The attack paths into one cluster, given the engine's access on it (what everyone already holds). */
  forCluster(access: ClusterAccess): AttackPath[] {
    const clusterId = access.cluster.id;
    const held = heldGrants(access);
    const targetEdges = this.edges.targetEdges(access);
    /** the nodes of principals holding a grant (the only ones a level can be held-but-not-outright by) */
    const holders = new Set<NodeId>();
    for (const edge of targetEdges) if (edge.held) holders.add(edge.from);
    // A directory group's rows stand for its members, and where the tenant's sign-in group holds something
    // (`system:authenticated` bound on an Entra-integrated cluster: resolveSubject) every member holds it as
    // an account that signs in: so does the group. Without this a group would be reported as able to
    // "become" what each of its members already holds.
    const signedIn = held.get(this.index.entraSignInGroup.id);
    const heldBy = (principal: AccessPrincipal, node: NodeId) =>
      signedIn && principal.kind === "Group"
        ? [...(held.get(principal.id) ?? []), ...signedIn]
        : holders.has(node)
          ? held.get(principal.id)
          : undefined;
    const results: AttackPath[] = [];
    /** the fewest hops to a stronger level already reported, per node: a weaker level is reported only when closer */
    const bestStronger = new Map<NodeId, number>();
    /**
     * The fewest hops at which the stronger levels' searches reached each node. A weaker level's
     * start edges include the stronger ones', so its search reaches every node in at most as many
     * hops; a path through a node it reaches no closer than a stronger level did can only end at a
     * principal that is no closer either, which is never reported. So each weaker search expands
     * only the nodes it brings strictly closer: after the first level, the search costs what the
     * weaker grants add, not the whole graph again (results as if each level searched in full:
     * attack-paths-reference.ts, compared in attack-paths.test.ts).
     */
    const closest = new Map<NodeId, number>();
    /** the same, per set of edges avoided, for the searches of principals holding a level only eligibly or conditionally */
    const closestAvoiding = new Map<Avoid, Map<NodeId, number>>();
    for (const level of ATTACK_PATH_LEVELS) {
      const rank = ACCESS_LEVEL_RANK[level];
      const levelEdges = targetEdges.filter(
        (edge) =>
          ACCESS_LEVEL_RANK[edge.level] >= rank && (level !== "cluster-admin" || edge.namespace === null),
      );
      const visits = this.search(levelEdges, {
        prune:
          closest.size === 0
            ? undefined
            : (node, hops) => hops >= (closest.get(node) ?? Number.POSITIVE_INFINITY),
      });
      for (const [node, visit] of visits) {
        if (visit.hops < (closest.get(node) ?? Number.POSITIVE_INFINITY)) closest.set(node, visit.hops);
      }
      const pathFor = (node: NodeId, visit: Visit, from: Map<NodeId, Visit>): AttackPath | null => {
        const who = this.edges.principals.get(node);
        if (!who) return null;
        return {
          principal: who.principal,
          level,
          namespace: this.namespaceOf(from, node),
          hops: visit.hops,
          conditional: visit.conditional,
          eligible: visit.eligible,
          path: this.pathOf(from, node, who.principal),
        };
      };
      const report = (node: NodeId, visit: Visit, from: Map<NodeId, Visit>) => {
        if (visit.hops >= (bestStronger.get(node) ?? Number.POSITIVE_INFINITY)) return;
        const found = pathFor(node, visit, from);
        if (!found) return;
        bestStronger.set(node, visit.hops);
        results.push(found);
      };
      /** principals holding the level only eligibly or conditionally, and what a better path must avoid */
      const restricted = new Map<NodeId, Exclude<HeldRestriction, "held">>();
      /** principals whose shortest path needs an activation or a condition, and what the route beside it must avoid */
      const alternatives = new Map<NodeId, Exclude<HeldRestriction, "held">>();
      for (const [node, visit] of visits) {
        const who = this.edges.principals.get(node);
        if (!who) continue;
        // A service account is a principal of its own cluster only.
        if (who.clusterId !== null && who.clusterId !== clusterId) continue;
        const heldGrantsOf = heldBy(who.principal, node);
        const restriction = heldGrantsOf ? heldRestriction(heldGrantsOf, rank) : null;
        if (restriction === "held") continue;
        if (restriction !== null) restricted.set(node, restriction);
        else {
          report(node, visit, visits);
          const surer = level === ALTERNATIVE_LEVEL ? surerRoute(visit) : null;
          if (surer !== null) alternatives.set(node, surer);
        }
      }
      // A principal holding the level only eligibly (or under a condition) gets the best path that needs no
      // activation (or no condition), however longer than its own grant, which is its shortest: a search
      // over the edges such a path may take, one per set of edges to avoid, stopped once each principal
      // is settled or could no longer be reported. Such a principal has its own grant as a start edge (or
      // no predecessor, and then its other start edges): it is among the nodes reached above. Weaker
      // levels' searches avoiding the same edges are pruned like the main one (`closest`).
      // The route listed beside a shortest path that needs an activation or a condition comes from the same
      // searches: such a principal is one more target, whose route is never cut short by a stronger level's
      // (it is the strongest level; ALTERNATIVE_LEVEL).
      if (restricted.size === 0 && alternatives.size === 0) continue;
      const best = new Map<NodeId, { visit: Visit; from: Map<NodeId, Visit> }>();
      const keep = (node: NodeId, visit: Visit | undefined, from: Map<NodeId, Visit>) => {
        if (visit && isBetterVisit(visit, best.get(node)?.visit)) best.set(node, { visit, from });
      };
      const reportableBelow = (node: NodeId) =>
        alternatives.has(node)
          ? Number.POSITIVE_INFINITY
          : (bestStronger.get(node) ?? Number.POSITIVE_INFINITY);
      for (const avoid of AVOIDS) {
        const allowed = (edge: ReverseEdge) =>
          !(avoid.eligible && edge.eligible) && !(avoid.conditional && edge.conditional);
        const targets = new Set<NodeId>();
        for (const [node, restriction] of restricted)
          if (RESTRICTION_AVOIDS[restriction].includes(avoid)) targets.add(node);
        for (const [node, restriction] of alternatives)
          if (RESTRICTION_AVOIDS[restriction].includes(avoid)) targets.add(node);
        if (targets.size === 0) continue;
        const closer = closestAvoiding.get(avoid) ?? new Map<NodeId, number>();
        closestAvoiding.set(avoid, closer);
        const found = this.search(levelEdges.filter(allowed), {
          avoid,
          prune:
            closer.size === 0
              ? undefined
              : (node, hops) => hops >= (closer.get(node) ?? Number.POSITIVE_INFINITY),
          targets: { nodes: targets, reportableBelow },
        });
        for (const [node, visit] of found) {
          if (visit.hops < (closer.get(node) ?? Number.POSITIVE_INFINITY)) closer.set(node, visit.hops);
        }
        for (const node of targets) keep(node, found.get(node), found);
      }
      for (const [node, { visit, from }] of best) {
        if (!alternatives.has(node)) {
          report(node, visit, from);
          continue;
        }
        const found = pathFor(node, visit, from);
        if (found) results.push({ ...found, alternative: true });
      }
    }
    results.sort(compareAttackPaths);
    return results;
  }

  /**
   * Who can act as a managed identity from inside a cluster: the principals that can run a pod, mint a
   * service-account token or exec into a pod whose tokens the identity accepts (workload identity, IMDS
   * on the nodes, AAD Pod Identity), each with the cluster where the pod runs and the path there. The
   * search starts at the identity and keeps to the edges that come out of pods on its first step.
   */
  podReachersOf(
    identityPrincipalId: string,
    /** only pods on this cluster: everyone who reaches the identity there, not only those whose shortest way is there */
    onCluster?: string,
    /**
     * the reachers the caller wants (the others are left out before their reacher is built — most of a large
     * tenant's are members reaching through a group, which a finding lists as the group); all when omitted
     */
    wanted: WantedReachers = {},
  ): { clusterId: string; reacher: PodReacher }[] {
    const identityNode: NodeId = `p:${identityPrincipalId}`;
    const start: TargetEdge = {
      from: identityNode,
      weight: 1,
      steps: [],
      conditional: false,
      level: "read",
      namespace: null,
      held: false,
    };
    // out of the identity, only the edges from pods (on the cluster asked about)
    const fromPods = {
      node: identityNode,
      follow: (edge: ReverseEdge) => {
        const cluster = podSide(edge.from);
        return cluster !== null && (onCluster === undefined || cluster === onCluster);
      },
    };
    const visits = this.search([start], { onlyAt: fromPods });
    // A reacher whose shortest way needs a PIM activation is shown by its standing way when it has one:
    // "after a PIM activation" would otherwise hide that it acts as the identity today. Searched for the
    // principals wanted only: the search stops once they are settled, and their visits are final by then
    // whatever else it was asked to settle (a node's visit no longer changes once its hop count's bucket is done).
    const eligibleReachers = new Set<NodeId>();
    for (const [node, visit] of visits) {
      if (!visit.eligible || node === identityNode) continue;
      const who = this.edges.principals.get(node);
      if (who && (wanted.principal === undefined || wanted.principal(who.principal)))
        eligibleReachers.add(node);
    }
    const standing =
      eligibleReachers.size === 0
        ? null
        : this.search([start], {
            avoid: AVOID_ELIGIBLE,
            onlyAt: fromPods,
            targets: { nodes: eligibleReachers, reportableBelow: () => Number.POSITIVE_INFINITY },
          });
    const results: { clusterId: string; reacher: PodReacher }[] = [];
    for (const node of visits.keys()) {
      if (node === identityNode) continue;
      const found =
        (eligibleReachers.has(node) && standing?.has(node)
          ? this.reachThroughPods(standing, identityNode, node)
          : null) ?? this.reachThroughPods(visits, identityNode, node);
      if (found === null) continue;
      if (wanted.principal && !wanted.principal(found.principal)) continue;
      const firstStepKind = this.firstStepKind(found.visits, node);
      if (wanted.firstStep && !wanted.firstStep(firstStepKind)) continue;
      results.push(this.podReacher(found, node, firstStepKind));
    }
    results.sort(
      (a, b) => compare(a.clusterId, b.clusterId) || compare(a.reacher.principal.id, b.reacher.principal.id),
    );
    return results;
  }

  /** Whether a visit makes its principal a reacher: the principal, and the cluster whose pods its way goes through. */
  private reachThroughPods(
    visits: Map<NodeId, Visit>,
    identityNode: NodeId,
    node: NodeId,
  ): { visits: Map<NodeId, Visit>; visit: Visit; principal: AccessPrincipal; clusterId: string } | null {
    const who = this.edges.principals.get(node);
    const visit = visits.get(node);
    if (!who || !visit) return null;
    const clusterId = reachedThroughPodsOn(visits, identityNode, node, who.clusterId);
    if (clusterId === null) return null;
    return { visits, visit, principal: who.principal, clusterId };
  }

  /** The reacher a visit stands for, its path built when read. */
  private podReacher(
    found: { visits: Map<NodeId, Visit>; visit: Visit; principal: AccessPrincipal; clusterId: string },
    node: NodeId,
    firstStepKind: string | null,
  ): { clusterId: string; reacher: PodReacher } {
    const { visits, visit, principal, clusterId } = found;
    return {
      clusterId,
      reacher: withLazyPath(
        {
          principal,
          level: "read",
          namespace: null,
          hops: visit.hops - 1,
          conditional: visit.conditional,
          eligible: visit.eligible,
          firstStepKind,
        },
        () => this.pathOf(visits, node, principal),
      ),
    };
  }

  /** The kind of a path's second step (the first after the principal), without building the path. */
  private firstStepKind(visits: Map<NodeId, Visit>, node: NodeId): string | null {
    for (let at: NodeId | null = node, guard = 0; at !== null && guard <= MAX_MAX_HOPS * 4; guard++) {
      const visit = visits.get(at);
      if (!visit) break;
      const [first] = visit.edge.steps;
      if (first) return first.kind;
      at = visit.next;
    }
    return null;
  }

  /** The clusters whose pods (tokens, execs) lead into this identity in one step. */
  podSideClustersOf(identityPrincipalId: string): Set<string> {
    const clusters = new Set<string>();
    for (const part of this.edges.predecessorParts(`p:${identityPrincipalId}`))
      for (const edge of part) {
        const clusterId = podSide(edge.from);
        if (clusterId !== null) clusters.add(clusterId);
      }
    return clusters;
  }

  private search(
    start: readonly TargetEdge[],
    options: {
      /** the edges not to take: an Avoid's PIM-eligible ones, its conditional ones, or both */
      avoid?: Avoid;
      /** at this node, only the edges `follow` accepts (the others everywhere) */
      onlyAt?: { node: NodeId; follow: (edge: ReverseEdge) => boolean };
      /** nodes not to expand (reached, but leading nowhere worth reporting) */
      prune?: (node: NodeId, hops: number) => boolean;
      /**
       * stop once each of these nodes is settled (its visit is final when its hop count's bucket is done) or
       * could be reached only at `reportableBelow` hops or more (it would not be reported)
       */
      targets?: { nodes: ReadonlySet<NodeId>; reportableBelow: (node: NodeId) => number };
    } = {},
  ): Map<NodeId, Visit> {
    const { onlyAt, prune, targets } = options;
    const avoidMask = avoidMaskOf(options.avoid);
    const maxHops = this.maxHops;
    const visits = new Map<NodeId, Visit>();
    const buckets: NodeId[][] = Array.from({ length: maxHops + 1 }, () => []);
    for (const edge of start) {
      // A grant held by someone nothing leads into starts no path: its holder has the level already.
      if (edge.held && !this.edges.hasPredecessors(edge.from)) continue;
      const visit = startVisit(edge);
      if (isBetterVisit(visit, visits.get(edge.from))) {
        visits.set(edge.from, visit);
        buckets[1].push(edge.from);
      }
    }
    // What `visits` holds, by node number, for the inner loop (SearchMarks): rebuilt from it when the
    // numbers start again under the search (an edge cache dropped lists).
    const numbering = this.edges.numbering;
    let epoch = numbering.epoch;
    const marks = this.marks.begin(visits, numbering);
    for (let hops = 1; hops <= maxHops; hops++) {
      const bucket = buckets[hops];
      // The bucket grows while it is walked: weight-0 edges stay at the same hop count.
      for (let i = 0; i < bucket.length; i++) {
        const node = bucket[i];
        const current = visits.get(node);
        if (!current || current.hops !== hops) continue;
        if (prune?.(node, hops)) continue;
        const follow = onlyAt !== undefined && onlyAt.node === node ? onlyAt.follow : undefined;
        // Tens of millions of edges are looked at per scan, most only to find their source reached
        // already: read from flat arrays (FlatPart), not from edges of several classes with getters, and
        // asked of the marks by number, not of the map by string.
        const parts = this.edges.flatPredecessorParts(node);
        if (numbering.epoch !== epoch) {
          epoch = numbering.epoch;
          marks.begin(visits, numbering);
        }
        marks.cover(numbering.size);
        const { stamps, best } = marks;
        const stamp = marks.stamp;
        const nodeNumber = numbering.numberOf(node);
        const currentTraits =
          (current.conditional ? VISIT_CONDITIONAL : 0) | (current.eligible ? VISIT_ELIGIBLE : 0);
        for (const { edges, sources, sourceNumbers, traits } of parts) {
          for (let k = 0; k < sources.length; k++) {
            const trait = traits[k];
            if ((trait & avoidMask) !== 0) continue;
            const total = hops + (trait & EDGE_WEIGHT_ONE);
            if (total > maxHops) continue;
            const number = sourceNumbers[k];
            if (number === nodeNumber) continue;
            const seen = stamps[number] === stamp;
            const existing = seen ? best[number] : 0;
            if (seen && total > existing >> 2) continue;
            if (follow !== undefined && !follow(edges[k])) continue;
            const visitTraits =
              currentTraits |
              ((trait & EDGE_CONDITIONAL) !== 0 ? VISIT_CONDITIONAL : 0) |
              ((trait & EDGE_ELIGIBLE) !== 0 ? VISIT_ELIGIBLE : 0);
            const from = sources[k];
            if (seen && total === existing >> 2) {
              // isBetterVisit at equal length, without allocating a visit for the many candidates that lose
              const wasConditional = (existing & VISIT_CONDITIONAL) !== 0;
              const conditional = (visitTraits & VISIT_CONDITIONAL) !== 0;
              const surer =
                (wasConditional && !conditional) ||
                (wasConditional === conditional &&
                  (existing & VISIT_ELIGIBLE) !== 0 &&
                  (visitTraits & VISIT_ELIGIBLE) === 0);
              if (!surer) continue;
              // Only an equal-length replacement can loop: a node on this path has at most `hops` hops.
              if (this.createsCycle(visits, node, from)) continue;
            }
            visits.set(from, {
              hops: total,
              conditional: (visitTraits & VISIT_CONDITIONAL) !== 0,
              eligible: (visitTraits & VISIT_ELIGIBLE) !== 0,
              edge: edges[k],
              next: node,
              namespace: current.namespace,
            });
            stamps[number] = stamp;
            best[number] = (total << 2) | visitTraits;
            buckets[total].push(from);
          }
        }
      }
      if (targets && this.settled(targets, visits, hops)) break;
    }
    return visits;
  }

  private settled(
    targets: { nodes: ReadonlySet<NodeId>; reportableBelow: (node: NodeId) => number },
    visits: Map<NodeId, Visit>,
    hops: number,
  ): boolean {
    for (const node of targets.nodes)
      if (
        (visits.get(node)?.hops ?? Number.POSITIVE_INFINITY) > hops &&
        hops + 1 < targets.reportableBelow(node)
      )
        return false;
    return true;
  }

  /** Replacing a node's visit by an equal-length one must not make the path loop back through it. */
  private createsCycle(visits: Map<NodeId, Visit>, next: NodeId, node: NodeId): boolean {
    for (let at: NodeId | null = next, guard = 0; at !== null && guard <= MAX_MAX_HOPS * 4; guard++) {
      if (at === node) return true;
      at = visits.get(at)?.next ?? null;
    }
    return false;
  }

  private namespaceOf(visits: Map<NodeId, Visit>, node: NodeId): string | null {
    return visits.get(node)?.namespace ?? null;
  }

  private pathOf(visits: Map<NodeId, Visit>, node: NodeId, principal: AccessPrincipal): PathStep[] {
    const path: PathStep[] = [principalStep(principal)];
    for (let at: NodeId | null = node, guard = 0; at !== null && guard <= MAX_MAX_HOPS * 4; guard++) {
      const visit = visits.get(at);
      if (!visit) break;
      path.push(...visit.edge.steps);
      at = visit.next;
    }
    return path;
  }
}

/** The cluster of a pod-side node (`sa:`, `wi:`, `pods:`, `token:`, `exec:`, `tokenname:`, `execname:`, `anypod:`, `hostpod:`), null for any other node. */
export function podSide(node: NodeId): string | null {
  const match = /^(?:sa|wi|pods|token|exec|tokenname|execname|anypod|hostpod):([^|]+)/.exec(node);
  return match ? match[1] : null;
}

/**
 * The cluster whose pods a principal's way to an identity goes through (the node just before the identity
 * is the pod side), or null when that way makes no reacher of it: the trusted service account itself
 * (`sa:` beside its `wi:` token node) is the means, not someone who reaches the identity, and a service
 * account reaches only through its own cluster.
 */
export function reachedThroughPodsOn(
  visits: ReadonlyMap<NodeId, { next: NodeId | null }>,
  identityNode: NodeId,
  node: NodeId,
  principalClusterId: string | null,
): string | null {
  let podNode: NodeId | null = node;
  for (let guard = 0; podNode !== null && guard <= MAX_MAX_HOPS * 4; guard++) {
    const next: NodeId | null = visits.get(podNode)?.next ?? null;
    if (next === identityNode) break;
    podNode = next;
  }
  const clusterId = podNode === null ? null : podSide(podNode);
  if (clusterId === null || podNode === node || podNode === `wi:${node.slice(3)}`) return null;
  if (principalClusterId !== null && principalClusterId !== clusterId) return null;
  return clusterId;
}

/** The traits an Avoid leaves out. */
function avoidMaskOf(avoid: Avoid | undefined): number {
  if (avoid === undefined) return 0;
  return (avoid.eligible ? EDGE_ELIGIBLE : 0) | (avoid.conditional ? EDGE_CONDITIONAL : 0);
}

/** A visit's certainty in SearchMarks.best, beside its hop count (hops << 2). */
const VISIT_CONDITIONAL = 2;
const VISIT_ELIGIBLE = 1;

/**
 * The search's visits by node number (NodeNumbering): for each node reached in the running search, its hop
 * count and certainty — what the inner loop compares a candidate with — in typed arrays, so that the tens
 * of millions of "reached already, closer" answers cost an array read instead of a string-keyed map
 * lookup. A node's entry counts only when its stamp is the running search's, so the arrays are never
 * cleared between searches; `visits` (the map) stays the search's answer.
 */
class SearchMarks {
  stamps = new Uint32Array(1024);
  best = new Int32Array(1024);
  stamp = 0;

  /** a new search (or the same one after the numbers started again), marking what `visits` holds */
  begin(visits: ReadonlyMap<NodeId, Visit>, numbering: NodeNumbering): this {
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    for (const [node, visit] of visits) {
      const number = numbering.numberOf(node);
      this.cover(number + 1);
      this.stamps[number] = this.stamp;
      this.best[number] =
        (visit.hops << 2) |
        (visit.conditional ? VISIT_CONDITIONAL : 0) |
        (visit.eligible ? VISIT_ELIGIBLE : 0);
    }
    return this;
  }

  /** room for node numbers below `size` */
  cover(size: number): void {
    if (size <= this.stamps.length) return;
    let length = this.stamps.length;
    while (length < size) length *= 2;
    const stamps = new Uint32Array(length);
    stamps.set(this.stamps);
    const best = new Int32Array(length);
    best.set(this.best);
    this.stamps = stamps;
    this.best = best;
  }
}

function startVisit(edge: TargetEdge): Visit {
  return {
    hops: 1,
    conditional: edge.conditional,
    eligible: edge.eligible ?? false,
    edge,
    next: null,
    namespace: edge.namespace,
  };
}

function isBetterVisit(candidate: Visit, current: Visit | undefined): boolean {
  return (
    !current ||
    candidate.hops < current.hops ||
    (candidate.hops === current.hops && current.conditional && !candidate.conditional) ||
    // at equal length and certainty, standing access beats a path that needs a PIM activation
    (candidate.hops === current.hops &&
      candidate.conditional === current.conditional &&
      current.eligible &&
      !candidate.eligible)
  );
}

/** A principal's grants on the cluster (credentials-only aside): their rank, and whether each is eligible or conditional. */
export type HeldGrant = { rank: number; eligible: boolean; conditional: boolean };

export function heldGrants(access: ClusterAccess): Map<string, HeldGrant[]> {
  const held = new Map<string, HeldGrant[]>();
  for (const entry of access.principals) {
    const grants: HeldGrant[] = [];
    for (const grant of entry.grants)
      if (grant.level !== "credentials-only")
        grants.push({
          rank: ACCESS_LEVEL_RANK[grant.level],
          eligible: grant.eligible === true,
          conditional: grant.conditional,
        });
    held.set(entry.principal.id, grants);
  }
  return held;
}

/**
 * How a principal holds a level (grants of that rank or above): `held` = standing and unconditionally,
 * so no path is worth reporting; null = not at all, so its shortest path is. Otherwise it holds the level
 * only after a PIM activation or under a condition, and a path is reported only when strictly better than
 * every such grant: `standing` (no activation), `unconditional`, both, or either one. Not reported, the
 * route that works today would be hidden behind an eligibility: a false "nobody" for standing access.
 */
export type HeldRestriction =
  | "held"
  | "standing"
  | "unconditional"
  | "standing-and-unconditional"
  | "standing-or-unconditional";

export function heldRestriction(
  grants: readonly HeldGrant[] | undefined,
  rank: number,
): HeldRestriction | null {
  let eligibleOnly = false;
  let conditionalOnly = false;
  let both = false;
  for (const grant of grants ?? []) {
    if (grant.rank < rank) continue;
    if (!grant.eligible && !grant.conditional) return "held";
    if (grant.eligible && grant.conditional) both = true;
    else if (grant.eligible) eligibleOnly = true;
    else conditionalOnly = true;
  }
  if (eligibleOnly && conditionalOnly) return "standing-and-unconditional";
  if (eligibleOnly) return "standing";
  if (conditionalOnly) return "unconditional";
  return both ? "standing-or-unconditional" : null;
}

/** Edges a search leaves out: those needing a PIM activation, those under a condition, or both. */
export type Avoid = { readonly eligible: boolean; readonly conditional: boolean };
const AVOID_ELIGIBLE: Avoid = { eligible: true, conditional: false };
const AVOID_CONDITIONAL: Avoid = { eligible: false, conditional: true };
const AVOID_BOTH: Avoid = { eligible: true, conditional: true };
export const AVOIDS: readonly Avoid[] = [AVOID_ELIGIBLE, AVOID_CONDITIONAL, AVOID_BOTH];

/** The edges each restriction's searches leave out: one search per entry, the better result kept. */
export const RESTRICTION_AVOIDS: Record<Exclude<HeldRestriction, "held">, readonly Avoid[]> = {
  standing: [AVOID_ELIGIBLE],
  unconditional: [AVOID_CONDITIONAL],
  "standing-and-unconditional": [AVOID_BOTH],
  "standing-or-unconditional": [AVOID_ELIGIBLE, AVOID_CONDITIONAL],
};

/**
 * What the route listed beside a shortest path must avoid to be strictly better than it (the restriction
 * of a principal holding the level the way that path reaches it); null when the path needs neither an
 * activation nor a condition.
 */
export function surerRoute(path: {
  eligible: boolean;
  conditional: boolean;
}): Exclude<HeldRestriction, "held"> | null {
  if (path.eligible && path.conditional) return "standing-or-unconditional";
  if (path.eligible) return "standing";
  if (path.conditional) return "unconditional";
  return null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By principal, then strongest level first, the shortest path before the route listed beside it. */
export function compareAttackPaths(a: AttackPath, b: AttackPath): number {
  return (
    compare(a.principal.id, b.principal.id) ||
    ACCESS_LEVEL_RANK[b.level] - ACCESS_LEVEL_RANK[a.level] ||
    Number(a.alternative === true) - Number(b.alternative === true)
  );
}

export function attackPathEscalation(path: AttackPath): Escalation {
  return {
    to: path.level,
    route: "attack-path",
    path: path.path,
    hops: path.hops,
    conditional: path.conditional,
    namespace: path.namespace,
    ...(path.eligible ? { eligible: true } : {}),
    ...(path.alternative ? { alternative: true } : {}),
  };
}

/** The cluster's access with its attack paths added as escalations (route `attack-path`). */
export function withAttackPaths(access: ClusterAccess, paths: readonly AttackPath[]): ClusterAccess {
  if (paths.length === 0) return access;
  const principals = access.principals.map((entry) => ({ ...entry, escalations: [...entry.escalations] }));
  const byId = new Map(principals.map((entry) => [entry.principal.id, entry]));
  for (const path of paths) {
    let entry = byId.get(path.principal.id);
    if (!entry) {
      entry = { principal: path.principal, grants: [], escalations: [] };
      byId.set(path.principal.id, entry);
      principals.push(entry);
    }
    entry.escalations.push(attackPathEscalation(path));
  }
  return { cluster: access.cluster, principals };
}

/** Attack paths of every cluster, one cluster at a time (memory: the model, its index and the edge caches). */
export function* iterateAttackPaths(
  model: TenantModel,
  options: { maxHops?: number; index?: AccessIndex } = {},
): Generator<{ access: ClusterAccess; paths: AttackPath[] }> {
  const index = options.index ?? buildAccessIndex(model);
  const search = new AttackPathSearch(index, options.maxHops ?? DEFAULT_MAX_HOPS);
  for (const cluster of model.clusters) {
    const access = evaluateClusterAccess(model, cluster.id, index);
    yield { access, paths: search.forCluster(access) };
  }
}
