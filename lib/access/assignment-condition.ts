import { actionMatches } from "@/lib/access/wildcard";
import type { RoleDefinition } from "@/lib/model/azure";

// Which roles may the holder of `Microsoft.Authorization/roleAssignments/write` assign, given the
// ABAC conditions on its own assignment and in its role definition? Role Based Access Control
// Administrator is usually assigned with one ("Delegate Azure role assignment management to others
// with conditions", learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples),
// and some built-in roles carry one in their permissions. The condition is evaluated as ARM would
// for a roleAssignments/write request (grammar: MicrosoftDocs/azure-docs articles/
// role-based-access-control/conditions-format.md): `AND`/`&&`, `OR`/`||`, `NOT`/`!`, parentheses;
// `ActionMatches{'<pattern>'}` matches the request's action as a permission pattern would
// (`roleAssignments/*` matches write); the role of the new assignment,
// `@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]`, compared with `GuidEquals`,
// `GuidNotEquals` (plain or under `ForAnyOfAnyValues:`/`ForAllOfAnyValues:`/`ForAnyOfAllValues:`/
// `ForAllOfAllValues:`; a single value, so "any of" is "some listed value", "all of" is "every
// listed value"). Everything else — the principal it is for, @Resource, @Principal, @Environment,
// suboperations, operators not listed — depends on the request and is "unknown" (three-valued
// logic: unknown OR true is true, unknown AND false is false). The result is exact ("only" /
// "except" / "any") when the role alone decides; otherwise "unknown": every role may be assigned,
// and paths through it are reported as conditional. A condition that does not parse is "unknown".

export type AssignableRoles =
  | { kind: "any" }
  | { kind: "only"; roleGuids: Set<string> }
  | { kind: "except"; roleGuids: Set<string> }
  | { kind: "unknown" };

const WRITE_ACTION = "Microsoft.Authorization/roleAssignments/write";

const cache = new Map<string, AssignableRoles>();

export function assignableRoles(condition: string | null): AssignableRoles {
  if (condition === null || condition.trim() === "") return { kind: "any" };
  const cached = cache.get(condition);
  if (cached) return cached;
  const result = evaluateForWrite(condition);
  cache.set(condition, result);
  return result;
}

/**
 * The roles a holder of `definition`, assigned with `assignmentCondition`, may assign: the
 * definition's permission blocks that grant roleAssignments/write each bring their own condition,
 * which holds beside the assignment's (both must be true).
 */
export function assignableRolesFor(
  definition: RoleDefinition,
  assignmentCondition: string | null,
): AssignableRoles {
  const granting = definition.permissions.filter(
    (block) =>
      block.actions.some((pattern) => actionMatches(pattern, WRITE_ACTION)) &&
      !block.notActions.some((pattern) => actionMatches(pattern, WRITE_ACTION)),
  );
  const conditions = granting.map((block) => block.condition ?? null);
  if (conditions.length === 0 || conditions.some((condition) => !condition))
    return assignableRoles(assignmentCondition);
  const perBlock = conditions.map((condition) =>
    assignableRoles(assignmentCondition ? `(${condition}) AND (${assignmentCondition})` : condition),
  );
  return perBlock.reduce(union);
}

/** Roles either block may assign (a permission is granted when some block grants it). */
function union(a: AssignableRoles, b: AssignableRoles): AssignableRoles {
  if (a.kind === "unknown" || b.kind === "unknown") return { kind: "unknown" };
  if (a.kind === "any" || b.kind === "any") return { kind: "any" };
  if (a.kind === "only" && b.kind === "only")
    return { kind: "only", roleGuids: new Set([...a.roleGuids, ...b.roleGuids]) };
  if (a.kind === "except" && b.kind === "except")
    return { kind: "except", roleGuids: new Set([...a.roleGuids].filter((guid) => b.roleGuids.has(guid))) };
  const only = a.kind === "only" ? a : (b as { kind: "only"; roleGuids: Set<string> });
  const except = a.kind === "except" ? a : (b as { kind: "except"; roleGuids: Set<string> });
  return {
    kind: "except",
    roleGuids: new Set([...except.roleGuids].filter((guid) => !only.roleGuids.has(guid))),
  };
}

