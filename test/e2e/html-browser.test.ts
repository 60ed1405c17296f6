/**
 * The HTML report in a real browser: headless Chromium (Debian package `chromium`, /usr/bin/chromium) renders
 * the report for fixtures/penguins.csv. Checks: a non-trivial screenshot (saved to test-artifacts/report.png,
 * git-ignored), SVG charts in the DOM, and no console errors or Content-Security-Policy violations.
 * Skipped, with a message, when Chromium is not installed (CI: apt-get install -y chromium).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../../src/report/html.js';
import { auditFile, ROOT, tempDir } from '../helpers.js';

const CHROMIUM = process.env.DQ_CHROMIUM ?? '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const ARTIFACTS = join(ROOT, 'test-artifacts');
const TIMEOUT_MS = 30_000;

if (!HAVE) console.warn(`html-browser: ${CHROMIUM} not found, browser tests skipped (install it with: apt-get install -y chromium)`);

/** One headless Chromium call with its own profile directory; never more than 30 s. */
function chromium(args: string[], url: string) {
  const profile = tempDir('dq-chromium-');
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        ...args,
        url,
      ],
      { encoding: 'utf8', timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw r.error;
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Console lines that mean a script error or a blocked resource. */
function problems(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /Uncaught|Refused to|Content Security Policy|violates the following|ERR_BLOCKED|net::ERR_/i.test(l));
}

describe.skipIf(!HAVE)('HTML report in headless Chromium', () => {
  let url = '';
  const setup = async () => {
    if (url) return url;
    const report = await auditFile(join(ROOT, 'fixtures/penguins.csv'));
    const dir = tempDir('dq-html-');
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));
    url = pathToFileURL(file).href;
    return url;
  };

  it('renders a non-trivial screenshot (test-artifacts/report.png)', async () => {
    const u = await setup();
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'report.png');
    rmSync(png, { force: true });
    const r = chromium([`--screenshot=${png}`, '--window-size=1280,2000'], u);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20 * 1024);
  }, 40_000);

  it('has SVG charts in the DOM and no console errors or CSP violations', async () => {
    const u = await setup();
    const r = chromium(['--dump-dom', '--enable-logging=stderr', '--v=0'], u);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<svg');
    expect(r.stdout).toContain('<rect');
    expect(r.stdout).toContain('id="col-0"');
    expect(r.stdout).not.toContain('<script');
    expect(problems(r.stderr)).toEqual([]);
  }, 40_000);

  it('the console check catches a CSP violation (control)', () => {
    const dir = tempDir('dq-html-');
    const file = join(dir, 'bad.html');
    writeFileSync(
      file,
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"></head><body><p>x</p><script>console.log(1)</script></body></html>`,
    );
    const r = chromium(['--dump-dom', '--enable-logging=stderr', '--v=0'], pathToFileURL(file).href);
    expect(problems(r.stderr).length).toBeGreaterThan(0);
  }, 40_000);
});

if (!HAVE)
  describe('HTML report in headless Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`, () => {});
  });
