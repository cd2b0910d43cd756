/**
 * How a log line looks, for both processes (the service's sandbox-service/src/log/logger.ts,
 * the web app's lib/log.ts), so LOG_FORMAT means the same everywhere. `text`: `time level
 * message {fields}`, for a person reading a terminal. `json`: pino's options for one JSON
 * object per line (`time`, `level` as a word, `msg`, the fields, the process's bindings).
 * Pure, with pino's types only: each process makes its own pino logger.
 */
import type { Logger as PinoLogger, LoggerOptions } from "pino";

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** An Error as its name and message: a stack in a log line is noise, and `{}` (JSON's default) says nothing. */
export function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

/** A `text` line. */
export function textLine(level: string, message: string, fields?: LogFields, at = new Date()): string {
  const extra = fields && Object.keys(fields).length > 0 ? " " + JSON.stringify(fields, errorReplacer) : "";
  return `${at.toISOString()} ${level} ${message}${extra}`;
}

/** Fields as plain JSON values (errors as their name and message), for pino. */
export function plainFields(fields?: LogFields): LogFields {
  return fields ? (JSON.parse(JSON.stringify(fields, errorReplacer)) as LogFields) : {};
}

/** pino's options for `json` lines, each carrying `bindings` (which process: the agent, the web app). */
export function jsonLogOptions(bindings: LogFields, isoTime: () => string): LoggerOptions {
  return {
    base: bindings,
    timestamp: isoTime,
    // Levels as words ("warn"), not pino's numbers: read by people as often as by machines.
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** `text` lines on the console (warnings and errors on stderr). */
export const textLogger: Logger = {
  info: (m, f) => console.log(textLine("info", m, f)),
  warn: (m, f) => console.warn(textLine("warn", m, f)),
  error: (m, f) => console.error(textLine("error", m, f)),
};

/** A pino logger made with jsonLogOptions, behind this project's Logger (fields as plainFields). */
export function fromPino(base: PinoLogger): Logger {
  return {
    info: (m, f) => base.info(plainFields(f), m),
    warn: (m, f) => base.warn(plainFields(f), m),
    error: (m, f) => base.error(plainFields(f), m),
  };
}
