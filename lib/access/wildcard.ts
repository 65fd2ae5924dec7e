// Azure RBAC action patterns: `*` is a wildcard anywhere, matching is case-insensitive, and a `/*/`
// segment also matches no segment at all (Managed Identity Operator's
// `Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action` grants
// `Microsoft.ManagedIdentity/userAssignedIdentities/assign/action`).

const compiled = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

export function compileActionPattern(pattern: string): RegExp {
  // Looked up as written first: a hot path (millions of calls on a large tenant) need not lower-case.
  const asWritten = compiled.get(pattern);
  if (asWritten) return asWritten;
  const key = pattern.toLowerCase();
  let regex = compiled.get(key);
  if (!regex) {
    const body = key
      .split("/*/")
      .map((part) => escapeRegExp(part).replace(/\*/g, ".*"))
      .join("(?:/.*)?/");
    regex = new RegExp(`^${body}$`, "i");
    compiled.set(key, regex);
  }
  compiled.set(pattern, regex);
  return regex;
}

export function actionMatches(pattern: string, action: string): boolean {
  return compileActionPattern(pattern).test(action);
}
