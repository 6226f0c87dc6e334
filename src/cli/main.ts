#!/usr/bin/env node
/**
 * The vnflab command line: parse arguments and call one library function per
 * command (src/commands/). Exit 0 pass, 1 test failed, 2 bad usage or
 * config (one line naming the field), 130 interrupted.
 */
import { dirname, resolve } from 'node:path';
import { Argument, Command, CommanderError, Option } from 'commander';
import {
  CalibrationError,
  DEFAULT_CALIBRATION_RATE_HZ,
  DEFAULT_OUTAGES_MS,
  calibrate,
  formatCalibrationTable,
  parseOutages,
  parseRate,
  withinBound,
} from '../commands/calibrate.js';
import { ConfigError, Interrupted, OptionalDependencyMissing } from '../util/errors.js';
import { jsonSchema, SCHEMAS, type SchemaName } from '../commands/schema.js';
import { formatListing, listTestCases } from '../commands/list.js';
import { DEFAULT_INIT_DIR, formatInit, initExamples } from '../commands/init.js';
import { labUp, parsePort } from '../commands/lab-up.js';
import { formatLabSetupQemu, labSetupQemu } from '../commands/lab-setup.js';
import { QemuLabError } from '../lab/hypervisor/qemu/errors.js';
import { exitCodeOf, runCommand, type RunCommandOptions } from '../commands/run.js';
import { consoleReporter } from '../report/console-reporter.js';
import { formatTrialsSummary, runTrialsCommand } from '../commands/trials.js';
import {
  compareRuns,
  exportHistory,
  parseExportFormat,
  listBaselines,
  setBaseline,
  formatHistory,
  formatRun,
  listHistory,
  parseThreshold,
  showRun,
} from '../commands/history.js';
import { historyDbPath } from '../history/location.js';
import { HistoryUnavailable } from '../history/store.js';
import { formatPingPong } from '../report/ping-pong.js';
import { V_RESOURCE_TYPES } from '../ports/vnfm.js';
import { VNFLAB_VERSION } from '../util/version.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkOutDir } from '../compose/out-dir.js';

/** First Ctrl-C: stop the run and clean up; second: leave at once. */
function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  let count = 0;
  const onSignal = (name: string): void => {
    count++;
    if (count === 1) {
      process.stderr.write(`\n${name}: stopping and cleaning up (again to force)\n`);
      ac.abort(new Interrupted(name));
    } else process.exit(130);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return ac.signal;
}

function fail(message: string, code: number): never {
  process.stderr.write(`vnflab: ${message}\n`);
  process.exit(code);
}

const program = new Command('vnflab')
  .description('ETSI VNF lifecycle migration tests under traffic, against a VNFM / VIM or the embedded lab')
  .version(VNFLAB_VERSION, '-V, --version', "print vnflab's version (package.json) and exit")
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // A usage error is one line like every other (`vnflab: ...`), its hint ("Did you mean --out?") included.
    outputError: (s, write) =>
      write(
        `vnflab: ${s
          .replace(/^error: /, '')
          .trim()
          .split('\n')
          .join(' ')}\n`,
      ),
  });

