/**
 * Where to go after signing in. Only a path on this app is accepted — never `//host`, `/\host` or a scheme —
 * so the sign-in flow cannot be turned into an open redirect.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 2000) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if ([...value].some((character) => character.charCodeAt(0) < 0x20 || character === "\\")) return "/";
  try {
    const parsed = new URL(value, "http://atlas.invalid");
    if (parsed.origin !== "http://atlas.invalid") return "/";
    // Dot segments can collapse into "//host" ("/.//evil" → "//evil"): check the normalized path again.
    if (parsed.pathname.startsWith("//") || parsed.pathname.startsWith("/auth/")) return "/";
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return "/";
  }
}
