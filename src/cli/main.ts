/**
 * The command line: parses arguments, runs a command, hands the result to a reporter and sets the exit code.
 * This is the only module that sets process.exitCode. Commands are imported lazily so `dq --help` stays fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { DqError, EXIT } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { collect } from './options.js';
import { exitAfterCommits } from '../io/writers/atomic.js';

function addReadFlags(cmd: Command): Command {
  return cmd
    .option('--delimiter <char>', 'field delimiter (default: sniffed among , ; TAB |); "tab" for TAB')
    .option('--no-header', 'the first line is data, not column names (columns are named column_1, column_2, ...)')
    .option('--encoding <name>', 'text encoding: utf-8 (default; UTF-16 is detected by its BOM), utf-16, latin1, windows-1252')
    .option('--decimal <char>', "decimal mark for numbers: '.' (default) or ','")
    .option('--type <COL=TYPE>', 'force a column type (integer, float, boolean, date, datetime, string, categorical); repeatable', collect)
    .option('--dayfirst', 'read ambiguous slash dates (03/04/2020) as day first')
    .option('--na-values <list>', 'comma-separated tokens that mean missing, replacing the default list')
    .option('--extra-na-values <list>', 'comma-separated tokens that mean missing, added to the default list')
    .option('--input-format <fmt>', 'csv, tsv, jsonl or parquet (default: from content and extension)')
    .option('--max-field-bytes <n>', 'reject fields larger than this many bytes (default 64 MiB)')
    .option('--max-columns <n>', 'reject inputs with more columns (default 100000)')
    .option('--max-decompressed-bytes <n>', 'reject a compressed input that decompresses to more than n bytes (e.g. 2GB); off by default');
}

function addAuditFlags(cmd: Command): Command {
  return addReadFlags(cmd)
    .addOption(new Option('-f, --format <fmt>', 'report format').choices(['terminal', 'json', 'markdown', 'junit', 'github', 'html']).default('terminal'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout (- is stdout)')
    .option('--report <fmt=file>', 'also write a report in another format (json, markdown, junit, github, html, terminal); repeatable', collect)
    .option('--config <file>', 'quality rules and options (default: dq.yml or dq.yaml in the working directory)')
    .option('--no-config', 'ignore dq.yml in the working directory')
    .option('--fail-under <score>', 'gate: fail (exit 1) when the overall score is below this')
    .option('--fail-under-dimension <list>', 'gate: minimum per dimension, e.g. completeness=95,uniqueness=99')
    .option('--max-warnings <n>', 'gate: fail when there are more warnings than this')
    .addOption(new Option('--fail-on <level>', 'gate: warn makes warned rules fail the gate too').choices(['warn', 'error']))
    .option('--baseline <report.json>', 'gate: compare with an earlier JSON report (scores, rows, columns, types, missing rates, drift)')
    .option('--expect-sha256 <hex>', 'gate: fail unless the input file has this SHA-256')
    .option('--invalid-rows <file>', 'write the rows failing an error-level rule (with their rule ids in _dq_rules) to this file, by a second pass')
    .option('--history <file.jsonl>', 'append a one-line record of this run (time, file, hash, rows, scores)')
    .option('--no-examples', 'leave data values out of every output')
    .option('--checks <ids>', 'run only these checks (comma-separated)')
    .option('--skip-checks <ids>', 'skip these checks (comma-separated)')
    .option('--columns <names>', 'audit only these columns (comma-separated)')
    .option('--exclude-columns <names>', 'leave these columns out (comma-separated)')
    .option('--key <cols>', 'key columns for duplicate-key counting (comma-separated)')
    .option('--numeric-threshold <share>', 'share of values that must be numbers for a numeric column (default 0.95)')
    .option('--timestamp-column <col>', 'column with record times for timeliness (default: the only datetime column)')
    .option('--max-age <duration>', 'records older than this are stale: 90s, 15m, 36h, 7d, 2w')
    .option('--as-of <time>', 'reference time for ages, ISO 8601 (default: now)')
    .option('--timezone <zone>', 'zone for times written without one (default UTC)')
    .option('--quasi-identifiers <cols>', 'columns that together may identify a person: report k-anonymity (comma-separated)')
    .option('--k <n>', 'k for k-anonymity: rows in classes smaller than this are at risk (default 5)')
    .option('--sensitive <col>', 'with --quasi-identifiers: report l-diversity of this column')
    .addOption(new Option('--engine <name>', 'audit inside a database engine by pushing checks down as SQL (duckdb for a local file)').choices(['duckdb', 'postgres', 'clickhouse']))
    .option('--table <name>', 'the table to audit (postgres://... URLs, or a .duckdb file)')
    .option('--password-file <file>', 'database password file (else PGPASSWORD, ~/.pgpass or CLICKHOUSE_PASSWORD)')
    .option('--timeout <seconds>', 'statement timeout for database sources (default 300)')
    .option('--plugin <file>', 'load a checker module (see README, "Adding a checker"); repeatable', collect)
    .option('--allow-plugins', 'also load the plugins: listed in the config file (off by default, so a config in a pull request cannot run code)')
    .option('--max-memory <MB>', 'stop with exit 3 when resident memory exceeds this many megabytes')
    .option('--strict', 'ragged rows, invalid lines and invalid UTF-8 make the input unreadable (exit 3)')
    .option('--sample <n>', 'audit a seeded random sample of n rows')
    .option('--seed <n>', 'seed for --sample', '42')
    .option('--threads <n>', 'threads for large CSV/TSV, JSON Lines and Parquet files (default 2; 1 reads on one thread)')
    .option('--exact-budget <MB>', 'memory per numeric column for exact statistics before a sketch or spill is used (default 8)')
    .option('-q, --quiet', 'no progress on stderr');
}

let signalsHandled = false;

export async function main(argv: string[]): Promise<void> {
  if (!signalsHandled) {
    // Ctrl-C or a kill ends dq through 'exit', with the status a shell reports for the signal, so that what is
    // to be removed at exit (removeAtExit: spills, a spooled stdin; live output temporaries) is removed
    // (not while a group of outputs is being renamed into place: then right after it)
    // (on, not once: a second Ctrl-C during the renames must not fall to Node's default and split them)
    process.on('SIGINT', () => exitAfterCommits(130));
    process.on('SIGTERM', () => exitAfterCommits(143));
    signalsHandled = true;
  }
  const program = new Command();
  program
    .name('dq')
    .description('Audit, gate and clean CSV, JSON Lines and Parquet data.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run dq --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addAuditFlags(program.command('audit').description('audit one or more files (or - for stdin) and print a scored report').argument('<files...>'))
    .action(async (files: string[], flags, cmd: Command) => {
      const { runAudit } = await import('./audit.js');
      process.exitCode = await runAudit(files, flags, 'audit', given(cmd));
    });

  addAuditFlags(program.command('check').description('alias of audit, for CI: dq check FILE --config dq.yml').argument('<files...>'))
    .action(async (files: string[], flags, cmd: Command) => {
      const { runAudit } = await import('./audit.js');
      process.exitCode = await runAudit(files, flags, 'audit', given(cmd));
    });

  addReadFlags(program.command('init').description('write a starter dq.yml inferred from a dataset (which that dataset passes)').argument('<file>'))
    .option('-o, --output <file>', 'where to write the config', 'dq.yml')
    .option('--force', 'overwrite an existing file')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (file: string, flags, cmd: Command) => {
      const { runInit } = await import('./audit.js');
      process.exitCode = await runInit(file, { format: 'json', ...flags }, given(cmd));
    });

  const clean = program
    .command('clean')
    .description('write a cleaned copy: standardise -> dedupe -> outliers -> impute -> smooth -> normalise, with a change log')
    .argument('<input>');
  const { addCleanFlags } = await import('./clean.js');
  addCleanFlags(clean)
    .option('--config <file>', 'take settings from the clean: section of this file (default: dq.yml in the working directory)')
    .option('--no-config', 'ignore dq.yml in the working directory')
    .action(async (input: string, flags) => {
      const { runClean } = await import('./clean.js');
      const { cleanBaseFromConfig } = await import('./clean-config.js');
      process.exitCode = await runClean([input], flags, await cleanBaseFromConfig(flags.config));
    });

  addAuditFlags(program.command('profile').description('print the per-column profile only').argument('<files...>'))
    .action(async (files: string[], flags, cmd: Command) => {
      const { runAudit } = await import('./audit.js');
      process.exitCode = await runAudit(files, flags, 'profile', given(cmd));
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = handleError(e);
  }
}

/** A flag counts as given when it came from the command line (not a default). */
function given(cmd: Command): (name: string) => boolean {
  return (name) => cmd.getOptionValueSource(name) === 'cli';
}

export function handleError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE;
  }
  if (e instanceof DqError) {
    process.stderr.write(`dq: ${oneLine(e.message)}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(`dq: internal error: ${oneLine(err?.message ?? String(e))} (please report this with the command you ran)\n`);
  if (process.env.DQ_DEBUG) process.stderr.write(String(err?.stack) + '\n');
  return EXIT.INPUT;
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
