/**
 * pii: personal data, per column. Personal data is not a quality defect: findings have dimension null (no
 * tallies, no effect on scores) and severity 'warn' (column-name-only hints: 'info').
 *
 * Detectors (src/privacy/detectors.ts has the exact rules): e-mail, phone, payment card (issuer + Luhn), IBAN
 * (length table + mod 97), IPv4/IPv6, US SSN (name hint required), UK NI number, Dutch BSN (11-proof, name hint
 * required), Spanish DNI/NIE (check letter), French NIR (key), Italian codice fiscale (check character), Indian
 * Aadhaar (Verhoeff), dates of birth (name hint required), and e-mails/cards/IBANs/phones embedded in free text.
 *
 * Counting (exact, every value is examined; no sampling): per column, a non-missing value counts for the first
 * kind that matches it whole (order: email, ip, card, fr-nir, in-aadhaar, us-ssn, nl-bsn, phone, iban, it-cf,
 * uk-nino, es-dni; dob for dates); a TEXT value with a space or an '@' that is no whole match is scanned for
 * embedded e-mails, cards, IBANs and phones (each kind counts the value once). Cheap prefilters: numbers shorter
 * than 7 characters, booleans and missing cells are skipped at once; a value that parses as a date or datetime is
 * only ever a date of birth; other values go through one pass over their characters (a class-count table) that
 * decides which detectors can apply, and free text longer than 42 characters skips the whole-value detectors.
 *
 * A column is reported for a kind when
 *   whole matches >= 50% of its non-missing values, or
 *   its name suggests that kind (see nameHint) and whole matches >= 10%, or
 *   any value contains that kind embedded in free text.
 * A column whose name suggests personal data (first_name, surname, address, zip, passport, email, ...) without any
 * reported kind gets one 'pii-column-name' finding (severity info, count = non-missing values).
 *
 * Findings: id `pii-<kind>` (`pii-email`, `pii-phone`, `pii-card`, `pii-iban`, `pii-ip`, `pii-us-ssn`,
 * `pii-uk-nino`, `pii-nl-bsn`, `pii-es-dni`, `pii-fr-nir`, `pii-it-cf`, `pii-in-aadhaar`, `pii-dob`),
 * count = values with that kind (whole + embedded), data {kind, share (count / non-missing), nameHint, whole,
 * embedded}. Examples are masked (src/privacy/mask.ts maskForKind): never a full value; for free text only the
 * masked match, between '…'.
 *
 * Options (`options.checks.pii`, optional): `share` (default 0.5) and `hintShare` (default 0.1) thresholds.
 * Metrics: { columns: { [column]: { [kind]: count } } } for reported columns, and `flagged` (their number).
 */
import { addExample, mergeExamples } from '../core/issues.js';
import { Kind, defineChecker, type CheckResult, type Example, type Finding } from '../core/types.js';
import { K, MATCH_END, MATCH_KIND, MATCH_START, PII_KINDS, classifiedDigits, classify, hintAgrees, nameHint, scanTextInto, type NameHint } from '../privacy/detectors.js';
import { maskForKind } from '../privacy/mask.js';

const NK = PII_KINDS.length;
const DOB_MIN = Date.UTC(1880, 0, 1);
const KIND_LABEL: Record<string, string> = {
  email: 'e-mail addresses',
  phone: 'phone numbers',
  card: 'payment card numbers',
  iban: 'IBANs',
  ip: 'IP addresses',
  'us-ssn': 'US social security numbers',
  'uk-nino': 'UK national insurance numbers',
  'nl-bsn': 'Dutch BSNs',
  'es-dni': 'Spanish DNI/NIE numbers',
  'fr-nir': 'French NIR (social security) numbers',
  'it-cf': 'Italian codici fiscali',
  'in-aadhaar': 'Aadhaar numbers',
  dob: 'dates of birth',
};

interface Col {
  hint: NameHint | null;
  nonMissing: number;
  whole: number[];
  embedded: number[];
  /** examples per kind, masked */
  examples: Example[][];
}

interface State {
  cols: Map<string, Col>;
  asOf: number;
  share: number;
  hintShare: number;
}

