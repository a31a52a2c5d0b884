/**
 * Support for the fuzz tests in src/fuzz: how many runs a property gets, and mutations of
 * real inputs (bytes and text) that keep them close enough to the real thing to get past
 * the first checks of a parser.
 */
import fc from 'fast-check';

/**
 * Runs per property: `KW_FUZZ_RUNS` (default 200, the CI smoke), scaled by `share` for
 * properties whose single run is expensive. Long runs: `KW_FUZZ_RUNS=20000 npx vitest run src/fuzz`.
 */
export function fuzzRuns(share = 1): number {
  const raw = Number(process.env['KW_FUZZ_RUNS'] ?? '');
  const runs = Number.isInteger(raw) && raw > 0 ? raw : 200;
  return Math.max(10, Math.round(runs * share));
}

/** A timeout for an `it` that runs `runs` properties of about `msPerRun` each (never below 20 s). */
export function fuzzTimeout(runs: number, msPerRun: number): number {
  return Math.max(20_000, runs * msPerRun * 3);
}

type ByteEditKind = 'flip' | 'set' | 'truncate' | 'delete' | 'insert' | 'duplicate';

/** One edit: where (`p`, a fraction of the length), how much (`n`) and what (`bytes`). */
interface ByteEdit {
  kind: ByteEditKind;
  p: number;
  n: number;
  bytes: Uint8Array;
}

/**
 * A position as a fraction in [0, 1), so one arbitrary serves inputs of any size. Spread
 * evenly: fc.double would crowd towards 0, i.e. the first bytes of every input.
 */
export const fraction: fc.Arbitrary<number> = fc.integer({ min: 0, max: 65_535 }).map((n) => n / 65_536);

const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  kind: fc.constantFrom<ByteEditKind>('flip', 'flip', 'flip', 'set', 'truncate', 'delete', 'insert', 'duplicate'),
  p: fraction,
  n: fc.integer({ min: 1, max: 64 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

function applyEdit(input: Uint8Array, m: ByteEdit): Uint8Array {
  const at = Math.floor(m.p * input.length);
  const out = Buffer.from(input);
  switch (m.kind) {
    case 'flip':
      out[at] = (out[at] ?? 0) ^ (1 << (m.n % 8));
      return new Uint8Array(out);
    case 'set':
      out[at] = m.bytes[0] ?? 0;
      return new Uint8Array(out);
    case 'truncate':
      return new Uint8Array(out.subarray(0, at));
    case 'delete':
      return new Uint8Array(Buffer.concat([out.subarray(0, at), out.subarray(at + m.n)]));
    case 'insert':
      return new Uint8Array(Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]));
    case 'duplicate':
      return new Uint8Array(Buffer.concat([out.subarray(0, at + m.n), out.subarray(at)]));
  }
}

/** `base` with one to four mutations (bit flips most often); never `base` itself. */
export function mutatedBytes(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .array(byteEdit, { minLength: 1, maxLength: 4 })
    .map((ms) => ms.reduce(applyEdit, base))
    .filter((out) => !Buffer.from(out).equals(Buffer.from(base)));
}

/** `base` with one to three text mutations (delete, insert, replace a slice); never `base` itself. */
export function mutatedText(base: string, alphabet: fc.Arbitrary<string> = fc.string({ maxLength: 8 })): fc.Arbitrary<string> {
  const edit = fc.record({ p: fraction, n: fc.integer({ min: 0, max: 24 }), text: alphabet });
  return fc
    .array(edit, { minLength: 1, maxLength: 3 })
    .map((edits) =>
      edits.reduce((s, e) => {
        const at = Math.floor(e.p * s.length);
        return s.slice(0, at) + e.text + s.slice(at + e.n);
      }, base),
    )
    .filter((out) => out !== base);
}

/** Whether two byte views hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * `der` with the first RSA key algorithm identifier's OID length turned from 9 into 11 (one
 * bit): the enclosing certificate still parses as ASN.1, but its public key does not decode.
 * A counterexample found by fuzzing, kept as a fixed input.
 */
export function withUndecodableRsaKey(der: Uint8Array): Uint8Array {
  const rsaKeyAlgorithm = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  const at = Buffer.from(der).indexOf(rsaKeyAlgorithm);
  if (at < 0) throw new Error('no RSA key algorithm identifier in the input');
  const out = Buffer.from(der);
  out[at + 3] = 0x0b;
  return new Uint8Array(out);
}

/** One character of `chars`. */
export function charOf(chars: string): fc.Arbitrary<string> {
  return fc.constantFrom(...Array.from(chars));
}
