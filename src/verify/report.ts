/**
 * The verdict of a verify run, and its reports: verify.json, verify.md and
 * the text printed at the end (with what the run does not prove).
 */
import type { Records, Site } from './records';
import type { RunOutcome } from './run';

export interface VerifyResult {
  command: string[];
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  spawnError?: string;
  wallSeconds: number;
  options: { steps: number; timeoutSeconds: number; allowCuda: boolean };
  mode: 'simulated' | 'real' | 'not loaded';
  torch?: string;
  torchNpu?: string;
  processes: number;
  stoppedAfterSteps: number | null;
  transferToNpu: boolean;
  npuUses: number;
  npuSites: Site[];
  npuApiCalls: number;
  cudaSites: Site[];
  cudaProbes: Site[];
  unknownNames: Site[];
  unsimulatedNames: Site[];
  passed: boolean;
  reasons: string[];
}

export const DOES_NOT_PROVE = [
  'What this does not prove: the NPU was simulated by the CPU build of PyTorch, so numerics (float16/bfloat16, HF32,',
  'NPU kernels), speed, memory use, and whether every operator is supported on Ascend hardware are not checked;',
  'only the code paths this run took were checked. Run on Ascend hardware before relying on the result.',
].join('\n');

const sum = (sites: Site[]) => sites.reduce((n, s) => n + s.count, 0);

export function verdict(run: RunOutcome, records: Records, command: string[], cwd: string, options: VerifyResult['options']): VerifyResult {
  const of = (kind: Site['kind']) => records.sites.filter((s) => s.kind === kind);
  const modes = new Set(records.processes.map((p) => p.mode));
  const mode: VerifyResult['mode'] = records.processes.length === 0 ? 'not loaded' : modes.has('real') ? 'real' : 'simulated';
  const npuSites = of('npu');
  const r: VerifyResult = {
    command,
    cwd,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    ...(run.spawnError ? { spawnError: run.spawnError } : {}),
    wallSeconds: run.wallSeconds,
    options,
    mode,
    ...(records.torch ? { torch: records.torch } : {}),
    ...(records.torchNpu ? { torchNpu: records.torchNpu } : {}),
    processes: records.processes.length,
    stoppedAfterSteps: records.stoppedAfterSteps,
    transferToNpu: of('transfer').length > 0,
    npuUses: sum(npuSites),
    npuSites,
    npuApiCalls: sum(of('npu-api')),
    cudaSites: of('cuda'),
    cudaProbes: of('probe'),
    unknownNames: of('unknown'),
    unsimulatedNames: of('unsimulated'),
    passed: false,
    reasons: [],
  };
  const reasons = r.reasons;
  if (run.spawnError) reasons.push(`the command could not be started: ${run.spawnError}`);
  else if (run.timedOut) reasons.push(`timed out after ${options.timeoutSeconds} s (stopped; --timeout sets the limit, --steps N stops after N optimizer steps)`);
  if (r.cudaSites.length > 0) {
    const first = r.cudaSites[0];
    reasons.push(`CUDA reached at ${r.cudaSites.length} site${r.cudaSites.length === 1 ? '' : 's'}, first ${where(first)}: ${first.what}`);
  }
  for (const u of r.unknownNames) reasons.push(`${u.what} does not exist in torch_npu ${u.version ?? r.torchNpu ?? ''} (${where(u)})`);
  for (const u of r.unsimulatedNames) reasons.push(`${u.what} cannot run on the simulated NPU (${where(u)})`);
  if (!run.spawnError && !run.timedOut && run.exitCode !== 0) reasons.push(run.signal ? `the program was killed by ${run.signal}` : `the program exited with code ${run.exitCode}`);
  if (mode === 'not loaded' && !run.spawnError) {
    reasons.push('no Python process loaded the verify shim (not a Python command, or python -E / -I, which ignore PYTHONPATH)');
  } else if (mode === 'simulated' && r.npuUses === 0 && !run.spawnError) {
    reasons.push('the program never used the NPU (no npu device, .npu(), torch.npu.set_device or hccl)');
  }
  // with the real torch_npu nothing is simulated or recorded: only the exit status speaks
  r.passed = reasons.length === 0;
  return r;
}