export function mayAssign(roles: AssignableRoles, roleGuid: string): boolean {
  switch (roles.kind) {
    case "any":
    case "unknown":
      return true;
    case "only":
      return roles.roleGuids.has(normalizeRoleGuid(roleGuid));
    case "except":
      return !roles.roleGuids.has(normalizeRoleGuid(roleGuid));
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing and three-valued evaluation

/** true, false, or null = depends on something the request does not tell us */
type Truth = boolean | null;

type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "not"; operand: Node }
  | { kind: "action"; pattern: string }
  | { kind: "role"; operator: string; guids: string[] }
  | { kind: "opaque" };

const GUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GUID_BARE = /^[0-9a-f]{32}$/;

/** A role definition GUID in one form: lower case, with dashes (built-in conditions omit them). */
function normalizeRoleGuid(value: string): string {
  const text = value.trim().toLowerCase();
  if (GUID_BARE.test(text))
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  return text;
}

function evaluateForWrite(condition: string): AssignableRoles {
  let tree: Node;
  try {
    tree = new Parser(tokenize(condition)).parse();
  } catch {
    return { kind: "unknown" };
  }
  const mentioned = new Set<string>();
  collectGuids(tree, mentioned);
  // A role no clause names stands for every other role.
  const other = "ffffffff-ffff-ffff-ffff-ffffffffffff-other";
  const forOther = evaluate(tree, other);
  const byGuid = [...mentioned].map((guid) => [guid, evaluate(tree, guid)] as const);
  if (forOther === null || byGuid.some(([, truth]) => truth === null)) return { kind: "unknown" };
  if (forOther) {
    const denied = byGuid.filter(([, truth]) => !truth).map(([guid]) => guid);
    return denied.length === 0 ? { kind: "any" } : { kind: "except", roleGuids: new Set(denied) };
  }
  return { kind: "only", roleGuids: new Set(byGuid.filter(([, truth]) => truth).map(([guid]) => guid)) };
}

function collectGuids(node: Node, into: Set<string>): void {
  switch (node.kind) {
    case "and":
    case "or":
      collectGuids(node.left, into);
      collectGuids(node.right, into);
      return;
    case "not":
      collectGuids(node.operand, into);
      return;
    case "role":
      for (const guid of node.guids) into.add(guid);
      return;
    default:
      return;
  }
}

function evaluate(node: Node, roleGuid: string): Truth {
  switch (node.kind) {
    case "and": {
      const left = evaluate(node.left, roleGuid);
      if (left === false) return false;
      const right = evaluate(node.right, roleGuid);
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case "or": {
      const left = evaluate(node.left, roleGuid);
      if (left === true) return true;
      const right = evaluate(node.right, roleGuid);
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
    case "not": {
      const operand = evaluate(node.operand, roleGuid);
      return operand === null ? null : !operand;
    }
    case "action":
      return actionMatches(node.pattern, WRITE_ACTION);
    case "role":
      return compareRole(node.operator, node.guids, roleGuid);
    case "opaque":
      return null;
  }
}

/** The request's single role GUID against the listed ones. */
function compareRole(operator: string, guids: string[], roleGuid: string): Truth {
  const [quantifier, base] = operator.includes(":") ? operator.split(":") : ["", operator];
  let equal: boolean;
  switch (base.toLowerCase()) {
    case "guidequals":
    case "stringequalsignorecase":
      equal = true;
      break;
    case "guidnotequals":
    case "stringnotequalsignorecase":
      equal = false;
      break;
    default:
      return null;
  }
  const test = (guid: string) => (guid === roleGuid) === equal;
  switch (quantifier.toLowerCase()) {
    case "":
      return guids.length === 1 ? test(guids[0]) : null;
    case "foranyofanyvalues":
    case "forallofanyvalues":
      return guids.some(test);
    case "foranyofallvalues":
    case "forallofallvalues":
      return guids.every(test);
    default:
      return null;
  }
}

type Token =
  | { type: "(" | ")" | "and" | "or" | "not" }
  | { type: "function"; name: string; argument: string }
  | { type: "attribute"; source: string; name: string }
  | { type: "values"; values: string[] }
  | { type: "word"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "(" || char === ")") {
      tokens.push({ type: char });
      at += 1;
    } else if (text.startsWith("&&", at)) {
      tokens.push({ type: "and" });
      at += 2;
    } else if (text.startsWith("||", at)) {
      tokens.push({ type: "or" });
      at += 2;
    } else if (char === "!") {
      tokens.push({ type: "not" });
      at += 1;
    } else if (char === "@") {
      const match = /^@(\w+)\[([^\]]*)\]/.exec(text.slice(at));
      if (!match) throw new Error(`bad attribute at ${at}`);
      tokens.push({ type: "attribute", source: match[1], name: match[2].trim() });
      at += match[0].length;
    } else if (char === "{") {
      const end = text.indexOf("}", at);
      if (end < 0) throw new Error("unclosed {");
      tokens.push({ type: "values", values: splitValues(text.slice(at + 1, end)) });
      at = end + 1;
    } else if (char === "'") {
      const end = text.indexOf("'", at + 1);
      if (end < 0) throw new Error("unclosed '");
      tokens.push({ type: "values", values: [text.slice(at + 1, end)] });
      at = end + 1;
    } else {
      const match = /^[^\s(){}'@!&|]+/.exec(text.slice(at));
      if (!match) throw new Error(`unexpected ${char} at ${at}`);
      const word = match[0];
      at += word.length;
      const upper = word.toUpperCase();
      if (upper === "AND") tokens.push({ type: "and" });
      else if (upper === "OR") tokens.push({ type: "or" });
      else if (upper === "NOT") tokens.push({ type: "not" });
      else if (text[at] === "{" && /^(ActionMatches|SubOperationMatches)$/i.test(word)) {
        const end = text.indexOf("}", at);
        if (end < 0) throw new Error("unclosed {");
        tokens.push({ type: "function", name: word.toLowerCase(), argument: text.slice(at + 1, end).trim() });
        at = end + 1;
      } else tokens.push({ type: "word", text: word });
    }
  }
  return tokens;
}

function splitValues(inner: string): string[] {
  return inner
    .split(",")
    .map((value) => value.trim().replace(/^'(.*)'$/, "$1"))
    .filter((value) => value.length > 0);
}

const ROLE_ATTRIBUTE = "microsoft.authorization/roleassignments:roledefinitionid";

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.at !== this.tokens.length) throw new Error("trailing tokens");
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token {
    const token = this.tokens[this.at];
    if (!token) throw new Error("unexpected end");
    this.at += 1;
    return token;
  }

  private or(): Node {
    let node = this.and();
    while (this.peek()?.type === "or") {
      this.next();
      node = { kind: "or", left: node, right: this.and() };
    }
    return node;
  }

  private and(): Node {
    let node = this.unary();
    while (this.peek()?.type === "and") {
      this.next();
      node = { kind: "and", left: node, right: this.unary() };
    }
    return node;
  }

  private unary(): Node {
    if (this.peek()?.type === "not") {
      this.next();
      return { kind: "not", operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.next();
    if (token.type === "(") {
      const node = this.or();
      if (this.next().type !== ")") throw new Error("expected )");
      return node;
    }
    if (token.type === "function") {
      const pattern = token.argument.replace(/^'(.*)'$/, "$1");
      return token.name === "actionmatches" ? { kind: "action", pattern } : { kind: "opaque" };
    }
    // Exists / NotExists <attribute>
    if (token.type === "word" && /^(Exists|NotExists)$/i.test(token.text)) {
      if (this.next().type !== "attribute") throw new Error("expected an attribute");
      return { kind: "opaque" };
    }
    // <left> <operator> <right>
    if (token.type === "attribute" || token.type === "values" || token.type === "word") {
      const operator = this.next();
      if (operator.type !== "word") throw new Error("expected an operator");
      const right = this.next();
      if (right.type !== "values" && right.type !== "word" && right.type !== "attribute")
        throw new Error("expected a value");
      if (
        token.type === "attribute" &&
        token.source.toLowerCase() === "request" &&
        token.name.toLowerCase() === ROLE_ATTRIBUTE &&
        right.type !== "attribute"
      ) {
        const guids = (right.type === "values" ? right.values : [right.text]).map(normalizeRoleGuid);
        // GuidEquals takes GUIDs; anything else is not ours to interpret.
        if (guids.length === 0 || !guids.every((guid) => GUID_DASHED.test(guid))) return { kind: "opaque" };
        return { kind: "role", operator: operator.text, guids };
      }
      return { kind: "opaque" };
    }
    throw new Error("unexpected token");
  }
}
