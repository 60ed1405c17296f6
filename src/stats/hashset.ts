/**
 * HashSet64: a set (optionally a multiset) of 64-bit hashes given as (hi, lo) uint32 pairs.
 *
 * Open addressing with linear probing over one Uint32Array of interleaved (hi, lo) pairs.
 * The pair (0, 0) is the reserved empty marker; the key (0, 0) itself is stored out of band
 * (`zero`). The table is a power of two and doubles before the load factor exceeds 0.5.
 *
 * Memory: 8 bytes per slot, load in (0.25, 0.5] once past the initial size, so 16 to 32 bytes
 * per distinct key (24 on average over growth); with counts (`hs64New(cap, true)`) 12 bytes
 * per slot, 24 to 48 bytes per distinct key. A doubling briefly holds old and new tables (x1.5).
 *
 * The state is a plain object of numbers and typed arrays: it survives structuredClone.
 * Merges mutate and return their first argument and never modify the second.
 */

export interface HashSet64 {
  /** 2 * slots uint32: (hi, lo) per slot; (0, 0) = empty. */
  keys: Uint32Array;
  /** Occurrence count per slot, or null for a plain set. */
  counts: Uint32Array | null;
  /** Number of slots, a power of two >= 16. */
  slots: number;
  /** 32 - log2(slots): the slot of a key is the top bits of a multiplicative mix. */
  shift: number;
  /** Keys stored in the table (every key but (0, 0)). */
  used: number;
  /** Occurrences of key (0, 0): 0 when absent; for a plain set 1 when present. */
  zero: number;
  /** Total number of keys ever added (hs64Add / hs64AddCount weight), including merged-in adds. */
  adds: number;
}

const MIN_SLOTS = 16;

function slotsFor(capacity: number): number {
  let s = MIN_SLOTS;
  while (s < capacity * 2) s *= 2;
  return s;
}

/** A new set sized to hold `capacity` keys without growing. `counting` keeps a count per key. */
export function hs64New(capacity = 8, counting = false): HashSet64 {
  const slots = slotsFor(capacity);
  return {
    keys: new Uint32Array(slots * 2),
    counts: counting ? new Uint32Array(slots) : null,
    slots,
    shift: 32 - Math.log2(slots),
    used: 0,
    zero: 0,
    adds: 0,
  };
}

function grow(s: HashSet64): void {
  const oldKeys = s.keys;
  const oldCounts = s.counts;
  const oldSlots = s.slots;
  const slots = oldSlots * 2;
  const shift = s.shift - 1;
  const keys = new Uint32Array(slots * 2);
  const counts = oldCounts ? new Uint32Array(slots) : null;
  const mask = slots - 1;
  for (let i = 0; i < oldSlots; i++) {
    const hi = oldKeys[2 * i]!;
    const lo = oldKeys[2 * i + 1]!;
    if ((hi | lo) === 0) continue;
    let j = Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> shift;
    while ((keys[2 * j]! | keys[2 * j + 1]!) !== 0) j = (j + 1) & mask;
    keys[2 * j] = hi;
    keys[2 * j + 1] = lo;
    if (counts) counts[j] = oldCounts![i]!;
  }
  s.keys = keys;
  s.counts = counts;
  s.slots = slots;
  s.shift = shift;
}

/**
 * Insert (hi, lo) with weight `c` without touching `adds`. Returns the slot's count after insertion
 * for counting sets, and for plain sets 1 if the key is new, 0 if it was present.
 */
function insert(s: HashSet64, hi: number, lo: number, c: number): number {
  if ((hi | lo) === 0) {
    if (s.counts) return (s.zero += c);
    if (s.zero === 0) {
      s.zero = 1;
      return 1;
    }
    return 0;
  }
  for (;;) {
    const keys = s.keys;
    const mask = s.slots - 1;
    let i = Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> s.shift;
    for (;;) {
      const j = i << 1;
      const kh = keys[j]!;
      const kl = keys[j + 1]!;
      if (kh === hi && kl === lo) {
        const counts = s.counts;
        if (counts) return (counts[i] = counts[i]! + c);
        return 0;
      }
      if ((kh | kl) === 0) break;
      i = (i + 1) & mask;
    }
    if ((s.used + 1) * 2 > s.slots) {
      grow(s);
      continue;
    }
    keys[i << 1] = hi;
    keys[(i << 1) + 1] = lo;
    s.used++;
    const counts = s.counts;
    if (counts) return (counts[i] = c);
    return 1;
  }
}

