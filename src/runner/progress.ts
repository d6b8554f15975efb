/**
 * A one-line progress bar on stderr: files done / total and the current rate.
 *
 *   [##########..........]  1234/5678 files  48%  2150 files/s
 *
 * It appears only when the stream is a terminal, the run is not quiet, and the
 * run has lasted longer than `delayMs` (short runs stay silent); it is redrawn
 * at most every `intervalMs` and erased by `finish()`, so nothing of it is left
 * in the terminal or in the summary that follows. Never drawn in CI logs: a
 * pipe or file is not a TTY, and `CI` / `TERM=dumb` turn it off as well.
 *
 * The class has no timers: it draws when it is fed (`update`), so it costs
 * nothing when disabled and cannot keep the process alive.
 */

/** The part of a stream the bar writes to (process.stderr, or a fake in tests). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** --quiet: never draw. */
  quiet?: boolean;
  /** Override the stream's isTTY (tests, or a caller that knows better). */
  isTTY?: boolean;
  /** Environment used for CI / TERM=dumb detection (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Draw nothing before the run has lasted this long (default 1000 ms). */
  delayMs?: number;
  /** Redraw at most this often (default 100 ms). */
  intervalMs?: number;
  /** Unit shown after the counts (default 'files'). */
  unit?: string;
}

/** Would a bar be drawn on this stream at all? */
export function progressEnabled(o: Pick<ProgressOptions, 'stream' | 'quiet' | 'isTTY' | 'env'>): boolean {
  if (o.quiet) return false;
  const tty = o.isTTY ?? o.stream.isTTY === true;
  if (!tty) return false;
  const env = o.env ?? process.env;
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

const BAR_WIDTH = 20;
/** Rate over roughly the last few seconds: samples older than this are dropped. */
const RATE_WINDOW_MS = 3000;

export class Progress {
  readonly enabled: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly unit: string;
  private readonly start: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private lastLength = 0;
  private samples: { t: number; done: number }[] = [];

  constructor(opts: ProgressOptions) {
    this.enabled = progressEnabled(opts);
    this.stream = opts.stream;
    this.now = opts.now ?? (() => performance.now());
    this.delayMs = opts.delayMs ?? 1000;
    this.intervalMs = opts.intervalMs ?? 100;
    this.unit = opts.unit ?? 'files';
    this.start = this.now();
  }

  /** Report progress; draws when enabled, late enough and not too often. */
  update(done: number, total: number): void {
    if (!this.enabled) return;
    const t = this.now();
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[0].t > RATE_WINDOW_MS) this.samples.shift();
    if (t - this.start < this.delayMs) return;
    if (t - this.lastDraw < this.intervalMs && done < total) return;
    this.lastDraw = t;
    this.draw(this.line(done, total, this.rate(t, done)));
  }

  /** Erase the bar (if one was drawn). Call before printing anything else. */
  finish(): void {
    if (!this.drawn) return;
    this.stream.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.drawn = false;
    this.lastLength = 0;
  }

  /** Files per second over the recent window (since the start while the window fills). */
  private rate(t: number, done: number): number {
    const first = this.samples[0];
    const span = t - first.t;
    if (span <= 0) return 0;
    return ((done - first.done) * 1000) / span;
  }

  private line(done: number, total: number, rate: number): string {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const full = Math.round(frac * BAR_WIDTH);
    const bar = '#'.repeat(full) + '.'.repeat(BAR_WIDTH - full);
    const w = String(total).length;
    const text = `[${bar}] ${String(done).padStart(w)}/${total} ${this.unit}  ${String(Math.floor(frac * 100)).padStart(3)}%  ${Math.round(rate)} ${this.unit}/s`;
    // never wrap: a wrapped line cannot be erased with \r
    const cols = this.stream.columns;
    return cols && cols > 1 && text.length >= cols ? text.slice(0, cols - 1) : text;
  }

  private draw(text: string): void {
    const pad = this.lastLength > text.length ? ' '.repeat(this.lastLength - text.length) : '';
    this.stream.write(`\r${text}${pad}`);
    this.lastLength = text.length;
    this.drawn = true;
  }
}
