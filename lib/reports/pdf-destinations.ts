// Reads which page each named destination of a Chromium-made PDF lands on. Chromium (Skia) writes a
// destination for every element an internal link points at, in an uncompressed /Dests dictionary, and
// a plain page tree. The PDF renderer uses this to print real page numbers in the table of contents
// (CSS `target-counter()` is not supported by Chromium). Anything unexpected yields an empty map, and
// the table of contents is then printed without page numbers: never a wrong number.

function objectBody(pdf: string, objectNumber: number): string | null {
  const header = new RegExp(`(?:^|[\\r\\n])${objectNumber} 0 obj\\b`);
  const match = header.exec(pdf);
  if (!match) return null;
  const start = match.index + match[0].length;
  const end = pdf.indexOf("endobj", start);
  return end < 0 ? null : pdf.slice(start, end);
}

function refs(text: string): number[] {
  return [...text.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
}

function decodeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Object numbers of the page objects, in page order (1-based page = index + 1). */
function pageOrder(pdf: string, pagesObject: number, depth = 0): number[] {
  if (depth > 32) return [];
  const body = objectBody(pdf, pagesObject);
  if (!body) return [];
  if (!/\/Type\s*\/Pages\b/.test(body)) return [pagesObject];
  const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body);
  if (!kids) return [];
  return refs(kids[1]).flatMap((kid) => pageOrder(pdf, kid, depth + 1));
}

export function pdfNamedDestinationPages(pdf: Uint8Array): Map<string, number> {
  const result = new Map<string, number>();
  const text = Buffer.from(pdf).toString("latin1");
  const catalogAt = text.search(/\/Type\s*\/Catalog\b/);
  if (catalogAt < 0) return result;
  const catalogText = text.slice(
    Math.max(0, text.lastIndexOf(" 0 obj", catalogAt)),
    text.indexOf("endobj", catalogAt),
  );
  const pagesRef = /\/Pages\s+(\d+) 0 R/.exec(catalogText);
  const destsRef = /\/Dests\s+(\d+) 0 R/.exec(catalogText);
  if (!pagesRef || !destsRef) return result;
  const pages = pageOrder(text, Number(pagesRef[1]));
  const pageIndex = new Map(pages.map((objectNumber, index) => [objectNumber, index + 1]));
  const dests = objectBody(text, Number(destsRef[1]));
  if (!dests) return result;
  for (const entry of dests.matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g)) {
    const page = pageIndex.get(Number(entry[2]));
    if (page !== undefined) result.set(decodeName(entry[1]), page);
  }
  return result;
}