program
  .command('run')
  .description('run a test case (default: against the embedded lab)')
  .argument('<TESTCASE>', 'test case id, e.g. TC_VNF_MIGRATE_002 (see vnflab list)')
  .option('--config <FILE.yaml>', 'run configuration (YAML)')
  .option(
    '--out <DIR>',
    'where result.json and the log go (default: a new results/<TESTCASE>-<UTC time>-<random>/ per run)',
  )
  .option('--rate <HZ>', 'packets per second of the load level used')
  .addOption(new Option('--resource <TYPE>', 'vResourceType to migrate').choices([...V_RESOURCE_TYPES]))
  .addOption(new Option('--trigger <TYPE>', 'triggerType').choices(['vnfm', 'load', 'em', 'vnf']))
  .option('--vnfd <ID>', "VNFD to instantiate (default: the case's)")
  .option('--vnf-config <FILE>', 'vnfConfigFile')
  .option('--license <FILE>', 'vnfLicenseFile')
  .option('--em-config <FILE>', 'emConfigFile (sets EM_VNF_SYSTEM)')
  .addOption(
    new Option(
      '--lab <HYPERVISOR>',
      "the embedded lab's hypervisor (qemu: see `vnflab lab setup qemu`)",
    ).choices(['process', 'qemu']),
  )
  .option(
    '--lab-fault <SPEC>',
    'a fault the embedded lab injects, repeatable: TARGET=FAULT[@stepN[+MSms]], e.g. vnfm.instantiate=http500, migration=fail-halfway, host.source=sigkill@step8 (docs/faults.md)',
    (spec: string, previous: string[] = []) => [...previous, spec],
  )
  .option('--max-disruption-ms <MS>', 'criteria.maxServiceDisruptionMs: fail above this service disruption')
  .option('--max-switchover-ms <MS>', 'criteria.maxSwitchOverMs: fail above this switch-over (blackout) loss')
  .option('--max-migration-ms <MS>', 'criteria.maxMigrationTimeMs: fail above this migration time')
  .option('--max-latency-ms <MS>', 'criteria.maxLatencyP99Ms: fail above this p99 one-way latency')
  .option(
    '--baseline [TAG]',
    "judge the disruption against the case's recorded baseline (vnflab baseline set): limit min(4 x its largest disruption, 5 s)",
  )
  .option(
    '--trials <N>',
    'run it N times (RFC 6201 repeated trials), each with a fresh VNF, into one folder with summary.json; exit code: the worst trial',
  )
  .option(
    '--ping-pong <N>',
    'move the same VNF back and forth N times (A to B to A...) under continuous traffic, each move reported, first move versus repeats (TC_VNF_MIGRATE_002)',
  )
  .option(
    '--history-db <FILE>',
    'the run history database (default: $VNFLAB_HISTORY_DB, else ~/.local/share/vnflab/history.db)',
  )
  .option('--no-history', 'do not record this run in the history')
  .option('--json', 'also print the result record (with --trials: summary.json) on stdout')
  .action(async (testCase: string, o: Record<string, string | string[] | boolean | undefined>) => {
    const str = (k: string): Record<string, string> => (typeof o[k] === 'string' ? { [k]: o[k] } : {});
    const runOptions: RunCommandOptions = {
      testCase,
      ...str('config'),
      ...str('out'),
      ...str('rate'),
      ...str('resource'),
      ...str('trigger'),
      ...str('vnfd'),
      ...str('vnfConfig'),
      ...str('license'),
      ...str('emConfig'),
      ...str('lab'),
      ...str('maxDisruptionMs'),
      ...str('maxSwitchoverMs'),
      ...str('maxMigrationMs'),
      ...str('maxLatencyMs'),
      ...(Array.isArray(o.labFault) ? { labFaults: o.labFault } : {}),
      ...str('pingPong'),
      ...(o.baseline === true ? { baseline: 'default' } : str('baseline')),
      historyDb: o.history === false ? null : historyDbPath(str('historyDb').historyDb),
      reporters: [consoleReporter({ json: o.json === true })],
      signal: interruptSignal(),
    };
    if (typeof o.trials === 'string') {
      const set = await runTrialsCommand({ ...runOptions, trials: o.trials });
      process.stderr.write(`${formatTrialsSummary(set.summary)}\nsummary: ${set.summaryFile}\n`);
      if (set.historyRunId !== null) process.stderr.write(`history: run ${set.historyRunId}\n`);
      if (o.json === true) process.stdout.write(`${JSON.stringify(set.summary, null, 2)}\n`);
      process.exitCode = exitCodeOf(set.summary.overallStatus);
      return;
    }
    const output = await runCommand(runOptions);
    if (output.result.pingPong) process.stderr.write(`${formatPingPong(output.result.pingPong)}\n`);
    process.stderr.write(`result: ${output.resultFile}\nlog:    ${output.logFile}\n`);
    if (output.historyRunId !== null) process.stderr.write(`history: run ${output.historyRunId}\n`);
    if (o.json === true) process.stdout.write(`${JSON.stringify(output.result, null, 2)}\n`);
    process.exitCode = exitCodeOf(output.result.overallStatus);
  });

