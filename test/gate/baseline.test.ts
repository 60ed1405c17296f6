import { describe, expect, it } from 'vitest';
import { compareBaseline, evaluateGate, psiKs, rebin } from '../../src/gate/index.js';
import { makeProfile, makeReport, profileRows } from '../../src/gate/fixture.js';
import { ConfigError } from '../../src/errors.js';
import type { Report, RuleResult } from '../../src/core/types.js';

function normalish(n: number, shift: number, seed: number): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => shift + (rnd() + rnd() + rnd() - 1.5) * 10);
}

function reportOf(values: number[], cats: string[], extra: Partial<Report> = {}): Report {
  const rows = values.map((v, i) => [v, cats[i % cats.length]!]);
  const cols = profileRows(['x', 'cat'], rows);
  return makeReport({ rows: rows.length, columns: cols, ...extra });
}

const byId = (r: RuleResult[]) => new Map(r.map((x) => [x.id, x]));

describe('baseline comparison', () => {
  const base = reportOf(normalish(2000, 50, 1), ['a', 'b', 'c', 'd']);
  it('identical data passes every rule', () => {
    const r = compareBaseline(base, base);
    expect(r.every((x) => x.status === 'passed')).toBe(true);
    expect(byId(r).get('baseline.x.drift')!.count).toBe(0);
  });
  it('a fresh sample of the same distribution passes drift (re-binned onto baseline edges)', () => {
    const r = byId(compareBaseline(reportOf(normalish(2000, 50, 7), ['a', 'b', 'c', 'd']), base));
    expect(r.get('baseline.x.drift')!.status).toBe('passed');
  });
  it('a shifted distribution fails drift; a changed category mix fails too', () => {
    const cur = reportOf(normalish(2000, 58, 7), ['a', 'a', 'a', 'e']);
    const r = byId(compareBaseline(cur, base));
    expect(r.get('baseline.x.drift')!.status).toBe('failed');
    expect(r.get('baseline.x.drift')!.count).toBeGreaterThan(0.2);
    expect(r.get('baseline.cat.drift')!.status).toBe('failed');
  });
  it('a small shift warns (0.1 < PSI <= 0.2)', () => {
    let warned = false;
    for (const shift of [50.5, 51, 51.5, 52, 52.5, 53]) {
      const s = byId(compareBaseline(reportOf(normalish(2000, shift, 1), ['a', 'b', 'c', 'd']), base)).get('baseline.x.drift')!;
      if (s.status === 'warned') {
        warned = true;
        expect(s.count).toBeGreaterThan(0.1);
        expect(s.count).toBeLessThanOrEqual(0.2);
      }
    }
    expect(warned).toBe(true);
  });
  it('rows drop, score drop, missing rise, type change, new and vanished columns', () => {
    const b = makeReport({
      rows: 100,
      columns: [makeProfile('a', { type: 'integer', count: 100 }), makeProfile('gone', { count: 100 })],
    });
    const c = makeReport({
      rows: 80,
      scores: { ...b.scores, overall: 90, completeness: 97 },
      columns: [makeProfile('a', { type: 'string', count: 80, missing: 20 }), makeProfile('fresh', { count: 80 })],
    });
    const r = byId(compareBaseline(c, b));
    const st = (id: string) => r.get(id)?.status;
    expect(st('baseline.rows')).toBe('failed');
    expect(st('baseline.score.overall')).toBe('failed');
    expect(st('baseline.score.completeness')).toBe('passed');
    expect(st('baseline.a.type')).toBe('failed');
    expect(st('baseline.a.missing')).toBe('failed');
    expect(st('baseline.gone.vanished')).toBe('failed');
    expect(st('baseline.fresh.new')).toBe('warned');
    expect(st('baseline.a.drift')).toBe('failed'); // nothing to compare: never passes
  });
  it('refuses a baseline with another scoring version', () => {
    const other = { ...base, scoring: { ...base.scoring, version: '0' } };
    expect(() => compareBaseline(base, other, {}, 'old.json')).toThrow(ConfigError);
    expect(() => compareBaseline(base, other)).toThrow(/scoring version 0/);
  });
  it('evaluateGate includes baseline rules', () => {
    const g = evaluateGate(reportOf(normalish(2000, 58, 7), ['a']), null, { baseline: base });
    expect(g.passed).toBe(false);
    expect(g.rules.some((r) => r.id === 'baseline.x.drift' && r.status === 'failed')).toBe(true);
  });
});

describe('histogram helpers', () => {
  it('rebin spreads counts evenly and keeps mass outside the range', () => {
    expect(rebin({ edges: [0, 10], counts: [10] }, [0, 5, 10])).toEqual([0, 5, 5, 0]);
    expect(rebin({ edges: [-10, 0, 10, 20], counts: [4, 10, 6] }, [0, 5, 10])).toEqual([4, 5, 5, 6]);
    expect(rebin({ edges: [3, 3], counts: [7] }, [0, 5, 10])).toEqual([0, 7, 0, 0]);
    expect(rebin({ edges: [10, 10], counts: [2] }, [0, 5, 10])).toEqual([0, 0, 2, 0]);
  });
  it('psi is 0 for equal shares and grows with the difference', () => {
    expect(psiKs([1, 2, 3], [2, 4, 6])).toEqual({ psi: 0, ks: 0 });
    const a = psiKs([50, 50], [40, 60]).psi;
    const b = psiKs([80, 20], [40, 60]).psi;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(psiKs([80, 20], [40, 60]).ks).toBeCloseTo(0.4);
  });
});
