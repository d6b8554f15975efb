/**
 * `ascendify verify -- <command ...>`: run the user's own command on a
 * simulated NPU (the CPU build of PyTorch), collect what the shim recorded,
 * decide, and write verify.json + verify.md. See docs/verify.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../runner/passes';
import { readRecords } from './records';
import { summaryText, verdict, verifyJson, verifyMd, type VerifyResult } from './report';
import { runCommand, SHIM_DIR } from './run';

export const VERIFY_JSON = 'verify.json';
export const VERIFY_MD = 'verify.md';
const SECTION_START = '<!-- ascendify verify -->';
const SECTION_END = '<!-- /ascendify verify -->';

export interface VerifyRequest {
  command: string[];
  cwd: string;
  reportDir: string;
  timeoutSeconds: number;
  steps: number;
  allowCuda: boolean;
  torchNpuVersion?: string;
  version: string;
}

/** torch_npu versions the API data file has, and its default. */
export function apiVersions(): { versions: string[]; default: string } {
  const data = JSON.parse(fs.readFileSync(path.join(SHIM_DIR, 'torch_npu_api.json'), 'utf8')) as { default: string; versions: Record<string, unknown> };
  return { versions: Object.keys(data.versions).sort(), default: data.default };
}

export function checkRequest(req: VerifyRequest): void {
  if (req.command.length === 0 || req.command[0] === '') throw new UsageError('verify: give the command to run after --, e.g. ascendify verify -- python train.py --epochs 1');
  if (!Number.isFinite(req.timeoutSeconds) || req.timeoutSeconds <= 0) throw new UsageError('--timeout: a number of seconds above 0');
  if (!Number.isInteger(req.steps) || req.steps < 0) throw new UsageError('--steps: a whole number (0: no limit)');
  if (req.torchNpuVersion !== undefined) {
    const { versions } = apiVersions();
    if (!versions.includes(req.torchNpuVersion)) throw new UsageError(`--torch-npu ${req.torchNpuVersion}: no API list for it (known: ${versions.join(', ')})`);
  }
  const parent = path.dirname(path.resolve(req.reportDir));
  if (!fs.existsSync(parent)) throw new UsageError(`--report-dir ${req.reportDir}: ${parent} does not exist`);
  if (fs.existsSync(req.reportDir) && !fs.statSync(req.reportDir).isDirectory()) throw new UsageError(`--report-dir ${req.reportDir}: not a folder`);
}

export async function runVerify(req: VerifyRequest): Promise<{ result: VerifyResult; text: string }> {
  const recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-verify-'));
  try {
    const run = await runCommand({
      command: req.command,
      cwd: req.cwd,
      recordDir,
      steps: req.steps,
      allowCuda: req.allowCuda,
      torchNpuVersion: req.torchNpuVersion,
      timeoutSeconds: req.timeoutSeconds,
    });
    const records = readRecords(recordDir, req.cwd);
    const result = verdict(run, records, req.command, req.cwd, { steps: req.steps, timeoutSeconds: req.timeoutSeconds, allowCuda: req.allowCuda });
    const files = writeReports(req.reportDir, result, req.version);
    return { result, text: summaryText(result, files) };
  } finally {
    fs.rmSync(recordDir, { recursive: true, force: true });
  }
}

/** verify.json, verify.md, and the verify section of summary.md when the folder holds a convert run's reports. */
function writeReports(reportDir: string, result: VerifyResult, version: string): string[] {
  fs.mkdirSync(reportDir, { recursive: true });
  const md = verifyMd(result);
  fs.writeFileSync(path.join(reportDir, VERIFY_JSON), verifyJson(result, version));
  fs.writeFileSync(path.join(reportDir, VERIFY_MD), md);
  const files = [path.join(reportDir, VERIFY_JSON), path.join(reportDir, VERIFY_MD)];
  const summary = path.join(reportDir, 'summary.md');
  if (fs.existsSync(summary)) {
    const text = fs.readFileSync(summary, 'utf8');
    const section = `${SECTION_START}\n${md}${SECTION_END}\n`;
    const start = text.indexOf(SECTION_START);
    const end = text.indexOf(SECTION_END);
    const next = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + SECTION_END.length).replace(/^\n/, '') : `${text}${text.endsWith('\n') ? '' : '\n'}\n${section}`;
    fs.writeFileSync(summary, next);
    files.push(summary);
  }
  return files;
}
