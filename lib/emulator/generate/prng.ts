/**
 * A small, fast, deterministic PRNG for tenant generation. Every generated object draws from its
 * own stream, seeded by (seed, stream, index), so any object can be regenerated from its index
 * alone — the generator never has to keep earlier objects in memory to stay consistent.
 */

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes integers into one 32-bit hash (murmur3 finalizer per value). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9 ^ values.length;
  for (const value of values) {
    const low = value >>> 0;
    const high = Math.floor(value / 4294967296) >>> 0;
    h = fmix32(h ^ fmix32(low + 0x632be5ab));
    h = fmix32(h ^ fmix32(high + 0x2545f491));
  }
  return h >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function wordHex(word: number): string {
  return HEX[(word >>> 24) & 0xff] + HEX[(word >>> 16) & 0xff] + HEX[(word >>> 8) & 0xff] + HEX[word & 0xff];
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: one 32-bit output per call. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)];
  }

  /** Picks by relative weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** A random (version 4 shaped) GUID. */
  uuid(): string {
    const a = this.nextUint32();
    const b = (this.nextUint32() & 0xffff0fff) | 0x00004000;
    const c = (this.nextUint32() & 0x3fffffff) | 0x80000000;
    const d = this.nextUint32();
    const bHex = wordHex(b);
    const cHex = wordHex(c);
    return `${wordHex(a)}-${bHex.slice(0, 4)}-${bHex.slice(4)}-${cHex.slice(0, 4)}-${cHex.slice(4)}${wordHex(d)}`;
  }
}

/** The stream for object `index` of kind `stream` under `seed`. */
export function rngFor(seed: number, stream: number, index: number): Rng {
  return new Rng(hash32(seed, stream, index));
}

/**
 * Splits `total` items into `parts` contiguous ranges as evenly as possible; range p is
 * [starts[p], starts[p + 1]). Lets "identity i belongs to cluster c" be computed both ways.
 */
export function partition(total: number, parts: number): number[] {
  const starts: number[] = [];
  for (let part = 0; part <= parts; part++) starts.push(parts === 0 ? 0 : Math.floor((part * total) / parts));
  return starts;
}

/** The part that holds `index` in a partition (binary search over the starts). */
export function partOf(starts: readonly number[], index: number): number {
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}