const historyDbOption = (): Option =>
  new Option(
    '--history-db <FILE>',
    'the run history database (default: $VNFLAB_HISTORY_DB, else ~/.local/share/vnflab/history.db)',
  );

program
  .command('history')
  .description('list the recorded runs, newest first (a run killed mid-way shows INCOMPLETE)')
  .option('--case <TESTCASE>', 'only this test case')
  .option('--target <TARGET>', 'only this target (lab:process, lab:qemu, sol003:<url>)')
  .option('--since <DATE>', 'only runs started at or after this ISO date/time')
  .option('--until <DATE>', 'only runs started before this ISO date/time')
  .option('--limit <N>', 'at most N runs', '50')
  .addOption(historyDbOption())
  .option('--json', 'as JSON')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const s = (k: string): Record<string, string> => (typeof o[k] === 'string' ? { [k]: o[k] } : {});
    const rows = await listHistory({
      db: historyDbPath(s('historyDb').historyDb),
      ...(typeof o.case === 'string' ? { testCase: o.case } : {}),
      ...s('target'),
      ...s('since'),
      ...s('until'),
      limit: Number(o.limit) > 0 ? Number(o.limit) : 50,
    });
    process.stdout.write(`${o.json === true ? JSON.stringify(rows, null, 2) : formatHistory(rows)}\n`);
  });

program
  .command('export')
  .description(
    'the recorded trials for dashboards, one per line: jsonl, influx (InfluxDB line protocol) or prometheus (text format); docs/trials-and-history.md',
  )
  .option('--format <FORMAT>', 'jsonl, influx or prometheus', 'jsonl')
  .option('--case <TESTCASE>', 'only this test case')
  .option('--target <TARGET>', 'only this target (lab:process, lab:qemu, sol003:<url>)')
  .option('--since <DATE>', 'only runs started at or after this ISO date/time')
  .option('--until <DATE>', 'only runs started before this ISO date/time')
  .option('--limit <N>', 'the newest N runs at most', '1000')
  .option('--out <FILE>', 'write there (atomically) instead of stdout')
  .addOption(historyDbOption())
  .action(async (o: Record<string, string | undefined>) => {
    const format = parseExportFormat(o.format ?? 'jsonl');
    // The file's folder must be one vnflab may write in (not /proc, not a file), checked before the history is read.
    if (o.out !== undefined) checkOutDir(dirname(resolve(o.out)), '--out');
    const s = (k: string): Record<string, string> => (typeof o[k] === 'string' ? { [k]: o[k] } : {});
    const text = await exportHistory(
      {
        db: historyDbPath(o.historyDb),
        ...(o.case !== undefined ? { testCase: o.case } : {}),
        ...s('target'),
        ...s('since'),
        ...s('until'),
        limit: Number(o.limit) > 0 ? Number(o.limit) : 1000,
      },
      format,
    );
    if (o.out !== undefined) await writeFileAtomic(o.out, text);
    else process.stdout.write(text);
  });

program
  .command('show')
  .description('print one recorded run with its trials')
  .argument('<RUN>', 'run id (or a unique prefix), as vnflab history lists it')
  .addOption(historyDbOption())
  .option('--json', 'as JSON')
  .action(async (id: string, o: { historyDb?: string; json?: boolean }) => {
    const run = await showRun(historyDbPath(o.historyDb), id);
    process.stdout.write(`${o.json === true ? JSON.stringify(run, null, 2) : formatRun(run)}\n`);
  });

