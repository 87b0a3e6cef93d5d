import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

/** One thing a linter reported: which linter, its rule, where in the document and what it says. */
export interface LinterFinding {
  linter: 'spectral' | 'redocly';
  rule: string;
  at: string;
  message: string;
}

/** The CLI's exit code and output, whether it passed or failed. */
async function runLinter(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(bin(command), args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 32 * 1024 * 1024,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * What Spectral and Redocly report on an OpenAPI document's text, with the project's own configs
 * (`.spectral.yaml`, `redocly.yaml`) and the flags `npm run lint:contract` gives them. A linter that
 * exits non-zero with nothing to report (a broken config, a crash) throws.
 */
export async function openApiLinterFindings(text: string): Promise<LinterFinding[]> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-lint-'));
  try {
    const file = path.join(directory, 'openapi.json');
    const spectralReport = path.join(directory, 'spectral.json');
    fs.writeFileSync(file, text);
    const [spectral, redocly] = await Promise.all([
      runLinter('spectral', [
        'lint',
        file,
        '--ruleset',
        '.spectral.yaml',
        '--fail-severity=hint',
        '-f',
        'json',
        '-o',
        spectralReport,
        '-q',
      ]),
      runLinter('redocly', ['lint', file, '--config', 'redocly.yaml', '--format', 'json']),
    ]);
    const spectralResults = fs.existsSync(spectralReport)
      ? (JSON.parse(fs.readFileSync(spectralReport, 'utf8')) as { code: string; path: string[]; message: string }[])
      : [];
    const redoclyResults = redocly.stdout.trim()
      ? (JSON.parse(redocly.stdout.slice(redocly.stdout.indexOf('{'))) as { problems: RedoclyProblem[] }).problems
      : [];
    const findings: LinterFinding[] = [
      ...spectralResults.map((result) => ({
        linter: 'spectral' as const,
        rule: result.code,
        at: `#/${result.path.join('/')}`,
        message: result.message,
      })),
      ...redoclyResults.map((problem) => ({
        linter: 'redocly' as const,
        rule: problem.ruleId,
        at: problem.location[0]?.pointer ?? '#',
        message: problem.message,
      })),
    ];
    for (const [linter, outcome] of [
      ['spectral', spectral],
      ['redocly', redocly],
    ] as const) {
      if (outcome.code !== 0 && !findings.some((finding) => finding.linter === linter))
        throw new Error(`${linter} exited with ${outcome.code} and reported nothing:\n${outcome.stderr}${outcome.stdout}`);
    }
    return findings;
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

interface RedoclyProblem {
  ruleId: string;
  message: string;
  location: { pointer?: string }[];
}
