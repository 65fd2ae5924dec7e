/**
 * The subset of KQL that the scanner sends to Azure Resource Graph, parsed and evaluated exactly:
 *   <table> [| where <predicate>]* [| project <column or name = path>, ...] [| take|limit N]
 * with predicates `col == 'x'`, `=~`, `!=`, `!~`, `in (...)`, `in~ (...)`, `!in`, `!in~`, combined
 * with `and` / `or` / parentheses; columns may be dotted paths (`properties.aadProfile.managed`).
 * Anything else is rejected with a message naming it, so a scanner never silently gets a wrong answer.
 */

export class KqlError extends Error {
  override name = "KqlError";
}

type Token =
  | { kind: "identifier"; text: string; at: number }
  | { kind: "string"; text: string; at: number }
  | { kind: "number"; value: number; at: number }
  | { kind: "symbol"; text: string; at: number };

const SYMBOLS = ["!in~", "in~", "!in", "==", "=~", "!=", "!~", "|", "(", ")", ",", "=", "."];

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < query.length) {
    const character = query[position];
    if (/\s/.test(character)) {
      position++;
      continue;
    }
    if (character === "/" && query[position + 1] === "/") {
      while (position < query.length && query[position] !== "\n") position++;
      continue;
    }
    if (character === "'" || character === '"') {
      let text = "";
      let end = position + 1;
      while (end < query.length && query[end] !== character) {
        if (query[end] === "\\" && end + 1 < query.length) {
          text += query[end + 1];
          end += 2;
        } else {
          text += query[end];
          end++;
        }
      }
      if (end >= query.length) throw new KqlError(`unterminated string starting at position ${position}`);
      tokens.push({ kind: "string", text, at: position });
      position = end + 1;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => {
      if (!query.startsWith(candidate, position)) return false;
      // `in~`, `!in` only when not the start of a longer identifier
      if (/^!?in/.test(candidate)) return !/[A-Za-z0-9_]/.test(query[position + candidate.length] ?? "");
      return true;
    });
    if (symbol && !(symbol === "in~" && /[A-Za-z0-9_]/.test(query[position - 1] ?? ""))) {
      tokens.push({ kind: "symbol", text: symbol, at: position });
      position += symbol.length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(query.slice(position));
    if (number && !/[A-Za-z_]/.test(query[position - 1] ?? "")) {
      tokens.push({ kind: "number", value: Number(number[0]), at: position });
      position += number[0].length;
      continue;
    }
    const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(query.slice(position));
    if (identifier) {
      tokens.push({ kind: "identifier", text: identifier[0], at: position });
      position += identifier[0].length;
      continue;
    }
    throw new KqlError(`unexpected character '${character}' at position ${position}`);
  }
  return tokens;
}

export type KqlValue = string | number | boolean;
export type Predicate =
  | { kind: "and" | "or"; left: Predicate; right: Predicate }
  | { kind: "compare"; path: string[]; operator: "==" | "=~" | "!=" | "!~"; value: KqlValue }
  | { kind: "in"; path: string[]; values: KqlValue[]; caseInsensitive: boolean; negated: boolean };

export type Projection = { name: string; path: string[] };

export type KqlQuery = {
  table: "resources" | "authorizationresources";
  where: Predicate[];
  project?: Projection[];
  take?: number;
};