export function where(s: Site): string {
  return s.file === null ? '(no Python frame outside torch)' : `${s.file}:${s.line}`;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandText(command: string[]): string {
  return command.map(quote).join(' ');
}

function siteLines(sites: Site[], limit = 10): string[] {
  const shown = sites.slice(0, limit).map((s) => `${where(s)}  ${s.what}  ×${s.count}`);
  if (sites.length > limit) shown.push(`... ${sites.length - limit} more (verify.json lists all)`);
  return shown;
}

/** What is printed at the end of the run. */
export function summaryText(r: VerifyResult, reportFiles: string[]): string {
  const out: string[] = [];
  out.push(`ascendify verify: ${r.passed ? 'PASSED' : 'FAILED'}${r.passed ? '' : `: ${r.reasons[0]}`}`);
  const row = (k: string, v: string) => out.push(`  ${k.padEnd(14)}${v}`);
  row('command', commandText(r.command));
  const status = r.spawnError ? 'not started' : r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  row('result', `${status} after ${r.wallSeconds.toFixed(1)} s${r.stoppedAfterSteps !== null ? `, stopped after ${r.stoppedAfterSteps} optimizer steps (--steps)` : ''}`);
  row('simulation', r.mode === 'simulated' && !r.torch ? `torch was never imported (${r.processes} Python process${r.processes === 1 ? '' : 'es'})` : r.mode === 'simulated' ? `torch_npu ${r.torchNpu ?? '?'} on CPU torch ${r.torch ?? '?'} (${r.processes} process${r.processes === 1 ? '' : 'es'}${r.transferToNpu ? ', transfer_to_npu' : ''})` : r.mode === 'real' ? 'none: the real torch_npu is installed (only the exit status is checked)' : 'shim not loaded');
  row('npu uses', `${r.npuUses} at ${r.npuSites.length} site${r.npuSites.length === 1 ? '' : 's'}, ${r.npuApiCalls} torch.npu calls`);
  row('cuda sites', r.cudaSites.length === 0 ? 'none reached' : `${r.cudaSites.length}`);
  for (const l of siteLines(r.cudaSites)) out.push(`      ${l}`);
  if (r.cudaProbes.length > 0) {
    row('cuda probes', `${r.cudaProbes.length} (answered False / 0 as on Ascend; not a failure, but the program may have chosen the CPU there)`);
    for (const l of siteLines(r.cudaProbes, 5)) out.push(`      ${l}`);
  }
  if (r.unknownNames.length > 0) {
    row('unknown names', `${r.unknownNames.length}`);
    for (const l of siteLines(r.unknownNames)) out.push(`      ${l}`);
  }
  if (r.unsimulatedNames.length > 0) {
    row('unsimulated', `${r.unsimulatedNames.length}`);
    for (const l of siteLines(r.unsimulatedNames)) out.push(`      ${l}`);
  }
  for (const reason of r.reasons.slice(1)) row('also', reason);
  for (const f of reportFiles) row('report', f);
  out.push(DOES_NOT_PROVE);
  return `${out.join('\n')}\n`;
}

export function verifyJson(r: VerifyResult, version: string): string {
  return `${JSON.stringify({ tool: 'ascendify', version, kind: 'verify', ...r, doesNotProve: DOES_NOT_PROVE.replace(/\n/g, ' ') }, null, 2)}\n`;
}

function mdTable(sites: Site[]): string[] {
  if (sites.length === 0) return ['none', ''];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return ['| file:line | what | count |', '|---|---|---:|', ...sites.map((s) => `| ${cell(where(s))} | ${cell(s.what)} | ${s.count} |`), ''];
}

/** verify.md, also the section appended to a convert run's summary.md. */
export function verifyMd(r: VerifyResult): string {
  return [
    `## ascendify verify: ${r.passed ? 'passed' : 'failed'}`,
    '',
    `Command: \`${commandText(r.command).replace(/`/g, "'")}\``,
    '',
    ...(r.reasons.length ? ['Why it failed:', '', ...r.reasons.map((x) => `- ${x}`), ''] : []),
    `Exit code ${r.exitCode ?? '-'}${r.timedOut ? ' (timed out)' : ''}, ${r.wallSeconds.toFixed(1)} s; ${r.processes} Python process(es); simulation: ${r.mode}${r.torchNpu ? ` (torch_npu ${r.torchNpu}, CPU torch ${r.torch})` : ''}${r.stoppedAfterSteps !== null ? `; stopped after ${r.stoppedAfterSteps} optimizer steps` : ''}.`,
    '',
    `### CUDA sites reached (${r.cudaSites.length})`,
    '',
    ...mdTable(r.cudaSites),
    `### CUDA probes (${r.cudaProbes.length})`,
    '',
    ...mdTable(r.cudaProbes),
    `### torch_npu names missing or not simulated (${r.unknownNames.length + r.unsimulatedNames.length})`,
    '',
    ...mdTable([...r.unknownNames, ...r.unsimulatedNames]),
    `### NPU uses (${r.npuUses})`,
    '',
    ...mdTable(r.npuSites),
    DOES_NOT_PROVE.replace(/\n/g, ' '),
    '',
  ].join('\n');
}
