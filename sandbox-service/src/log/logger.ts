/**
 * The service's log: one line per event. `text` (the default, for a person reading
 * `npm start`): `time level message {fields}`. `json` (LOG_FORMAT=json, for a log
 * collector; pino): one JSON object per line with `time`, `level`, `msg`, the fields, and
 * the agent's id on every line, so lines from several machines can be told apart.
 */
import { pino, type DestinationStream } from "pino";

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** An Error as its name and message: a stack in a log line is noise, and `{}` (JSON's default) says nothing. */
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

function line(level: string, message: string, fields?: LogFields): string {
  const extra = fields && Object.keys(fields).length > 0 ? " " + JSON.stringify(fields, errorReplacer) : "";
  return `${new Date().toISOString()} ${level} ${message}${extra}`;
}

export const consoleLogger: Logger = {
  info: (m, f) => console.log(line("info", m, f)),
  warn: (m, f) => console.warn(line("warn", m, f)),
  error: (m, f) => console.error(line("error", m, f)),
};

/** JSON lines through pino, each carrying `bindings` (the agent); to stdout unless a destination is given. */
export function jsonLogger(bindings: LogFields, destination?: DestinationStream): Logger {
  const base = pino(
    {
      base: bindings,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Levels as words ("warn"), not pino's numbers: read by people as often as by machines.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
  const plain = (fields?: LogFields) => (fields ? (JSON.parse(JSON.stringify(fields, errorReplacer)) as LogFields) : {});
  return {
    info: (m, f) => base.info(plain(f), m),
    warn: (m, f) => base.warn(plain(f), m),
    error: (m, f) => base.error(plain(f), m),
  };
}

/** For tests that must not print. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
