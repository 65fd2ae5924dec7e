import { createHmac } from "node:crypto";
import { contentHash } from "@/lib/model/records";
import type { ReportContent } from "@/lib/reports/report-schema";

// Redaction of personal data for reports handed to people outside the team: every user's display
// name, user principal name and object id, every Kubernetes user name and every e-mail address is
// replaced, in every string of the report, by a pseudonym such as "User 3f2a". Pseudonyms are keyed
// by the report's own content hash, so they are stable across formats and views of one report but
// cannot be correlated across reports (and cannot be reversed by hashing a list of known ids).

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Characters that continue a name or an address; a match must not touch one on either side. */
const NAME_CHAR = "A-Za-z0-9_.@\\-";

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Who counts as a person: directory users, and Kubernetes user names that are not system identities. */
function isPerson(entry: { kind: string; displayName: string }): boolean {
  if (entry.kind === "User") return true;
  return entry.kind === "KubernetesUser" && !entry.displayName.startsWith("system:");
}

class Pseudonyms {
  private readonly byDigest = new Map<string, string>();
  private readonly taken = new Set<string>();
  constructor(private readonly key: string) {}

  /** "User <shortest hex prefix of at least 4 that no other subject of this report has>" */
  for(subject: string): string {
    const digest = createHmac("sha256", this.key).update(subject.toLowerCase()).digest("hex");
    const known = this.byDigest.get(digest);
    if (known) return known;
    let length = 4;
    while (this.taken.has(digest.slice(0, length))) length++;
    const prefix = digest.slice(0, length);
    this.taken.add(prefix);
    const pseudonym = `User ${prefix}`;
    this.byDigest.set(digest, pseudonym);
    return pseudonym;
  }
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) out[key] = mapStrings(member, map);
    return out;
  }
  return value;
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === "object")
    for (const member of Object.values(value)) collectStrings(member, into);
}

export function redactReport(content: ReportContent): ReportContent {
  if (content.report.redacted) return content;
  const pseudonyms = new Pseudonyms(contentHash(content));
  const people = content.directory.filter(isPerson).sort((a, b) => a.id.localeCompare(b.id));

  // Every spelling of every person, longest first so "penny@contoso.example" wins over "Penny".
  const replacements = new Map<string, string>();
  for (const person of people) {
    const pseudonym = pseudonyms.for(person.id);
    for (const needle of [person.id, person.displayName, person.userPrincipalName]) {
      if (needle && needle.trim().length > 0) replacements.set(needle.toLowerCase(), pseudonym);
    }
  }
  let redacted: unknown = content;
  if (replacements.size > 0) {
    const needles = [...replacements.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
    const pattern = new RegExp(
      `(?<![${NAME_CHAR}])(?:${needles.map(escapeRegExp).join("|")})(?![${NAME_CHAR}])`,
      "gi",
    );
    redacted = mapStrings(content, (text) =>
      text.replace(pattern, (match) => replacements.get(match.toLowerCase()) ?? match),
    );
  }

  // The safety net: any e-mail address left (a guest's address in a summary, a mail-like Kubernetes
  // user), in a deterministic order so pseudonyms do not depend on where an address first appears.
  const strings: string[] = [];
  collectStrings(redacted, strings);
  const addresses = new Set<string>();
  for (const text of strings) for (const match of text.matchAll(EMAIL)) addresses.add(match[0].toLowerCase());
  for (const address of [...addresses].sort()) pseudonyms.for(address);
  redacted = mapStrings(redacted, (text) => text.replace(EMAIL, (match) => pseudonyms.for(match)));

  const result = redacted as ReportContent;
  return {
    ...result,
    report: { ...result.report, redacted: true },
    // Several spellings of one person collapse into one pseudonymous entry.
    directory: [
      ...new Map(
        result.directory.map((entry) => {
          if (!isPerson(entry)) return [JSON.stringify(entry), entry] as const;
          const { userPrincipalName: _dropped, ...rest } = entry;
          return [JSON.stringify(rest), rest] as const;
        }),
      ).values(),
    ],
  };
}
