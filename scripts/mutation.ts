/**
 * Mutation testing by area (stryker.config.mjs): runs Stryker once per area, then prints every
 * file's score from the areas' JSON reports, the overall score, and whether the targets are met.
 *
 * Usage: npm run test:mutation [-- <area>... [stryker options]]. No area: every area. Options
 * (`--mutate <file>`, `--force`) go to Stryker. Runs are incremental: a mutant whose code and
 * tests did not change since the area's last run keeps its result; `--force` tests every mutant.
 * With MUTATION_REPORT_ONLY=1 it runs nothing and prints the reports already in reports/mutation/.
 * Exits with 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startDynamoDbLocal } from '../src/local/dynamodb-local';
import { freePort } from '../src/local/local-stack';
import { startMoto } from '../test/support/moto';

interface Mutant {
  status: string;
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}
interface Tally {
  detected: number;
  undetected: number;
  survived: number;
  noCoverage: number;
}

/** The scores the project holds itself to: overall, and the files behind the rotation and outage promises. */
const targets = Object.freeze({
  overall: 80,
  files: { 'src/lib/db/database.ts': 75, 'src/lib/storage/access.ts': 75 } as Record<string, number>,
});

const root = path.resolve(__dirname, '..');
const reportOf = (area: string) => path.join(root, 'reports/mutation', area, 'mutation.json');

function tally(mutants: Mutant[]): Tally {
  const count = (...statuses: string[]) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  return { detected: count('Killed', 'Timeout'), undetected: survived + noCoverage, survived, noCoverage };
}

/** Stryker's mutation score: detected among the valid mutants (ignored, static and invalid ones left out). */
const score = ({ detected, undetected }: Tally) => (detected + undetected ? (100 * detected) / (detected + undetected) : 100);

interface Area {
  servers?: SharedServer[];
}

type SharedServer = 'dynamodb' | 'moto';

/**
 * The local AWS servers that the chosen areas' tests use, started once for every Stryker run
 * rather than once per mutant (their start is most of a run), and named to the tests by their
 * TEST_SHARED_* variables (test/support/dynamodb.ts, moto.ts).
 */
async function startSharedServers(needed: Set<SharedServer>) {
  const stops: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  const stop = () => Promise.all(stops.map((stopOne) => stopOne())).then(() => undefined);
  try {
    if (needed.has('dynamodb')) {
      const dynamodb = await startDynamoDbLocal({ port: await freePort() });
      stops.push(dynamodb.stop);
      env.TEST_SHARED_DYNAMODB_URL = dynamodb.url;
    }
    if (needed.has('moto')) {
      const moto = await startMoto();
      stops.push(moto.stop);
      env.TEST_SHARED_MOTO_URL = moto.url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, stop };
}

function stryker(args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn('npx', ['stryker', 'run', ...args], { cwd: root, stdio: 'inherit', env });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

function printScores(areaNames: string[]): boolean {
  const rows: { area: string; file: string; tally: Tally }[] = [];
  for (const area of areaNames) {
    if (!fs.existsSync(reportOf(area))) {
      console.log(`${area}: no report (reports/mutation/${area}/mutation.json); run npm run test:mutation -- ${area}`);
      continue;
    }
    const report = JSON.parse(fs.readFileSync(reportOf(area), 'utf8')) as Report;
    for (const [file, { mutants }] of Object.entries(report.files)) rows.push({ area, file, tally: tally(mutants) });
  }
  const sum = (tallies: Tally[]) =>
    tallies.reduce(
      (total, t) => ({
        detected: total.detected + t.detected,
        undetected: total.undetected + t.undetected,
        survived: total.survived + t.survived,
        noCoverage: total.noCoverage + t.noCoverage,
      }),
      { detected: 0, undetected: 0, survived: 0, noCoverage: 0 },
    );
  const line = (name: string, t: Tally) =>
    `${name.padEnd(52)} ${score(t).toFixed(1).padStart(6)} %  ${String(t.detected).padStart(5)} ${String(t.survived).padStart(8)} ${String(t.noCoverage).padStart(7)}`;
  console.log(`\n${'file'.padEnd(52)} ${'score'.padStart(8)}  ${'detected'.padStart(5)} survived no cov.`);
  for (const area of areaNames) {
    const ofArea = rows.filter((row) => row.area === area);
    if (!ofArea.length) continue;
    console.log(`-- ${area}`);
    for (const row of ofArea.sort((a, b) => a.file.localeCompare(b.file))) console.log(line(row.file, row.tally));
    console.log(line(`   ${area}, all files`, sum(ofArea.map((row) => row.tally))));
  }
  const overall = score(sum(rows.map((row) => row.tally)));
  console.log(`\noverall: ${overall.toFixed(1)} % (target ${targets.overall} %)`);
  const missed = overall < targets.overall ? [`overall ${overall.toFixed(1)} % < ${targets.overall} %`] : [];
  for (const [file, target] of Object.entries(targets.files)) {
    const row = rows.find((candidate) => candidate.file === file);
    const fileScore = row ? score(row.tally) : undefined;
    console.log(`${file}: ${fileScore === undefined ? 'not run' : `${fileScore.toFixed(1)} %`} (target ${target} %)`);
    if (fileScore === undefined || fileScore < target) missed.push(`${file} ${fileScore?.toFixed(1) ?? 'not run'}`);
  }
  console.log(missed.length ? `targets missed: ${missed.join('; ')}` : 'every target met');
  return missed.length === 0;
}

async function main() {
  const { areas } = (await import(path.join(root, 'stryker.config.mjs'))) as { areas: Record<string, Area> };
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((arg) => arg.startsWith('-'));
  const named = firstOption === -1 ? args : args.slice(0, firstOption);
  const options = firstOption === -1 ? [] : args.slice(firstOption);
  const unknown = named.filter((name) => !(name in areas));
  if (unknown.length) throw new Error(`not an area: ${unknown.join(', ')}; the areas: ${Object.keys(areas).join(', ')}`);
  const chosen = named.length ? named : Object.keys(areas);
  if (!process.env.MUTATION_REPORT_ONLY) {
    const shared = await startSharedServers(new Set(chosen.flatMap((area) => areas[area]!.servers ?? [])));
    try {
      for (const area of chosen) {
        const started = Date.now();
        console.log(`\n== ${area}`);
        // Incremental: a mutant whose code and tests are unchanged since the area's last run keeps its result (--force: test all).
        const status = await stryker(['--incremental', ...options], { ...process.env, ...shared.env, MUTATION_AREA: area });
        console.log(`== ${area}: ${Math.round((Date.now() - started) / 1000)} s`);
        if (status !== 0) throw new Error(`Stryker failed on the area ${area} (exit ${status})`);
      }
    } finally {
      await shared.stop();
    }
  }
  // One area or file says nothing of the others: the targets are checked on the whole set only.
  const whole = chosen.length === Object.keys(areas).length && !options.some((option) => option.startsWith('--mutate'));
  const met = printScores(chosen);
  process.exitCode = whole && !met ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
