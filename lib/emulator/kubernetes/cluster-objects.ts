import { shortHash } from "@/lib/emulator/ids";
import {
  catalogResources,
  type ResourceInfo,
  resourceForObject,
  resourceKey,
} from "@/lib/emulator/kubernetes/resources";
import type { KubernetesObject, PolicyRule, RbacSubject } from "@/lib/model/wire/kubernetes";

function compareObjects(a: KubernetesObject, b: KubernetesObject): number {
  const namespaceA = a.metadata.namespace ?? "";
  const namespaceB = b.metadata.namespace ?? "";
  if (namespaceA !== namespaceB) return namespaceA < namespaceB ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export type BindingView = {
  object: KubernetesObject;
  namespace: string | undefined;
  roleKind: "Role" | "ClusterRole";
  roleName: string;
  subjects: RbacSubject[];
};

function asBinding(object: KubernetesObject): BindingView | undefined {
  const record = object as Record<string, unknown>;
  const roleRef = record.roleRef as { kind?: unknown; name?: unknown } | undefined;
  if (
    !roleRef ||
    (roleRef.kind !== "Role" && roleRef.kind !== "ClusterRole") ||
    typeof roleRef.name !== "string"
  ) {
    return undefined;
  }
  const subjects = Array.isArray(record.subjects) ? (record.subjects as RbacSubject[]) : [];
  return {
    object,
    namespace: object.metadata.namespace,
    roleKind: roleRef.kind,
    roleName: roleRef.name,
    subjects,
  };
}

export function rulesOf(object: KubernetesObject | undefined): PolicyRule[] {
  const rules = (object as Record<string, unknown> | undefined)?.rules;
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}

/**
 * One cluster's Kubernetes objects, indexed for serving: per resource, sorted as the API server
 * returns them (by namespace, then name), per namespace, by name; plus the RBAC objects the
 * authorizer needs, indexed by subject.
 */
export class ClusterObjects {
  readonly resources = new Map<string, ResourceInfo>();
  readonly resourceVersion: string;
  private readonly lists = new Map<string, KubernetesObject[]>();
  private readonly namespaced = new Map<string, Map<string, KubernetesObject[]>>();
  private readonly named = new Map<string, KubernetesObject>();
  readonly clusterRoles = new Map<string, KubernetesObject>();
  readonly roles = new Map<string, KubernetesObject>();
  /** ClusterRoleBindings and RoleBindings by subject key (`User:x`, `Group:y`, `ServiceAccount:ns:name`). */
  private readonly bindingsBySubject = new Map<string, BindingView[]>();

  constructor(objects: KubernetesObject[]) {
    for (const info of catalogResources())
      this.resources.set(resourceKey(info.group, info.version, info.plural), info);
    for (const object of objects) {
      const info = resourceForObject(object.apiVersion, object.kind, object.metadata.namespace !== undefined);
      const key = resourceKey(info.group, info.version, info.plural);
      if (!this.resources.has(key)) this.resources.set(key, info);
      const list = this.lists.get(key) ?? [];
      list.push(object);
      this.lists.set(key, list);
      this.named.set(`${key}|${object.metadata.namespace ?? ""}|${object.metadata.name}`, object);
      if (object.kind === "ClusterRole" && info.group === "rbac.authorization.k8s.io") {
        this.clusterRoles.set(object.metadata.name, object);
      }
      if (object.kind === "Role" && info.group === "rbac.authorization.k8s.io") {
        this.roles.set(`${object.metadata.namespace ?? ""}/${object.metadata.name}`, object);
      }
      if (object.kind === "ClusterRoleBinding" || object.kind === "RoleBinding") {
        const binding = asBinding(object);
        if (binding) {
          for (const subject of binding.subjects) {
            const subjectKey =
              subject.kind === "ServiceAccount"
                ? `ServiceAccount:${subject.namespace || binding.namespace || ""}:${subject.name}`
                : `${subject.kind}:${subject.name}`;
            const bound = this.bindingsBySubject.get(subjectKey) ?? [];
            bound.push(binding);
            this.bindingsBySubject.set(subjectKey, bound);
          }
        }
      }
    }
    for (const [key, list] of this.lists) {
      list.sort(compareObjects);
      const byNamespace = new Map<string, KubernetesObject[]>();
      for (const object of list) {
        const namespace = object.metadata.namespace ?? "";
        const inNamespace = byNamespace.get(namespace) ?? [];
        inNamespace.push(object);
        byNamespace.set(namespace, inNamespace);
      }
      this.namespaced.set(key, byNamespace);
    }
    // A stable resourceVersion derived from the content, so unchanged tenants look unchanged.
    this.resourceVersion = String(
      Number.parseInt(shortHash(String(objects.length) + JSON.stringify(objects.slice(0, 50)), 7), 16),
    );
  }

  list(key: string, namespace?: string): KubernetesObject[] {
    if (namespace === undefined) return this.lists.get(key) ?? [];
    return this.namespaced.get(key)?.get(namespace) ?? [];
  }

  get(key: string, namespace: string | undefined, name: string): KubernetesObject | undefined {
    return this.named.get(`${key}|${namespace ?? ""}|${name}`);
  }

  bindingsFor(subjectKeys: string[]): BindingView[] {
    return subjectKeys.flatMap((key) => this.bindingsBySubject.get(key) ?? []);
  }
}
