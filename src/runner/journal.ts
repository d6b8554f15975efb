/**
 * The journal: one CSV row per file, appended as soon as the file is done and
 * handed to the OS at once (a write(2) per row, no buffering in the process),
 * so that a run killed at any moment leaves a record of every file it wrote.
 * With --in-place, a `changed` row means the source file was rewritten.
 *
 * Rows arrive in completion order, which varies with --jobs; `close()` rewrites
 * the file in path order, so the journal of a run that finished (or stopped on
 * a signal) is as deterministic as the other reports. Only a run killed outright
 * (SIGKILL, power loss) leaves it in completion order.
 *
 * Columns: File, Status, Reason. Status: changed (converted and written),
 * unchanged (Python, copied as it is), copied (another file), link, dir,
 * skipped, failed.
 */
import * as fs from 'node:fs';
import { FILES_HEADER } from './reports';
import { csvChunks, csvField } from '../report/csv-chunks';
import { comparePaths } from './files';
import type { RootedWriter } from './safe-fs';

export const JOURNAL_NAME = 'journal.csv';

export type JournalStatus = 'changed' | 'unchanged' | 'copied' | 'link' | 'dir' | 'skipped' | 'failed';

/** Where the runner tells what happened to each file. */
export interface JournalSink {
  record(rel: string, status: JournalStatus, reason?: string): void;
}

export class Journal implements JournalSink {
  private fd: number | undefined;
  private readonly rows: [string, JournalStatus, string][] = [];

  /** Open (truncate) journal.csv in the report folder `writer` writes. */
  constructor(private readonly writer: RootedWriter) {
    writer.removeFile(JOURNAL_NAME);
    this.fd = fs.openSync(writer.abs(JOURNAL_NAME), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
    this.append(FILES_HEADER.join(',') + '\n');
  }

  private append(s: string): void {
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, s);
    } catch {
      // a full disk: the run reports it through the files it cannot write
    }
  }

  record(rel: string, status: JournalStatus, reason = ''): void {
    this.rows.push([rel, status, reason]);
    this.append([rel, status, reason].map(csvField).join(',') + '\n');
  }

  /** Stop appending and rewrite the journal in path order (atomically). */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.rows.sort((a, b) => comparePaths(a[0], b[0]));
    this.writer.writeChunks(JOURNAL_NAME, csvChunks(FILES_HEADER, this.rows), 0o644);
  }

  /** Stop appending, leaving the file as it is (for an exit that cannot wait). */
  abandon(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
