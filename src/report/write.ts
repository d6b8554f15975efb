/**
 * Writing index.html: after a run (from the documents the report files are
 * written from) and with `ascendify report <dir>` (from the files themselves,
 * parsed back). Both go through a RootedWriter, like every report file, write
 * the page in pieces, and give the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RootedWriter } from '../runner/safe-fs';
import { PAGE_NAME, pageChunks, pageModel, type ChangesDoc, type FindingsDoc, type PageModel, type PageSources } from './page';

/** The report files the page is made from, as `ascendify report` reads them. */
export const PAGE_SOURCE_FILES = { changesJson: 'changes.json', findingsJson: 'findings.json', patch: 'changes.patch', filesCsv: 'files.csv', summaryMd: 'summary.md' } as const;

export function writePage(dir: RootedWriter, sources: PageSources): void {
  dir.writeChunks(PAGE_NAME, pageChunks(pageModel(sources)), 0o644);
}

export class ReportDirError extends Error {}

/** Read a report folder's files (a link or a folder where a file should be is refused); the JSON files are parsed. */
export function readReportSources(dir: string): PageSources {
  const read = (name: string): Buffer | undefined => {
    const abs = path.join(dir, name);
    let fd: number;
    try {
      fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new ReportDirError(`cannot read ${name}: ${code === 'ELOOP' ? 'a symbolic link; not followed' : (e as Error).message}`);
    }
    try {
      if (!fs.fstatSync(fd).isFile()) throw new ReportDirError(`${name} is not a file`);
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  };
  const text = (name: string) => read(name)?.toString('utf8');
  const sources: PageSources = {};
  const changesJson = text(PAGE_SOURCE_FILES.changesJson);
  const findingsJson = text(PAGE_SOURCE_FILES.findingsJson);
  if (changesJson === undefined && findingsJson === undefined) {
    throw new ReportDirError(`${dir}: no changes.json or findings.json (is it an ascendify report folder?)`);
  }
  // an empty file counts as missing
  if (changesJson) sources.changes = JSON.parse(changesJson) as ChangesDoc;
  if (findingsJson) sources.findings = JSON.parse(findingsJson) as FindingsDoc;
  const patch = read(PAGE_SOURCE_FILES.patch);
  if (patch !== undefined) sources.patch = patch;
  const filesCsv = text(PAGE_SOURCE_FILES.filesCsv);
  if (filesCsv !== undefined) sources.filesCsv = filesCsv;
  const summaryMd = text(PAGE_SOURCE_FILES.summaryMd);
  if (summaryMd !== undefined) sources.summaryMd = summaryMd;
  return sources;
}

/** `ascendify report <dir>`: rebuild index.html; returns its path. */
export function rebuildPage(dir: string): string {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (e) {
    throw new ReportDirError(`${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
  }
  if (!fs.statSync(real).isDirectory()) throw new ReportDirError(`${dir}: not a folder`);
  let model: PageModel;
  try {
    model = pageModel(readReportSources(real));
  } catch (e) {
    if (e instanceof ReportDirError) throw e;
    throw new ReportDirError(`${dir}: cannot read the report files: ${(e as Error).message}`);
  }
  new RootedWriter(real).writeChunks(PAGE_NAME, pageChunks(model), 0o644);
  return path.join(real, PAGE_NAME);
}
