// A path's identity: its steps' kinds and ids, joined. One definition for the stored records (which sort
// their paths by it, so a content hash changes only when the access does), the report and the UI (React
// keys). Pure and dependency-free, so a client component may import it.

export function pathKey(path: readonly { kind: string; id: string }[]): string {
  return path.map((step) => `${step.kind}:${step.id}`).join(">");
}
