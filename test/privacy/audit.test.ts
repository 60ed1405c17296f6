/** End to end through the audit engine (pii runs by default; privacy is enabled by id). */
import { describe, expect, it } from 'vitest';
import { CHECKERS } from '../../src/checks/registry.js';
import { buildRequest } from '../../src/cli/audit.js';
import { audit } from '../../src/engine/audit.js';
import { renderJson } from '../../src/report/json.js';
import { tmpFile } from '../helpers.js';

const CSV = [
  'id,email,phone,card,notes,age,zip,sex,diagnosis',
  '1,john.doe@example.com,+44 20 7946 0958,4242 4242 4242 4242,fine,34,90210,F,flu',
  '2,mary.major@example.org,(212) 555-0123,5555555555554444,"call me on +44 20 7946 0000, or mail me at mm@example.net",34,90210,F,cold',
  '3,sam.smith@example.co.uk,020 7946 0958,378282246310005,ok,36,90210,M,flu',
  '4,a.b@example.com,+33 6 12 34 56 78,6011111111111117,,51,10001,M,flu',
  '5,c.d@example.com,+1 415 555 0123,3530111333300000,refund to GB82 WEST 1234 5698 7654 32,51,10001,M,hiv',
].join('\n');

describe('pii and privacy through the audit engine', async () => {
  const path = tmpFile('people.csv', CSV + '\n');
  const req = buildRequest([path], { format: 'json' } as never);
  req.checks = [...CHECKERS.filter((c) => c.meta.default).map((c) => c.meta.id), 'privacy'];
  req.options.checks = { ...req.options.checks, privacy: { quasiIdentifiers: ['age', 'zip', 'sex'], k: 2, sensitive: 'diagnosis' } };
  const report = await audit(req);
  // only the pii findings: the profile (top values, min/max) and other checkers' examples show raw values unless --no-examples
  const json = JSON.stringify(report.findings.filter((f) => f.check === 'pii' || f.check === 'privacy'));
  renderJson(report);

  it('reports personal data with masked examples and line numbers', () => {
    const ids = report.findings.filter((f) => f.check === 'pii').map((f) => `${f.column}:${f.id}`).sort();
    expect(ids).toEqual(['card:pii-card', 'email:pii-email', 'notes:pii-email', 'notes:pii-iban', 'notes:pii-phone', 'phone:pii-phone', 'zip:pii-column-name']);
    const email = report.findings.find((f) => f.id === 'pii-email' && f.column === 'email')!;
    expect(email.examples[0]).toEqual({ row: 1, line: 2, value: 'j***@example.com' });
    for (const v of CSV.split('\n').slice(1).flatMap((l) => l.split(',')).filter((v) => /@|\d{4}/.test(v))) expect(json).not.toContain(v);
    expect(json).not.toContain('GB82 WEST 1234 5698 7654 32');
    expect(report.scores.overall).not.toBe(null);
  });

  it('reports k-anonymity metrics', () => {
    expect(report.metrics.privacy).toMatchObject({ kAnonymity: 1, rowsBelowK: 1, classes: 3, lDiversity: 1, k: 2, quasiIdentifiers: ['age', 'zip', 'sex'] });
    expect((report.metrics.privacy as { score: number }).score).toBeCloseTo(80);
  });
});
