// The pages' caps on a tenant larger than them (the 500-cluster bench tenant): each capped list must say how
// many it leaves out, and the place it links to must have them all — a cap never reads as "nobody else".
// Checks, against a running server, the cluster pages' access list, "Can become cluster-admin" and findings,
// and the principal page's "Why clusters differ" and paths; exits 1 on the first count that does not add up.
//
//   tsx bench/pages/caps.ts --base http://127.0.0.1:3311 [--targets .data/bench-pages/targets.json]
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3311" },
    targets: { type: "string", default: ".data/bench-pages/targets.json" },
  },
});
const base = values.base ?? "http://127.0.0.1:3311";
const targetsFile = values.targets ?? ".data/bench-pages/targets.json";
if (!existsSync(targetsFile))
  throw new Error(`${targetsFile}: run bench/pages/run.ts --targets ${targetsFile} first`);
const targets = z
  .object({ targets: z.array(z.object({ name: z.string(), path: z.string() })) })
  .parse(JSON.parse(readFileSync(targetsFile, "utf8"))).targets;

let failures = 0;
function check(what: string, ok: boolean, detail: string) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
  if (!ok) failures++;
}

async function text(path: string): Promise<string> {
  const response = await fetch(`${base}${path}`, { headers: { accept: "text/html" } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  // the visible text's numbers: tags out, React's text separators out, entities that matter decoded
  return (await response.text())
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<!-- -->/g, "")
    .replace(/&amp;/g, "&");
}
async function json<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return schema.parse(await response.json());
}
const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;
const number = (html: string, pattern: RegExp) => {
  const match = pattern.exec(html);
  return match ? Number(match[1]) : null;
};

for (const target of targets.filter((entry) => entry.path.startsWith("/clusters/"))) {
  const slug = decodeURIComponent(target.path.slice("/clusters/".length));
  const html = await text(target.path);
  // Access: "25 of N shown. Show all N", and the JSON route has N principals
  const access = await json(
    `/api/clusters/${encodeURIComponent(slug)}/access`,
    z.object({ principals: z.array(z.unknown()) }),
  );
  const shown = /(\d+) of (\d+) shown\./.exec(html);
  check(
    `${target.name}: access list`,
    shown !== null && Number(shown[2]) === access.principals.length && html.includes(`Show all ${shown[2]}`),
    shown
      ? `${shown[1]} of ${shown[2]} shown; the access route lists ${access.principals.length}`
      : "no count",
  );
  const all = await text(`${target.path}?access=all`);
  check(
    `${target.name}: ?access=all`,
    !/\d+ of \d+ shown\./.test(all),
    "lists everyone (no count of hidden ones)",
  );
  // Can become: everyone counted is named or counted as "N more", and only the first 5 paths are rendered
  const becomers = number(html, /(\d+) principals? do(?:es)? not hold cluster-admin but can make/);
  const moreBecomers = number(html, /Can become cluster-admin[\s\S]*?(\d+) more in[\s\S]*?the access list/);
  const named = count(html, /could become cluster-admin on /g);
  check(
    `${target.name}: can become`,
    becomers !== null &&
      Math.min(5, becomers) === named &&
      (becomers <= 25 || moreBecomers === becomers - 25),
    `${becomers} can become; ${named} paths rendered; ${moreBecomers ?? 0} more in the access list`,
  );
  // Findings: "F failing, P passing or not assessed"; at most 3 of a rule listed, each rule's rest counted
  // beside it ("N more failing findings of this rule"), the rest counted at the end, the findings page has them all
  const failing = number(html, /(\d+) failing, \d+ passing or not assessed\./);
  const hiddenFailing = number(html, /(\d+) more failing findings? not listed here/) ?? 0;
  const listedFailing = count(html, />failing</g);
  const moreOfRules = [...html.matchAll(/(\d+) more failing findings? of this rule/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
  const listed = await json(
    `/api/findings?cluster=${encodeURIComponent(slug)}`,
    z.object({ total: z.number() }),
  );
  check(
    `${target.name}: findings`,
    failing === listed.total &&
      listedFailing + hiddenFailing === listed.total &&
      moreOfRules <= hiddenFailing,
    `${failing} failing, ${listedFailing} listed, ${hiddenFailing} not listed (${moreOfRules} of them counted by rule); the findings page has ${listed.total}`,
  );
  // every failing rule has a finding listed (3 rules × 3 findings and more would pass the 25: not on these tenants)
  const every = await json(
    `/api/clusters/${encodeURIComponent(slug)}/findings`,
    z.object({ findings: z.array(z.object({ ruleId: z.string(), status: z.string() })) }),
  );
  const rules = new Set(
    every.findings.filter((finding) => finding.status === "fail").map((finding) => finding.ruleId),
  );
  const rulesListed = [...rules].filter((rule) => html.includes(`<span class="font-mono">${rule}</span>`));
  check(
    `${target.name}: failing rules`,
    rulesListed.length === rules.size,
    `${rulesListed.length} of the ${rules.size} failing rules listed`,
  );
  const elsewhere = count(html, /evidence paths?, step by step, with/g);
  const inPlace = count(html, /aria-label="Evidence path \d+"/g);
  check(
    `${target.name}: evidence paths`,
    inPlace <= 20,
    `${inPlace} rendered in place, ${elsewhere} findings link to theirs`,
  );
}

for (const target of targets.filter((entry) => entry.path.startsWith("/principals/"))) {
  const html = await text(target.path);
  const more = number(html, /(\d+) more notes not shown here/);
  const all = await text(`${target.path}?all=1`);
  const notes = (page: string) =>
    count(
      page.slice(page.indexOf('id="differences-heading"'), page.indexOf('id="clusters-heading"')),
      /<li /g,
    );
  check(
    `${target.name}: why clusters differ`,
    more === null ? notes(html) <= 10 : notes(html) + more === notes(all),
    `${notes(html)} shown, ${more ?? 0} more; ?all=1 lists ${notes(all)}`,
  );
  const lazy = count(html, /Step by step: /g);
  const blocks = count(html, /<h4 /g);
  check(
    `${target.name}: paths`,
    count(html, /id="paths-\d+"/g) === 10 || lazy === 0,
    `${blocks} grant and attack-path headings in place, ${lazy} clusters load theirs when opened`,
  );
}
console.log(failures === 0 ? "\nEvery cap says what it leaves out." : `\n${failures} checks failed.`);
process.exitCode = failures === 0 ? 0 : 1;