program
  .command('compare')
  .description(
    'compare two recorded runs (single runs or sets of trials): disruption, switch-over and migration time with their spread; exit 1 when B regressed beyond the threshold',
  )
  .argument(
    '<A>',
    "the reference run (id or unique prefix), or baseline[:TAG] (B's case's baseline on B's target)",
  )
  .argument('<B>', 'the run judged against it')
  .option('--max-increase-pct <PCT>', "B's mean may exceed A's by this % of A's mean (default 50)")
  .option('--max-increase-ms <MS>', '...or by this many ms, whichever is larger (default 5)')
  .addOption(historyDbOption())
  .option('--json', 'as JSON')
  .action(async (a: string, b: string, o: Record<string, string | boolean | undefined>) => {
    const threshold = parseThreshold(
      typeof o.maxIncreasePct === 'string' ? o.maxIncreasePct : undefined,
      typeof o.maxIncreaseMs === 'string' ? o.maxIncreaseMs : undefined,
    );
    const c = await compareRuns(
      historyDbPath(typeof o.historyDb === 'string' ? o.historyDb : undefined),
      a,
      b,
      threshold,
    );
    process.stdout.write(
      `${o.json === true ? JSON.stringify({ regressed: c.regressed, a: c.a, b: c.b, threshold, figures: c.figures }, null, 2) : c.text}\n`,
    );
    process.exitCode = c.regressed ? 1 : 0;
  });

const baseline = program
  .command('baseline')
  .description(
    "baselines: a recorded run whose trials give a case's disruption limit on a target (vnflab run --baseline [TAG]; vnflab compare baseline[:TAG] RUN)",
  );
baseline
  .command('set')
  .description(
    "make RUN's trials the baseline of its case on its target (a complete run with a passing trial)",
  )
  .argument('<RUN>', 'run id (or a unique prefix), as vnflab history lists it')
  .option('--tag <TAG>', "the baseline's name", 'default')
  .addOption(historyDbOption())
  .action(async (id: string, o: { tag: string; historyDb?: string }) => {
    const { baseline: b, figures } = await setBaseline(historyDbPath(o.historyDb), id, o.tag);
    process.stdout.write(
      `baseline '${b.tag}' of ${b.testCase} on ${b.target}: run ${b.runId} (largest disruption ${figures.maxMs.toFixed(2)} ms over ${figures.trials} passing trial(s))\n`,
    );
  });
baseline
  .command('list')
  .description('list the baselines')
  .addOption(historyDbOption())
  .option('--json', 'as JSON')
  .action(async (o: { historyDb?: string; json?: boolean }) => {
    const rows = await listBaselines(historyDbPath(o.historyDb));
    const text =
      rows.length === 0
        ? 'no baselines recorded'
        : rows
            .map(
              (b) =>
                `${b.testCase.padEnd(19)} ${b.target.padEnd(14)} ${b.tag.padEnd(12)} run ${b.runId} (set ${b.createdAt})`,
            )
            .join('\n');
    process.stdout.write(`${o.json === true ? JSON.stringify(rows, null, 2) : text}\n`);
  });

program
  .command('init')
  .description(
    'write the example configurations that ship with vnflab into DIR, to run the README from an installed package; never overwrites',
  )
  .argument('[DIR]', 'where to write them', DEFAULT_INIT_DIR)
  .action((dir: string) => {
    process.stdout.write(`${formatInit(initExamples({ dir }))}\n`);
  });

program
  .command('list')
  .description('list the test cases with their steps and inputs')
  .option('--json', 'as JSON')
  .action((o: { json?: boolean }) => {
    const list = listTestCases();
    process.stdout.write(`${o.json ? JSON.stringify(list, null, 2) : formatListing(list)}\n`);
  });

program
  .command('schema')
  .description('print a JSON Schema: of the run configuration (default) or of result.json')
  .addArgument(
    new Argument('[WHICH]', 'config: the run configuration; result: result.json')
      .choices(SCHEMAS)
      .default('config'),
  )
  .action((which: SchemaName) => {
    process.stdout.write(`${JSON.stringify(jsonSchema(which), null, 2)}\n`);
  });