function newCol(name: string): Col {
  return {
    hint: nameHint(name),
    nonMissing: 0,
    whole: new Array<number>(NK).fill(0),
    embedded: new Array<number>(NK).fill(0),
    examples: Array.from({ length: NK }, () => []),
  };
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

const SEEN = new Uint8Array(NK);

export default defineChecker<State>({
  meta: {
    id: 'pii',
    dimension: null,
    description: 'Personal data: e-mails, phones, cards, IBANs, IPs, national identifiers, dates of birth, and such values in free text.',
    default: true,
  },
  init: (ctx) => {
    const o = (ctx.options.checks?.pii ?? {}) as Record<string, unknown>;
    return { cols: new Map(), asOf: ctx.options.asOf, share: num(o.share, 0.5), hintShare: num(o.hintShare, 0.1) };
  },
  update(s, b) {
    const n = b.length;
    for (let c = 0; c < b.columns.length; c++) {
      const name = b.columns[c]!;
      let col = s.cols.get(name);
      if (!col) s.cols.set(name, (col = newCol(name)));
      const v = b.views[c]!;
      const kind = v.kind;
      const text = v.text;
      const hint = col.hint;
      const dob = hint === 'dob';
      const whole = col.whole;
      const embedded = col.embedded;
      let nonMissing = 0;
      for (let i = 0; i < n; i++) {
        const k = kind[i]!;
        if (k === Kind.MISSING) continue;
        nonMissing++;
        if (k === Kind.BOOL) continue;
        const t = text[i]!;
        if ((k === Kind.INT || k === Kind.FLOAT) && t.length < 7) continue;
        if (k === Kind.DATE || k === Kind.DATETIME) {
          // a value that parses as a date is a date: only a date of birth, under a name hint
          if (!dob) continue;
          const ms = v.num[i]!;
          if (ms >= DOB_MIN && ms <= s.asOf) {
            whole[K.dob]!++;
            const ex = col.examples[K.dob]!;
            if (ex.length < 5) addExample(ex, { row: b.firstRow + i, line: b.lines ? b.lines[i]! : null, value: maskForKind('dob', new Date(ms).toISOString().slice(0, 10)) });
          }
          continue;
        }
        const w = classify(t, hint);
        if (w >= 0) {
          whole[w]!++;
          const ex = col.examples[w]!;
          if (ex.length < 5) addExample(ex, { row: b.firstRow + i, line: b.lines ? b.lines[i]! : null, value: maskForKind(PII_KINDS[w]!, t) });
          continue;
        }
        // free text: TEXT values with a space or an '@'
        if (k !== Kind.TEXT || t.length < 8) continue;
        if (t.indexOf('@') < 0) {
          // no e-mail possible: a card, IBAN or phone needs 8 digits and a space to be in free text
          if (t.indexOf(' ') < 0) continue;
          let d = classifiedDigits();
          if (d < 0) d = digitCount(t);
          if (d < 8) continue;
        }
        const m = scanTextInto(t, 16);
        if (m === 0) continue;
        SEEN.fill(0);
        for (let j = 0; j < m; j++) {
          const mk = MATCH_KIND[j]!;
          if (SEEN[mk]) continue;
          SEEN[mk] = 1;
          embedded[mk]!++;
          const ex = col.examples[mk]!;
          if (ex.length < 5) addExample(ex, { row: b.firstRow + i, line: b.lines ? b.lines[i]! : null, value: `…${maskForKind(PII_KINDS[mk]!, t.slice(MATCH_START[j]!, MATCH_END[j]!))}…` });
        }
      }
      col.nonMissing += nonMissing;
    }
  },
  merge(a, b) {
    for (const [name, cb] of b.cols) {
      const ca = a.cols.get(name);
      if (!ca) {
        a.cols.set(name, cb);
        continue;
      }
      ca.nonMissing += cb.nonMissing;
      for (let k = 0; k < NK; k++) {
        ca.whole[k]! += cb.whole[k]!;
        ca.embedded[k]! += cb.embedded[k]!;
        ca.examples[k] = mergeExamples(ca.examples[k]!, cb.examples[k]!);
      }
    }
    return a;
  },
  finalize(s, ctx): CheckResult {
    const findings: Finding[] = [];
    const metrics: Record<string, Record<string, number>> = {};
    const order = [...ctx.columns.map((c) => c.name), ...[...s.cols.keys()].filter((n) => !ctx.columns.some((c) => c.name === n))];
    for (const name of order) {
      const col = s.cols.get(name);
      if (!col || col.nonMissing === 0) continue;
      let reported = 0;
      for (let k = 0; k < NK; k++) {
        const kind = PII_KINDS[k]!;
        const whole = col.whole[k]!;
        const emb = col.embedded[k]!;
        const wholeShare = whole / col.nonMissing;
        const report = (whole > 0 && wholeShare >= s.share) || (whole > 0 && hintAgrees(col.hint, kind) && wholeShare >= s.hintShare) || emb > 0;
        if (!report) continue;
        reported++;
        const count = whole + emb;
        const share = count / col.nonMissing;
        (metrics[name] ??= {})[kind] = count;
        const how = emb > 0 && whole === 0 ? ' contain' : emb > 0 ? ' are or contain' : ' look like';
        findings.push({
          check: 'pii',
          id: `pii-${kind}`,
          dimension: null,
          severity: 'warn',
          column: name,
          message: `${name}: ${count} of ${col.nonMissing} values (${(share * 100).toFixed(1)}%)${how} ${KIND_LABEL[kind]}`,
          count,
          examples: fixLines(col.examples[k]!, ctx.lineOf),
          data: { kind, share, nameHint: col.hint, whole, embedded: emb },
        });
      }
      if (reported === 0 && col.hint) {
        findings.push({
          check: 'pii',
          id: 'pii-column-name',
          dimension: null,
          severity: 'info',
          column: name,
          message: `${name}: the column name suggests personal data (${col.hint})`,
          count: col.nonMissing,
          examples: [],
          data: { kind: col.hint, share: null, nameHint: col.hint, whole: 0, embedded: 0 },
        });
      }
    }
    return { findings, metrics: { columns: metrics, flagged: Object.keys(metrics).length } };
  },
});

function fixLines(ex: Example[], lineOf: (row: number) => number | null): Example[] {
  return ex.map((e) => ({ ...e, line: e.line ?? (e.row !== null ? lineOf(e.row) : null) }));
}

function digitCount(t: string): number {
  let d = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) d++;
  }
  return d;
}
