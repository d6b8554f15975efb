/**
 * Report writers: CSV headers as documented (GPU2Ascend's where it has the file),
 * SARIF validated against the official SARIF 2.1.0 JSON schema, findings.json,
 * summary.md, --fail-on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import {
  ANALYSIS_CSVS,
  analysisCsv,
  analysisReportFiles,
  failsOn,
  findingsJson,
  findingsSarif,
  relativeUri,
  summaryMd,
} from './reports';
import { RULES } from './rules';
import type { ProjectFinding } from './types';

const F = (over: Partial<ProjectFinding>): ProjectFinding => ({
  ruleId: 'unsupported-api/torch-api',
  category: 'unsupported-api',
  level: 'warning',
  file: 'm.py',
  startLine: 1,
  endLine: 1,
  subject: 'torch.nn.functional.pdist',
  message: 'torch.nn.functional.pdist is not supported on NPU',
  hint: 'replace it',
  source: 'analysis',
  ...over,
});

const FINDINGS: ProjectFinding[] = [
  F({}),
  F({ ruleId: 'custom-cuda/op', category: 'custom-cuda', level: 'error', file: 'csrc/ops.cu', startLine: 9, endLine: 9, subject: 'myops::gelu', message: 'TORCH_LIBRARY(myops) defines myops::gelu' }),
  F({ ruleId: 'custom-cuda/op', category: 'custom-cuda', level: 'error', file: 'csrc/ops.cu', startLine: 12, endLine: 12, subject: 'myops::gelu', message: 'registers a CUDA kernel' }),
  F({ ruleId: 'third-party/requirement', category: 'third-party', level: 'error', file: 'requirements.txt', subject: 'flash_attn', message: 'requires flash-attn' }),
  F({ ruleId: 'scripts/cuda-env', category: 'scripts-configs', file: 'run dir/launch.sh', startLine: 3, endLine: 3, subject: 'CUDA_VISIBLE_DEVICES', equivalent: 'ASCEND_RT_VISIBLE_DEVICES', message: 'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES' }),
  F({ ruleId: 'advice/fused-optimizer', category: 'advice', level: 'info', subject: 'torch.optim.AdamW', message: 'fused' }),
  F({ ruleId: 'advice/precision', category: 'advice', level: 'info', subject: 'torch.matmul', message: 'precision' }),
  F({ ruleId: 'cuda-api-to-npu/no-npu-twin', category: 'conversion', level: 'error', subject: 'torch.cuda.nvtx.mark', message: 'torch.cuda.nvtx.mark has no NPU twin', source: 'cuda-api-to-npu', conversion: 'manual' }),
  F({ ruleId: 'nccl-to-hccl/check', category: 'conversion', level: 'warning', subject: 'x', message: 'x', source: 'nccl-to-hccl', conversion: 'unsafe', hint: '' }),
];

const HEADERS: Record<string, string> = {
  'unsupported_api.csv': 'File,Start Line,End Line,OP,Tips',
  'cuda_op_list.csv': 'File,Api',
  'api_performance_advice.csv': 'File,Start Line,End Line,OP,Tips',
  'api_precision_advice.csv': 'File,Start Line,End Line,OP,Tips',
  'third_party.csv': 'File,Start Line,End Line,Package,Tips',
  'scripts_and_configs.csv': 'File,Start Line,End Line,Setting,Ascend Equivalent,Tips',
};

describe('CSV files', () => {
  it.each(ANALYSIS_CSVS.map((n) => [n]))('%s has the documented header, also when empty', (name) => {
    expect(analysisCsv(name, []).split('\n')[0]).toBe(HEADERS[name]);
    expect(analysisCsv(name, FINDINGS).split('\n')[0]).toBe(HEADERS[name]);
  });

  it('the headers match docs/analysis.md and README.md', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/analysis.md'), 'utf8');
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    for (const [name, header] of Object.entries(HEADERS)) {
      expect(docs).toContain(`\`${name}\` | \`${header}\``);
      expect(readme).toContain(`\`${name}\``);
    }
  });

  it('puts each finding in its CSV; no-npu-twin records in unsupported_api.csv too; one row per op and file', () => {
    expect(analysisCsv('unsupported_api.csv', FINDINGS)).toBe(
      'File,Start Line,End Line,OP,Tips\n' +
        'm.py,1,1,torch.nn.functional.pdist,replace it\n' +
        'm.py,1,1,torch.cuda.nvtx.mark,replace it\n',
    );
    expect(analysisCsv('cuda_op_list.csv', FINDINGS)).toBe('File,Api\ncsrc/ops.cu,myops::gelu\n');
    expect(analysisCsv('scripts_and_configs.csv', FINDINGS)).toBe(
      'File,Start Line,End Line,Setting,Ascend Equivalent,Tips\nrun dir/launch.sh,3,3,CUDA_VISIBLE_DEVICES,ASCEND_RT_VISIBLE_DEVICES,replace it\n',
    );
    expect(analysisCsv('api_performance_advice.csv', FINDINGS)).toMatch(/torch\.optim\.AdamW/);
    expect(analysisCsv('api_precision_advice.csv', FINDINGS)).toMatch(/torch\.matmul/);
    expect(analysisCsv('third_party.csv', FINDINGS)).toMatch(/^requirements\.txt,1,1,flash_attn,/m);
  });
});

describe('findings.sarif', () => {
  const schemaPath = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  // The schema's `language` pattern (`...[a-zA-Z]{2}]?$`) is not valid with the `u` flag:
  // compile patterns as ECMAScript without it, as the schema's authors meant.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('uses the official SARIF 2.1.0 schema', () => {
    expect(schema.title).toMatch(/SARIF\) Version 2\.1\.0/);
    expect(schema.properties.version.enum).toEqual(['2.1.0']);
  });

  it.each([
    ['with findings', FINDINGS],
    ['with none', []],
  ])('validates against the schema (%s)', (_t, findings) => {
    const log = JSON.parse(findingsSarif(findings as ProjectFinding[], '1.2.3'));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has one rule per finding kind, levels that agree, relative URIs', () => {
    const log = JSON.parse(findingsSarif(FINDINGS, '1.2.3'));
    const run = log.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toEqual([...new Set(FINDINGS.map((f) => f.ruleId))].sort());
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      const loc = r.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('SRCROOT');
      expect(loc.artifactLocation.uri).not.toMatch(/^\/|^[a-z]+:/i);
    }
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(FINDINGS.map((f) => ({ info: 'note', warning: 'warning', error: 'error' })[f.level]));
    expect(run.results[4].locations[0].physicalLocation.artifactLocation.uri).toBe('run%20dir/launch.sh');
  });

  it('percent-encodes path segments', () => {
    expect(relativeUri('a b/c#d/训练.py')).toBe('a%20b/c%23d/%E8%AE%AD%E7%BB%83.py');
  });
});

describe('findings.json and summary.md', () => {
  it('lists every finding with rule, level, category and source', () => {
    const doc = JSON.parse(findingsJson(FINDINGS, '1.2.3'));
    expect(doc.findings).toHaveLength(FINDINGS.length);
    expect(doc.summary.byLevel).toEqual({ info: 2, warning: 3, error: 4 });
    expect(doc.findings[7]).toMatchObject({ rule: 'cuda-api-to-npu/no-npu-twin', category: 'conversion', source: 'cuda-api-to-npu', conversion: 'manual' });
    expect(doc.levels).toEqual(['info', 'warning', 'error']);
  });

  it('summary.md has counts per category, top items and the effort model, and no absolute path', () => {
    const md = summaryMd(FINDINGS, { name: 'repo', version: '1.2.3', pythonFiles: 3, otherFiles: 2, failedFiles: 0 });
    expect(md).toMatch(/^# Migration analysis: repo$/m);
    expect(md).toMatch(/\| Custom CUDA code \| 2 \| 0 \| 0 \| 2 \| `cuda_op_list.csv` \|/);
    expect(md).toMatch(/## Top items/);
    expect(md).toMatch(/estimate/);
    expect(md).toMatch(/\| `custom-cuda\/op` \| 2 \| 240 \| 480 \|/);
  });

  it('writes the same files for the same findings (deterministic)', () => {
    const meta = { name: 'repo', version: '1.2.3', pythonFiles: 1, otherFiles: 1, failedFiles: 0 };
    expect(analysisReportFiles(FINDINGS, meta)).toEqual(analysisReportFiles([...FINDINGS], meta));
    expect(Object.keys(analysisReportFiles(FINDINGS, meta)).sort()).toEqual([...ANALYSIS_CSVS, 'findings.json', 'findings.sarif', 'summary.md'].sort());
  });
});

describe('--fail-on', () => {
  it('compares on info < warning < error', () => {
    const warn = [F({ level: 'warning' })];
    expect(failsOn(warn, 'info')).toBe(true);
    expect(failsOn(warn, 'warning')).toBe(true);
    expect(failsOn(warn, 'error')).toBe(false);
    expect(failsOn([], 'info')).toBe(false);
  });
});

describe('rule catalogue', () => {
  it('documents every rule id in docs/analysis.md, with an example and a hint', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/analysis.md'), 'utf8');
    for (const r of RULES) {
      const at = docs.indexOf(`\n### ${r.id}\n`);
      expect({ id: r.id, documented: at >= 0 }).toEqual({ id: r.id, documented: true });
      const section = docs.slice(at, docs.indexOf('\n### ', at + 5) === -1 ? undefined : docs.indexOf('\n### ', at + 5));
      expect({ id: r.id, example: /```/.test(section), hint: /\*\*Hint\.\*\*/.test(section), level: section.includes(`**Level.** ${r.level}`) }).toEqual({
        id: r.id,
        example: true,
        hint: true,
        level: true,
      });
    }
  });
  it('has unique ids with a category prefix', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.id).toMatch(/^(unsupported-api|custom-cuda|third-party|advice|scripts)\/[a-z0-9-]+$/);
  });
});
