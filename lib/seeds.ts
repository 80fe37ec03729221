/**
 * Where every random number in mtl-lab starts.
 *
 * One master seed per run. Every call site (a layer's kernel, a data set, a minibatch order, a
 * split) asks for its own seed by a path such as `seeds.at("expert", 3, "kernel")`, so two call
 * sites never share a stream and adding a new one never shifts the others.
 *
 * tfjs facts this module exists for (docs/protocol.md, Seeds): a seed of 0 is ignored by
 * tf.random* (it silently falls back to Math.random), and one seeded initializer reused for two
 * layers gives them identical weights. Derived seeds are therefore never 0 and are per call site.
 */

/** Largest derived seed; tfjs passes seeds to seedrandom's alea, which takes any number, but a
 *  positive int32 keeps them readable in results files. */
const MAX_SEED = 0x7fffffff;

/** Throws unless `seed` is an integer in [0, 2^32): the form master seeds are recorded in. */
export function assertMasterSeed(seed: number, what = "seed"): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${what} must be an integer in [0, 4294967295], got ${String(seed)}`);
  }
}

/** 32-bit finaliser of MurmurHash3: a bijection with good avalanche, so nearby inputs diverge. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0; // FNV-1a step
  }
  return fmix32(h);
}

export type SeedPath = ReadonlyArray<string | number>;

/**
 * The seed for call site `path` under `master`: an integer in [1, 2^31 − 1], never 0.
 * Pure: the same (master, path) always gives the same seed, on every machine.
 */
export function deriveSeed(master: number, ...path: SeedPath): number {
  assertMasterSeed(master, "master seed");
  let h = fmix32(master ^ 0x9e3779b9);
  for (const part of path) {
    h = hashString(h ^ 0x2f, typeof part === "number" ? `#${part}` : part);
  }
  return (h % MAX_SEED) + 1;
}

/**
 * A small, fast, seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counting generator;
 * passes PractRand to 2^40+). Used for data generation, shuffles and splits; tfjs ops get
 * seeds from `Seeds.at` instead.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    assertMasterSeed(seed, "Rng seed");
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextUint32(); // mix the seed into every word
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal by Box–Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) would give -Infinity
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${String(n)}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Fills `out` with independent standard normals. */
  fillNormal(out: Float32Array | Float64Array): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}

/** The seeds of one run: `at(path)` for tfjs call sites, `rng(path)` for host-side randomness. */
export class Seeds {
  constructor(
    readonly master: number,
    readonly prefix: SeedPath = [],
  ) {
    assertMasterSeed(master, "master seed");
  }

  /** The tfjs seed for call site `path` (never 0). */
  at(...path: SeedPath): number {
    return deriveSeed(this.master, ...this.prefix, ...path);
  }

  /** A sub-namespace: `seeds.child("expert", 2).at("kernel")` equals `seeds.at("expert", 2, "kernel")`. */
  child(...path: SeedPath): Seeds {
    return new Seeds(this.master, [...this.prefix, ...path]);
  }

  /** A seeded PRNG for host-side randomness at call site `path`. */
  rng(...path: SeedPath): Rng {
    return new Rng(this.at(...path));
  }
}

export function seeds(master: number): Seeds {
  return new Seeds(master);
}
