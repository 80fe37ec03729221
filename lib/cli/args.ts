/**
 * The one argument parser of every command line (node's `util.parseArgs`, strict), and the one
 * way they end: usage errors exit 2 with the message and the usage line; values the command
 * cannot use (SettingError: an environment variable, a --set value the experiment cannot train)
 * exit 2 with one line; errors a user can act on (UserError, which DataError extends) exit 1 with
 * their message and no stack trace; anything else is a bug and exits 1 with its stack.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UserError } from "../errors";

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Bad command-line input: exit 2 with the usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A value the command cannot use, given other than as an option's syntax (an environment
 * variable, a --set value the experiment cannot train): exit 2 with one line, no usage line.
 */
export class SettingError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}

/** --help / -h: print the usage on stdout and exit 0. */
class HelpRequest extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;
/** The parsed values of `O`: strings or booleans, arrays for `multiple` options; absent ones undefined. */
type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: "boolean" } ? (O[K] extends { multiple: true } ? boolean[] : boolean) : O[K] extends { multiple: true } ? string[] : string;
};
const HELP = { help: { type: "boolean", short: "h" } } as const;

/** parseArgs' error codes start with this; its messages are rewritten into ours. */
const PARSE_ARGS = "ERR_PARSE_ARGS_";

function usageMessage(e: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? "";
  const flag = quoted.split(" ")[0];
  switch (e.code) {
    case `${PARSE_ARGS}UNKNOWN_OPTION`:
      return `unknown option ${flag}`;
    case `${PARSE_ARGS}UNEXPECTED_POSITIONAL`:
      return `unexpected argument "${quoted}"`;
    default:
      if (/argument missing/.test(e.message)) return `${flag} needs a value`;
      if (/ambiguous/.test(e.message)) return `${flag} needs a value (a value starting with "-" is written ${flag}=-…)`;
      if (/does not take an argument/.test(e.message)) return `${flag} takes no value`;
      return e.message;
  }
}

/** `--runs -5` → `--runs=-5`, so that a negative number is checked as a value rather than taken for an option. */
function negativeValuesInline(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
    if (options[name]?.type === "string" && /^-[\d.]/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/**
 * Parses argv (without node and the script) against `options`, plus --help/-h. Unknown options,
 * missing values and unexpected positionals are UsageErrors.
 */
export function parseCli<O extends Options>(argv: readonly string[], options: O, allowPositionals = false): { values: Values<O>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: negativeValuesInline(argv, options), options: { ...options, ...HELP }, allowPositionals, strict: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith(PARSE_ARGS)) throw new UsageError(usageMessage(e as Error & { code: string }));
    throw e;
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequest();
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/** A whole number in [min, max] written in decimal digits ("0x2", "1e9", "1.5", "-5" are refused). */
export function intOption(value: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} in decimal digits, got "${value}"`);
  return n;
}

/** A path option: undefined when absent; an empty value (`--out=`) is refused rather than meaning ".". */
export function pathOption(value: string | undefined, flag: string, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`${flag} needs a path, got an empty value (e.g. ${flag} ${example})`);
  return value;
}

/** The exit code for `e`, after printing it (usage errors with `usage`, bugs with their stack). */
export function reportFailure(e: unknown, usage: string): number {
  if (e instanceof HelpRequest) {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  if (e instanceof SettingError) {
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n${usage}\n`);
    return EXIT.usage;
  }
  if (e instanceof UserError) {
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`internal error (a bug; please report it with this output):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.failure;
}

/** Runs a command's main and exits with its code, or with reportFailure's. */
export function runCli(usage: string, main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => process.exit(code),
      (e: unknown) => process.exit(reportFailure(e, usage)),
    );
}
