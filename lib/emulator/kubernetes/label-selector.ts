// Label selectors as the API server parses them (k8s.io/apimachinery/pkg/labels/selector.go):
// comma-separated requirements, where a comma inside `( … )` belongs to a value set.
//   key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key  key>1  key<1
// `!=` and `notin` also match objects without the key; `gt`/`lt` need an integer value.

type Requirement = (labels: Record<string, string>) => boolean;

export type ParsedSelector = { ok: true; matches: Requirement } | { ok: false; message: string };

const KEY = `(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?`;
const VALUE = `(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?`;
const keyPattern = new RegExp(`^${KEY}$`);
const valuePattern = new RegExp(`^${VALUE}$`);

function splitRequirements(selector: string): string[] | string {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of selector) {
    if (character === "(") depth += 1;
    if (character === ")") depth -= 1;
    if (depth < 0) return "found ')', expected: ',' or end of string";
    if (character === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += character;
  }
  if (depth !== 0) return "found '', expected: ')'";
  parts.push(current);
  return parts;
}

function parseRequirement(text: string): Requirement | string {
  const term = text.trim();
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (setMatch) {
    const [, key, operator, list] = setMatch;
    if (!keyPattern.test(key)) return `invalid label key "${key}"`;
    const values = list.split(",").map((value) => value.trim());
    const bad = values.find((value) => !valuePattern.test(value));
    if (bad !== undefined) return `invalid label value: "${bad}"`;
    if (operator === "in") return (labels) => Object.hasOwn(labels, key) && values.includes(labels[key]);
    return (labels) => !Object.hasOwn(labels, key) || !values.includes(labels[key]);
  }
  const compare = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (compare) {
    const [, key, operator, value] = compare;
    if (!keyPattern.test(key)) return `invalid label key "${key}"`;
    if (operator === ">" || operator === "<") {
      if (!/^-?\d+$/.test(value)) return `for 'Gt', 'Lt' operators, the value must be an integer`;
      const bound = Number.parseInt(value, 10);
      return (labels) => {
        if (!Object.hasOwn(labels, key) || !/^-?\d+$/.test(labels[key])) return false;
        const actual = Number.parseInt(labels[key], 10);
        return operator === ">" ? actual > bound : actual < bound;
      };
    }
    if (!valuePattern.test(value)) return `invalid label value: "${value}"`;
    if (operator === "!=") return (labels) => labels[key] !== value;
    return (labels) => Object.hasOwn(labels, key) && labels[key] === value;
  }
  if (term.startsWith("!")) {
    const key = term.slice(1).trim();
    if (!keyPattern.test(key)) return `invalid label key "${key}"`;
    return (labels) => !Object.hasOwn(labels, key);
  }
  if (!keyPattern.test(term)) return `invalid label key "${term}"`;
  return (labels) => Object.hasOwn(labels, term);
}

export function parseLabelSelector(selector: string): ParsedSelector {
  if (!selector.trim()) return { ok: true, matches: () => true };
  const parts = splitRequirements(selector);
  if (typeof parts === "string") return { ok: false, message: `unable to parse requirement: ${parts}` };
  const requirements: Requirement[] = [];
  for (const part of parts) {
    if (!part.trim())
      return { ok: false, message: "unable to parse requirement: found ',', expected: identifier" };
    const requirement = parseRequirement(part);
    if (typeof requirement === "string") {
      return { ok: false, message: `unable to parse requirement: ${requirement}` };
    }
    requirements.push(requirement);
  }
  return { ok: true, matches: (labels) => requirements.every((requirement) => requirement(labels)) };
}
