#!/usr/bin/env node
/**
 * The vnflab command line: parse arguments and call one library function per
 * command (src/commands/). Exit 0 pass, 1 test failed, 2 bad usage or
 * config (one line naming the field), 130 interrupted.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/errors.js';
import { configJsonSchema } from '../config/json-schema.js';
import { formatListing, listTestCases } from '../commands/list.js';
import { labUp } from '../commands/lab-up.js';
import { exitCodeOf, runCommand } from '../commands/run.js';
import { ConsoleReporter } from '../report/console.js';
import { V_RESOURCE_TYPES } from '../ports/vnfm.js';

/** First Ctrl-C: stop the run and clean up; second: leave at once. */
function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  let count = 0;
  const onSignal = (name: string): void => {
    count++;
    if (count === 1) {
      process.stderr.write(`\n${name}: stopping and cleaning up (again to force)\n`);
      ac.abort(new Error(name));
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
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('run')
  .description('run a test case (default: against the embedded lab)')
  .argument('<TESTCASE>', 'test case id, e.g. TC_VNF_MIGRATE_002 (see vnflab list)')
  .option('--config <FILE.yaml>', 'run configuration (YAML)')
  .option('--out <DIR>', 'where result.json and the log go (default results/<TESTCASE>-<timestamp>/)')
  .option('--rate <HZ>', 'packets per second of the load level used')
  .addOption(new Option('--resource <TYPE>', 'vResourceType to migrate').choices([...V_RESOURCE_TYPES]))
  .addOption(new Option('--trigger <TYPE>', 'triggerType').choices(['vnfm', 'load', 'em', 'vnf']))
  .option('--vnfd <ID>', "VNFD to instantiate (default: the case's)")
  .option('--vnf-config <FILE>', 'vnfConfigFile')
  .option('--license <FILE>', 'vnfLicenseFile')
  .option('--em-config <FILE>', 'emConfigFile (sets EM_VNF_SYSTEM)')
  .option('--json', 'also print the result record on stdout')
  .action(async (testCase: string, o: Record<string, string | boolean | undefined>) => {
    const str = (k: string): Record<string, string> => (typeof o[k] === 'string' ? { [k]: o[k] } : {});
    const output = await runCommand({
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
      reporters: [new ConsoleReporter()],
      signal: interruptSignal(),
    });
    process.stderr.write(`result: ${output.resultFile}\nlog:    ${output.logFile}\n`);
    if (o.json === true) process.stdout.write(`${JSON.stringify(output.result, null, 2)}\n`);
    process.exitCode = exitCodeOf(output.result.overallStatus);
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
  .description('print the JSON Schema of the run configuration')
  .action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

const lab = program.command('lab').description('the embedded lab');
lab
  .command('up')
  .description('run the embedded lab in the foreground and print how to reach it')
  .option('--json', 'print one JSON line with the endpoints and credentials')
  .action(async (o: { json?: boolean }) => {
    await labUp({
      json: o.json === true,
      signal: interruptSignal(),
      out: (l) => process.stdout.write(`${l}\n`),
    });
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version are not errors
    if (err.exitCode === 0) process.exit(0);
    process.exit(2);
  }
  if (err instanceof ConfigError) fail(err.message, 2);
  fail((err as Error).stack ?? String(err), 1);
}
