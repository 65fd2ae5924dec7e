import { createHmac } from "node:crypto";
import { ClusterObjects } from "@/lib/emulator/kubernetes/cluster-objects";
import type { ClusterEntry } from "@/lib/emulator/tenant-index";
import { effectiveKubernetesObjects } from "@/lib/model/kubernetes-defaults";
import type { KubernetesObject } from "@/lib/model/wire/kubernetes";

export type StaticCredentialKind = "admin" | "user";

/**
 * Builds each cluster's served objects on first use and keeps only the most recently used ones:
 * a 500-cluster tenant with defaults is hundreds of thousands of objects, and a scan reads each
 * cluster once, so an LRU keeps memory flat without slowing the common case.
 */
export class KubernetesClusters {
  private readonly cache = new Map<string, ClusterObjects>();

  constructor(
    private readonly seed: number,
    private readonly scannerObjects: (cluster: ClusterEntry) => KubernetesObject[],
    private readonly capacity = 24,
  ) {}

  objectsFor(cluster: ClusterEntry): ClusterObjects {
    const cached = this.cache.get(cluster.idLower);
    if (cached) {
      this.cache.delete(cluster.idLower);
      this.cache.set(cluster.idLower, cached);
      return cached;
    }
    const objects = [
      ...effectiveKubernetesObjects(cluster.resource, cluster.data),
      ...this.scannerObjects(cluster),
    ];
    const built = new ClusterObjects(objects);
    this.cache.set(cluster.idLower, built);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return built;
  }

  /**
   * The static bearer token of the cluster's local accounts (admin kubeconfig, and the user
   * kubeconfig of clusters without Entra integration). Derived from the seed: stable across restarts.
   */
  staticToken(cluster: ClusterEntry, kind: StaticCredentialKind): string {
    return createHmac("sha256", `aks-identity-atlas-emulator:${this.seed}`)
      .update(`kubernetes-static-token:${kind}:${cluster.idLower}`)
      .digest("hex");
  }
}
