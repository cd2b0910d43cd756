/**
 * The service's log: one line per event. `text` (the default, for a person reading
 * `npm start`): `time level message {fields}`. `json` (LOG_FORMAT=json, for a log
 * collector; pino): one JSON object per line with `time`, `level`, `msg`, the fields, and
 * the agent's id on every line, so lines from several machines can be told apart. The
 * format itself is shared/log-format.ts, which the web app's log (lib/log.ts) uses too.
 */
import { pino, type DestinationStream } from "pino";
import { fromPino, jsonLogOptions, textLogger, type LogFields, type Logger } from "../../../shared/log-format";

export type { LogFields, Logger };

export const consoleLogger: Logger = textLogger;

/** JSON lines through pino, each carrying `bindings` (the agent); to stdout unless a destination is given. */
export function jsonLogger(bindings: LogFields, destination?: DestinationStream): Logger {
  return fromPino(pino(jsonLogOptions(bindings, pino.stdTimeFunctions.isoTime), destination ?? pino.destination({ fd: 1, sync: false })));
}

/** For tests that must not print. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
