// A 64-bit SimHash of an item's title and summary, to find near-identical stories across
// sources: similar texts get fingerprints a few bits apart. The value is a signed 64-bit
// decimal string, so it fits a Postgres bigint as is.
import { contentWords } from './words.ts';

/** Title words count more: summaries are cut at different lengths by different platforms. */
const TITLE_WEIGHT = 3;
const BITS = 64;

/** The SimHash of title + summary: accent-folded, lower-cased, function words removed, words and word pairs as features. */
export function computeFingerprint(title: string, summary: string): string {
  const weights = new Float64Array(BITS);
  addFeatures(weights, contentWords(title), TITLE_WEIGHT);
  addFeatures(weights, contentWords(summary), 1);
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit] > 0) lo |= 1 << bit;
    if (weights[bit + 32] > 0) hi |= 1 << bit;
  }
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}

/** A fingerprint as its two 32-bit halves: compared and cut into bands without BigInt arithmetic. */
export interface FingerprintHalves {
  hi: number;
  lo: number;
}

export function fingerprintHalves(fingerprint: string | bigint): FingerprintHalves {
  const value = BigInt.asUintN(64, BigInt(fingerprint));
  return { hi: Number(value >> 32n), lo: Number(value & 0xffffffffn) };
}

/** hammingDistance of two fingerprints already cut in halves. */
export function fingerprintDistance(a: FingerprintHalves, b: FingerprintHalves): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** Number of differing bits between two fingerprints (0–64). */
export function hammingDistance(a: string | bigint, b: string | bigint): number {
  const x = BigInt.asUintN(64, BigInt(a) ^ BigInt(b));
  return popcount32(Number(x & 0xffffffffn)) + popcount32(Number(x >> 32n));
}

/**
 * The fingerprint cut into `bands` equal slices, each a small integer: two fingerprints at most
 * `bands - 1` bits apart share at least one slice, so a store can find candidates by equality.
 * Eight 8-bit bands catch lightly edited reposts (often 8–15 bits apart) most of the time while
 * unrelated items share one about 3% of the time, cheap to weed out with compareStories.
 */
export function fingerprintBands(fingerprint: string | bigint, bands = 8): number[] {
  const { hi, lo } = fingerprintHalves(fingerprint);
  if (bands === 8) return [lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24];
  const value = (BigInt(hi) << 32n) | BigInt(lo);
  const width = BigInt(BITS / bands);
  const mask = (1n << width) - 1n;
  return Array.from({ length: bands }, (_, i) => Number((value >> (width * BigInt(i))) & mask));
}

/**
 * Lookup keys for near-duplicate candidates: one per pair of the eight 8-bit bands, numbered so
 * that keys of different pairs never collide. Two fingerprints share a key when at least two of
 * their bands are equal, which every pair at most 6 bits apart does (at least 2 bands intact);
 * unrelated texts share one about once in 2,300 pairs, where a single shared band would be one in 32.
 */
export function fingerprintKeys(fingerprint: string | bigint): number[] {
  const b = fingerprintBands(fingerprint, 8);
  const keys: number[] = [];
  let pair = 0;
  for (let i = 0; i < b.length; i++) {
    for (let j = i + 1; j < b.length; j++) keys.push(pair++ * 65_536 + b[i] * 256 + b[j]);
  }
  return keys;
}

const SEED_LO = 0x9747b28c;
const SEED_HI = 0x5bd1e995;

/**
 * Each feature (every word, and every pair of neighbours "a b") adds `weight` to the bits its
 * hash sets and takes it from the others. The sums are whole numbers, so they are counted
 * instead: per bit, how many features set it (ones), then weight × (ones − the rest) at once.
 */
function addFeatures(weights: Float64Array, words: string[], weight: number): void {
  const lo = new BitCounts();
  const hi = new BitCounts();
  for (let i = 0; i < words.length; i++) {
    lo.add(hash32(words[i], SEED_LO));
    hi.add(hash32(words[i], SEED_HI));
    if (i > 0) {
      lo.add(hashPair(words[i - 1], words[i], SEED_LO));
      hi.add(hashPair(words[i - 1], words[i], SEED_HI));
    }
  }
  const features = lo.added;
  const loOnes = lo.ones();
  const hiOnes = hi.ones();
  for (let bit = 0; bit < 32; bit++) {
    weights[bit] += weight * (2 * loOnes[bit] - features);
    weights[bit + 32] += weight * (2 * hiOnes[bit] - features);
  }
}

/** 32 counters, one per bit position, kept as binary digits across words ("vertical" counters). */
class BitCounts {
  /** planes[j] holds digit j (weight 2^j) of every counter. */
  private planes: number[] = [];
  added = 0;

  add(bits: number): void {
    this.added++;
    let carry = bits | 0;
    for (let j = 0; carry !== 0; j++) {
      if (j === this.planes.length) this.planes.push(0);
      const plane = this.planes[j];
      this.planes[j] = plane ^ carry;
      carry &= plane;
    }
  }

  /** Per bit position, how many of the added words had it set. */
  ones(): Int32Array {
    const counts = new Int32Array(32);
    for (let j = 0; j < this.planes.length; j++) {
      const plane = this.planes[j];
      for (let bit = 0; bit < 32; bit++) counts[bit] += ((plane >>> bit) & 1) << j;
    }
    return counts;
  }
}

/** MurmurHash3-style 32-bit hash of a string's UTF-16 code units. */
function hash32(text: string, seed: number): number {
  return finish(mix(seed >>> 0, text), text.length);
}

/** hash32(`${a} ${b}`), without building the string. */
function hashPair(a: string, b: string, seed: number): number {
  let h = mix(seed >>> 0, a);
  h = mixUnit(h, 0x20);
  return finish(mix(h, b), a.length + 1 + b.length);
}

function mix(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = mixUnit(h, text.charCodeAt(i));
  return h;
}

function mixUnit(h: number, unit: number): number {
  let k = Math.imul(unit, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(hash: number, length: number): number {
  let h = hash;
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function popcount32(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
