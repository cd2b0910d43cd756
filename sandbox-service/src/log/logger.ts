/**
 * The service's log: one line per event. `text` (the default, for a person reading
 * `npm start`): `time level message {fields}`. `json` (LOG_FORMAT=json, for a log
 * collector; pino): one JSON object per line with `time`, `level`, `msg`, the fields, and
 * the agent's id on every line, so lines from several machines can be told apart. The
 * format itself is shared/log-format.ts, which the web app's log (lib/log.ts) uses too.
 */
import { pino, type DestinationStream } from "pino";
import { jsonLogOptions, plainFields, textLine, type LogFields, type Logger } from "../../../shared/log-format";

export type { LogFields, Logger };

export const consoleLogger: Logger = {
  info: (m, f) => console.log(textLine("info", m, f)),
  warn: (m, f) => console.warn(textLine("warn", m, f)),
  error: (m, f) => console.error(textLine("error", m, f)),
};

/** JSON lines through pino, each carrying `bindings` (the agent); to stdout unless a destination is given. */
export function jsonLogger(bindings: LogFields, destination?: DestinationStream): Logger {
  const base = pino(jsonLogOptions(bindings, pino.stdTimeFunctions.isoTime), destination ?? pino.destination({ fd: 1, sync: false }));
  return {
    info: (m, f) => base.info(plainFields(f), m),
    warn: (m, f) => base.warn(plainFields(f), m),
    error: (m, f) => base.error(plainFields(f), m),
  };
}

/** For tests that must not print. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