/** Add a key. Returns true if it was not in the set before. */
export function hs64Add(s: HashSet64, hi: number, lo: number): boolean {
  s.adds++;
  hi >>>= 0;
  lo >>>= 0;
  return insert(s, hi, lo, 1) === 1;
}

/** Add `c` (default 1) occurrences of a key to a counting set; returns the key's count afterwards. */
export function hs64AddCount(s: HashSet64, hi: number, lo: number, c = 1): number {
  if (!s.counts) throw new Error('hs64AddCount needs a counting set: hs64New(capacity, true)');
  s.adds += c;
  return insert(s, hi >>> 0, lo >>> 0, c);
}

function find(s: HashSet64, hi: number, lo: number): number {
  const keys = s.keys;
  const mask = s.slots - 1;
  let i = Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> s.shift;
  for (;;) {
    const kh = keys[i << 1]!;
    const kl = keys[(i << 1) + 1]!;
    if (kh === hi && kl === lo) return i;
    if ((kh | kl) === 0) return -1;
    i = (i + 1) & mask;
  }
}

/** True if the key is in the set. */
export function hs64Has(s: HashSet64, hi: number, lo: number): boolean {
  hi >>>= 0;
  lo >>>= 0;
  if ((hi | lo) === 0) return s.zero > 0;
  return find(s, hi, lo) >= 0;
}

/** Occurrences of a key: its count in a counting set; 1 or 0 in a plain set. */
export function hs64Count(s: HashSet64, hi: number, lo: number): number {
  hi >>>= 0;
  lo >>>= 0;
  if ((hi | lo) === 0) return s.zero;
  const i = find(s, hi, lo);
  if (i < 0) return 0;
  return s.counts ? s.counts[i]! : 1;
}

/** Number of distinct keys. */
export function hs64Size(s: HashSet64): number {
  return s.used + (s.zero > 0 ? 1 : 0);
}

/** Adds that found their key already present: total adds minus distinct keys (e.g. surplus duplicate rows). */
export function hs64Surplus(s: HashSet64): number {
  return s.adds - hs64Size(s);
}

/** Bytes held by the table arrays. */
export function hs64Bytes(s: HashSet64): number {
  return s.keys.byteLength + (s.counts ? s.counts.byteLength : 0);
}

/** Call fn(hi, lo, count) for every key (count = 1 for a plain set). Order is unspecified. */
export function hs64ForEach(s: HashSet64, fn: (hi: number, lo: number, count: number) => void): void {
  if (s.zero > 0) fn(0, 0, s.zero);
  const keys = s.keys;
  const counts = s.counts;
  for (let i = 0; i < s.slots; i++) {
    const hi = keys[2 * i]!;
    const lo = keys[2 * i + 1]!;
    if ((hi | lo) !== 0) fn(hi, lo, counts ? counts[i]! : 1);
  }
}

/**
 * Union of b into a (a is mutated and returned; b is not modified). Counts add up for counting
 * sets, and `adds` adds up, so hs64Surplus(merge(a, b)) is the surplus of one pass over a's and b's adds.
 * A plain set merged with a counting one counts each of the plain set's keys once.
 */
export function hs64Merge(a: HashSet64, b: HashSet64): HashSet64 {
  if (b.zero > 0) insert(a, 0, 0, a.counts ? (b.counts ? b.zero : 1) : 1);
  const keys = b.keys;
  const counts = b.counts;
  for (let i = 0; i < b.slots; i++) {
    const hi = keys[2 * i]!;
    const lo = keys[2 * i + 1]!;
    if ((hi | lo) !== 0) insert(a, hi, lo, counts ? counts[i]! : 1);
  }
  a.adds += b.adds;
  return a;
}
