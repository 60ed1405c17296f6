/**
 * Progress on stderr for long runs: only on a TTY, never in pipes or CI, at most 4 updates a second,
 * shown only after the first second so short runs stay quiet. With the inputs' size known (files, not stdin):
 * a bar, the share read, MB/s and an ETA; else rows and rows/s.
 */
export interface ProgressInfo {
  rows: number;
  /** Stored bytes read so far (compressed bytes for gzip). */
  bytes: number;
  /** Stored bytes of all inputs; null when unknown (stdin). */
  totalBytes: number | null;
  /** What is being read, when a command reads its input more than once (dq clean: `fit impute`, ...). */
  label?: string;
}

const BAR = 20;

/** Seconds as m:ss (h:mm:ss past an hour). */
export function clock(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The progress line after `secs` seconds (no colours, ASCII only). */
export function progressLine(p: ProgressInfo, secs: number): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const t = Math.max(secs, 1e-3);
  const head = p.label ? `dq ${p.label}:` : 'dq:';
  const rates = `${n(p.rows)} rows, ${n(p.rows / t)} rows/s${p.bytes > 0 ? `, ${(p.bytes / 1e6 / t).toFixed(0)} MB/s` : ''}`;
  if (!p.totalBytes || p.bytes <= 0) return `${head} ${rates}`;
  const f = Math.min(1, p.bytes / p.totalBytes);
  const fill = Math.round(f * BAR);
  // the ETA assumes the rest reads at the rate so far; past the end the work left is finishing the report
  const eta = f < 1 ? `ETA ${clock((t * (1 - f)) / f)}` : 'finishing';
  return `${head} [${'#'.repeat(fill)}${'-'.repeat(BAR - fill)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${rates}, ${eta}`;
}

export class Progress {
  private start = Date.now();
  /** When the current read (label) began: rates and the ETA are of that read. */
  private readStart = this.start;
  private label: string | undefined;
  private last = 0;
  private shown = false;
  /** Whether progress is shown at all: stderr is a terminal, not CI, not --quiet. */
  readonly on: boolean;
  /** Quiet for the first second of a run and half a second of each read (DQ_PROGRESS_DELAY_MS: tests). */
  private readonly delay: number;

  constructor(enabled: boolean) {
    this.on = enabled && Boolean(process.stderr.isTTY) && !process.env.CI;
    const d = Number(process.env.DQ_PROGRESS_DELAY_MS);
    this.delay = process.env.DQ_PROGRESS_DELAY_MS && d >= 0 ? d : 1000;
  }

  update(p: ProgressInfo): void {
    if (!this.on) return;
    const now = Date.now();
    const fresh = p.label !== this.label;
    if (fresh) {
      this.label = p.label;
      this.readStart = now;
    }
    // (a new read's rates mean something after half a second; its first line need not wait for the last one's 250 ms)
    if (now - this.start < this.delay || (now - this.last < 250 && !fresh) || now - this.readStart < this.delay / 2) return;
    this.last = now;
    this.shown = true;
    let line = progressLine(p, (now - this.readStart) / 1000);
    const width = process.stderr.columns;
    if (width && line.length >= width) line = line.slice(0, width - 1);
    process.stderr.write(`\r\x1b[2K${line}`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
  }
}