program
  .command('calibrate')
  .description(
    'measure timed outages through an impairment gate and compare both RFC 6201 methods with the truth',
  )
  .option('--rate <HZ>', `packets per second, one flow (default ${DEFAULT_CALIBRATION_RATE_HZ})`)
  .option('--outages <MS,MS,...>', `outages to impose, ms (default ${DEFAULT_OUTAGES_MS.join(',')})`)
  .option('--json', 'print one JSON array of the rows on stdout')
  .action(async (o: { rate?: string; outages?: string; json?: boolean }) => {
    // Both flags are checked before any traffic starts: a typo costs nothing.
    const rateHz = o.rate === undefined ? DEFAULT_CALIBRATION_RATE_HZ : parseRate(o.rate);
    const outagesMs = o.outages === undefined ? DEFAULT_OUTAGES_MS : parseOutages(o.outages);
    process.stderr.write(`calibrating at ${rateHz} packets/s, outages ${outagesMs.join(', ')} ms\n`);
    const signal = interruptSignal();
    let rows;
    try {
      rows = await calibrate({ rateHz, outagesMs, signal });
    } catch (e) {
      // Ctrl-C: calibrate() released the traffic and the gate before rejecting.
      if (!signal.aborted) throw e;
      process.exitCode = 130;
      return;
    }
    process.stdout.write(`${o.json ? JSON.stringify(rows, null, 2) : formatCalibrationTable(rows)}\n`);
    // Like a test case: 1 when a measurement missed its bound.
    process.exitCode = rows.every(withinBound) ? 0 : 1;
  });

const lab = program.command('lab').description('the embedded lab');
lab
  .command('up')
  .description('run the embedded lab in the foreground and print how to reach it')
  .option('--json', 'print one JSON line with the endpoints and credentials')
  .option('--port <N>', 'TCP port of the SOL003 VNFM on 127.0.0.1 (default: any free port)')
  .option('--no-auth', 'serve SOL003 without OAuth 2.0 (local exploration only)')
  .action(async (o: { json?: boolean; port?: string; auth: boolean }) => {
    let port: number | undefined;
    try {
      port = o.port === undefined ? undefined : parsePort(o.port);
    } catch (err) {
      fail(`${(err as Error).message}: e.g. --port 9890`, 2);
    }
    await labUp({
      json: o.json === true,
      signal: interruptSignal(),
      out: (l) => process.stdout.write(`${l}\n`),
      ...(port === undefined ? {} : { port }),
      auth: o.auth ? 'oauth2' : 'none',
    });
  });

const setup = lab.command('setup').description('prepare this machine for a lab hypervisor');
setup
  .command('qemu')
  .description(
    'install the QEMU lab packages (apt-get) and build its guest kernel + initramfs; idempotent, needs root',
  )
  .option('--cache-dir <DIR>', 'where the guest goes (default ~/.cache/vnflab/qemu)')
  .action(async (o: { cacheDir?: string }) => {
    const startedMs = performance.now();
    const result = await labSetupQemu({
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
      log: (line) => process.stderr.write(`[lab setup qemu] ${line}\n`),
    });
    process.stdout.write(`${formatLabSetupQemu(result, performance.now() - startedMs)}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version are not errors
    if (err.exitCode === 0) process.exit(0);
    process.exit(2);
  }
  // Not root, a package that would not install...: the reason, without a stack trace.
  if (err instanceof QemuLabError) fail(`${err.code}: ${err.message}`, 1);
  if (
    err instanceof ConfigError ||
    err instanceof CalibrationError ||
    err instanceof OptionalDependencyMissing ||
    err instanceof HistoryUnavailable
  )
    fail(err.message, 2);
  fail((err as Error).stack ?? String(err), 1);
}
