/**
 * Progress on stderr for long runs: only on a TTY, never in pipes or CI, at most 4 updates a second,
 * shown only after the first second so short runs stay quiet.
 */
export class Progress {
  private start = Date.now();
  private last = 0;
  private shown = false;
  private readonly on: boolean;

  constructor(enabled: boolean) {
    this.on = enabled && Boolean(process.stderr.isTTY) && !process.env.CI;
  }

  update(rows: number, bytes: number): void {
    if (!this.on) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.last < 250) return;
    this.last = now;
    this.shown = true;
    const secs = (now - this.start) / 1000;
    const rate = rows / secs;
    const mb = bytes / 1e6;
    process.stderr.write(`\r\x1b[2Kdq: ${rows.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s${mb ? `, ${(mb / secs).toFixed(0)} MB/s` : ''}`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
  }
}