const TABLES = new Set(["resources", "authorizationresources"]);

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new KqlError("unexpected end of query");
    return token;
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token?.kind === "symbol" && token.text === text;
  }

  private isKeyword(text: string): boolean {
    const token = this.peek();
    return token?.kind === "identifier" && token.text.toLowerCase() === text;
  }

  private expectSymbol(text: string): void {
    const token = this.next();
    if (token.kind !== "symbol" || token.text !== text) {
      throw new KqlError(`expected '${text}' at position ${token.at}`);
    }
  }

  parse(): KqlQuery {
    const tableToken = this.next();
    if (tableToken.kind !== "identifier" || !TABLES.has(tableToken.text.toLowerCase())) {
      throw new KqlError(
        `unsupported table '${tableToken.kind === "identifier" ? tableToken.text : "?"}': the emulator serves 'resources' and 'authorizationresources'`,
      );
    }
    const query: KqlQuery = { table: tableToken.text.toLowerCase() as KqlQuery["table"], where: [] };
    while (this.peek()) {
      this.expectSymbol("|");
      const operator = this.next();
      if (operator.kind !== "identifier")
        throw new KqlError(`expected an operator after '|' at position ${operator.at}`);
      const name = operator.text.toLowerCase();
      if (name === "where") {
        if (query.project) throw new KqlError("'where' after 'project' is not supported by the emulator");
        query.where.push(this.parseOr());
      } else if (name === "project") {
        if (query.project) throw new KqlError("a second 'project' is not supported by the emulator");
        query.project = this.parseProjections();
      } else if (name === "take" || name === "limit") {
        const count = this.next();
        if (count.kind !== "number" || count.value < 0) throw new KqlError(`'${name}' needs a row count`);
        query.take = count.value;
      } else {
        throw new KqlError(
          `unsupported operator '${operator.text}': the emulator supports where, project, take and limit`,
        );
      }
      const after = this.peek();
      if (after && !(after.kind === "symbol" && after.text === "|")) {
        throw new KqlError(
          `unexpected '${after.kind === "number" ? after.value : after.text}' at position ${after.at}`,
        );
      }
    }
    return query;
  }

  private parseOr(): Predicate {
    let left = this.parseAnd();
    while (this.isKeyword("or")) {
      this.next();
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Predicate {
    let left = this.parsePrimary();
    while (this.isKeyword("and")) {
      this.next();
      left = { kind: "and", left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePath(): string[] {
    const first = this.next();
    if (first.kind !== "identifier") throw new KqlError(`expected a column name at position ${first.at}`);
    const path = [first.text];
    while (this.isSymbol(".")) {
      this.next();
      const part = this.next();
      if (part.kind !== "identifier") throw new KqlError(`expected a property name at position ${part.at}`);
      path.push(part.text);
    }
    if (this.isSymbol("(")) throw new KqlError(`unsupported function '${path.join(".")}()'`);
    return path;
  }

  private parseValue(): KqlValue {
    const token = this.next();
    if (token.kind === "string") return token.text;
    if (token.kind === "number") return token.value;
    if (token.kind === "identifier" && ["true", "false"].includes(token.text.toLowerCase())) {
      return token.text.toLowerCase() === "true";
    }
    if (token.kind === "identifier" && this.isSymbol("("))
      throw new KqlError(`unsupported function '${token.text}()'`);
    throw new KqlError(`expected a literal at position ${token.at}`);
  }

  private parsePrimary(): Predicate {
    if (this.isSymbol("(")) {
      this.next();
      const inner = this.parseOr();
      this.expectSymbol(")");
      return inner;
    }
    if (this.isKeyword("not")) throw new KqlError("unsupported function 'not()'");
    const path = this.parsePath();
    const operator = this.next();
    if (operator.kind === "symbol" && ["==", "=~", "!=", "!~"].includes(operator.text)) {
      return {
        kind: "compare",
        path,
        operator: operator.text as "==" | "=~" | "!=" | "!~",
        value: this.parseValue(),
      };
    }
    const inOperator =
      operator.kind === "symbol" && ["in~", "!in", "!in~"].includes(operator.text)
        ? operator.text
        : operator.kind === "identifier" && operator.text === "in"
          ? "in"
          : undefined;
    if (inOperator) {
      this.expectSymbol("(");
      const values: KqlValue[] = [this.parseValue()];
      while (this.isSymbol(",")) {
        this.next();
        values.push(this.parseValue());
      }
      this.expectSymbol(")");
      return {
        kind: "in",
        path,
        values,
        caseInsensitive: inOperator.endsWith("~"),
        negated: inOperator.startsWith("!"),
      };
    }
    const shown = operator.kind === "number" ? String(operator.value) : operator.text;
    throw new KqlError(
      `unsupported operator '${shown}' after '${path.join(".")}' at position ${operator.at}`,
    );
  }

  private parseProjections(): Projection[] {
    const projections: Projection[] = [];
    for (;;) {
      const start = this.position;
      const first = this.next();
      if (first.kind !== "identifier")
        throw new KqlError(`expected a column in 'project' at position ${first.at}`);
      if (this.isSymbol("=")) {
        this.next();
        projections.push({ name: first.text, path: this.parsePath() });
      } else {
        this.position = start;
        const path = this.parsePath();
        projections.push({ name: path.join("_"), path });
      }
      if (!this.isSymbol(",")) break;
      this.next();
    }
    return projections;
  }
}

export function parseKql(query: string): KqlQuery {
  const tokens = tokenize(query);
  if (tokens.length === 0) throw new KqlError("the query is empty");
  return new Parser(tokens).parse();
}

export function readPath(row: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = row;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function equals(actual: unknown, expected: KqlValue, caseInsensitive: boolean): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof expected === "string") {
    const text = typeof actual === "string" ? actual : String(actual);
    return caseInsensitive ? text.toLowerCase() === expected.toLowerCase() : text === expected;
  }
  return actual === expected;
}

export function evaluatePredicate(predicate: Predicate, row: Record<string, unknown>): boolean {
  switch (predicate.kind) {
    case "and":
      return evaluatePredicate(predicate.left, row) && evaluatePredicate(predicate.right, row);
    case "or":
      return evaluatePredicate(predicate.left, row) || evaluatePredicate(predicate.right, row);
    case "compare": {
      const actual = readPath(row, predicate.path);
      const insensitive = predicate.operator === "=~" || predicate.operator === "!~";
      const same = equals(actual, predicate.value, insensitive);
      return predicate.operator === "==" || predicate.operator === "=~" ? same : !same;
    }
    case "in": {
      const actual = readPath(row, predicate.path);
      const found = predicate.values.some((value) => equals(actual, value, predicate.caseInsensitive));
      return predicate.negated ? !found : found;
    }
  }
}

export function projectRow(query: KqlQuery, row: Record<string, unknown>): Record<string, unknown> {
  if (!query.project) return row;
  const projected: Record<string, unknown> = {};
  for (const projection of query.project) projected[projection.name] = readPath(row, projection.path) ?? null;
  return projected;
}
