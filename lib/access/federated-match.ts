import type { FederatedCredential } from "@/lib/model/azure";

// Does a Kubernetes service account's token satisfy a federated identity credential?
//
// Entra compares the external token's `iss` and `sub` with the credential's `issuer` and `subject`
// as exact strings ("The URL of the external identity provider, which must match the issuer claim
// of the external token being exchanged" — learn.microsoft.com/graph/api/resources/federatedidentitycredential),
// so `https://x/` and `https://x` are different issuers; AKS issuer URLs end with a slash.
//
// The audience is no obstacle: whoever runs a pod as the account chooses the audience of the
// projected token (serviceAccountToken.audience, or TokenRequest), and the exchange takes any
// identity whose credential matches — the `azure.workload.identity/client-id` annotation only
// tells the mutating webhook which client id to inject as an environment variable
// (learn.microsoft.com/azure/aks/workload-identity-overview: the webhook "projects a signed
// service account token"; the client id is a parameter of the token request). So a match needs
// no annotation.
//
// Flexible credentials (claimsMatchingExpression, 2025-01-31-preview) replace `subject` by an
// expression in a small language (learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials):
// `claims['<claim>'] <operator> '<comparand>'`, operators `matches` (wildcards `*` any run of
// characters, `?` one character) and `eq` (exact), clauses joined by `and` (and, accepted here
// too, `or`; `and` binds tighter). Anything else is reported as "unknown" so a caller can mark
// the edge conditional instead of dropping it. The same page documents flexible matching for tokens
// of GitHub, GitLab and Terraform Cloud only, so a service account's token an expression matches is
// "unknown" too (credentialMatchesServiceAccount).

export type ClaimsExpression = { value: string; languageVersion: number };

/** What matching reads of a credential: a managed identity's (ARM) or an application's (Graph). */
export type MatchableCredential = Pick<
  FederatedCredential,
  "issuer" | "subject" | "audiences" | "claimsMatchingExpression"
>;

/** true / false, or "unknown" when the expression is outside the documented language. */
export type MatchResult = boolean | "unknown";

type Clause = { claim: string; operator: "matches" | "eq"; comparand: string };
/** a disjunction of conjunctions */
export type ParsedExpression = Clause[][];

const CLAUSE = /^claims\['([A-Za-z0-9_:.-]+)'\]\s+(matches|eq)\s+'((?:[^'\\]|\\.)*)'$/;

/** The expression as or-of-ands, or null when it is not in the documented language. */
export function parseClaimsExpression(value: string): ParsedExpression | null {
  // Split outside quotes on the keywords `and` / `or` (surrounded by whitespace).
  const tokens: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === "\\" && quoted && i + 1 < value.length) {
      current += char + value[i + 1];
      i++;
      continue;
    }
    if (char === "'") quoted = !quoted;
    if (!quoted) {
      const rest = value.slice(i);
      const keyword = /^\s+(and|or)\s+/i.exec(rest);
      if (keyword) {
        tokens.push(current.trim(), keyword[1].toLowerCase());
        current = "";
        i += keyword[0].length - 1;
        continue;
      }
    }
    current += char;
  }
  if (quoted) return null;
  tokens.push(current.trim());
  const disjunction: ParsedExpression = [[]];
  for (let i = 0; i < tokens.length; i++) {
    if (i % 2 === 1) {
      if (tokens[i] === "or") disjunction.push([]);
      continue;
    }
    const clause = CLAUSE.exec(tokens[i]);
    if (!clause) return null;
    disjunction[disjunction.length - 1].push({
      claim: clause[1],
      operator: clause[2] as Clause["operator"],
      comparand: clause[3].replace(/\\(.)/g, "$1"),
    });
  }
  return disjunction;
}

const wildcardCache = new Map<string, RegExp>();

/** `*` = any run of characters, `?` = exactly one; everything else literal, case-sensitive. */
export function wildcardMatches(pattern: string, text: string): boolean {
  let regex = wildcardCache.get(pattern);
  if (!regex) {
    const body = pattern
      .split("")
      .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`, "s");
    wildcardCache.set(pattern, regex);
  }
  return regex.test(text);
}

export function evaluateClaimsExpression(
  expression: ClaimsExpression,
  claims: Readonly<Record<string, string>>,
): MatchResult {
  if (expression.languageVersion !== 1) return "unknown";
  const parsed = parseClaimsExpression(expression.value);
  if (!parsed) return "unknown";
  let unknown = false;
  for (const conjunction of parsed) {
    let all: MatchResult = true;
    for (const clause of conjunction) {
      const claim = claims[clause.claim];
      // A claim the token does not carry (or one we cannot know, like a custom claim): unknown.
      if (claim === undefined) {
        all = all === false ? false : "unknown";
        continue;
      }
      const ok =
        clause.operator === "eq" ? claim === clause.comparand : wildcardMatches(clause.comparand, claim);
      if (!ok) all = false;
    }
    if (all === true) return true;
    if (all === "unknown") unknown = true;
  }
  return unknown ? "unknown" : false;
}

/** The flexible expression of a credential, read defensively (older models have no such field). */
export function claimsExpressionOf(credential: MatchableCredential): ClaimsExpression | null {
  const raw = (credential as { claimsMatchingExpression?: unknown }).claimsMatchingExpression;
  if (!raw || typeof raw !== "object") return null;
  const { value, languageVersion } = raw as { value?: unknown; languageVersion?: unknown };
  if (typeof value !== "string") return null;
  return { value, languageVersion: typeof languageVersion === "number" ? languageVersion : 1 };
}

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * Can a token of service account `namespace/name` issued by `issuerUrl` be exchanged through this
 * credential? The token's claims are what the API server puts in a projected token: `iss`,
 * `sub`, and `aud` (chosen by the requester, so it matches any audience clause).
 */
export function credentialMatchesServiceAccount(
  credential: MatchableCredential,
  issuerUrl: string,
  namespace: string,
  name: string,
): MatchResult {
  if (credential.issuer !== issuerUrl) return false;
  const subject = serviceAccountSubject(namespace, name);
  const expression = claimsExpressionOf(credential);
  // Neither a subject nor an expression: a flexible credential whose expression was not returned (an
  // identity's read at an api-version before 2025-01-31-preview, an application's through Graph v1.0,
  // which has no claimsMatchingExpression). It may match anything of its issuer: unknown, not "no".
  if (!expression) return credential.subject === "" ? "unknown" : credential.subject === subject;
  const audience = credential.audiences[0] ?? "api://AzureADTokenExchange";
  const result = evaluateClaimsExpression(expression, { sub: subject, iss: issuerUrl, aud: audience });
  // Entra documents flexible credentials for matching tokens issued by GitHub, GitLab and Terraform
  // Cloud only (learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials,
  // the note on supported issuers): a Kubernetes token the expression matches may still be refused.
  return result === true ? "unknown" : result;
}
