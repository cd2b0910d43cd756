/**
 * The web app's log, written as the sandbox service writes its own (shared/log-format.ts),
 * by LOG_FORMAT: `text` (the default, `time level message {fields}` for a terminal) or
 * `json` (pino, one JSON object per line for a log collector), each line carrying
 * `process: "web"` and the host (a replica's container on Docker Swarm). Lines about a
 * learner's sandbox carry `learner`, `lesson` and `agent`, as the agents' lines do.
 * One logger per process, kept on globalThis (dev reloads; the server script and the
 * routes Next.js compiles share it).
 */
import { hostname } from "node:os";
import { pino, type DestinationStream } from "pino";
import { webConfig } from "../shared/config";
import { fromPino, jsonLogOptions, textLogger, type LogFields, type Logger } from "../shared/log-format";

export type { LogFields, Logger };

export type LogFormat = "text" | "json";

/** What every `json` line of the web app carries. */
export function webLogBindings(): LogFields {
  return { process: "web", host: hostname() };
}

/**
 * A logger in `format`. `json` goes to `destination` (default stdout, written at once,
 * as console.log writes `text`: a line logged just before the process exits is not lost,
 * and the web app logs a few lines per page, not per keystroke).
 */
export function createLogger(format: LogFormat, bindings: LogFields = webLogBindings(), destination?: DestinationStream): Logger {
  if (format === "text") return textLogger;
  return fromPino(pino(jsonLogOptions(bindings, pino.stdTimeFunctions.isoTime), destination ?? pino.destination({ fd: 1, sync: true })));
}

const holder = globalThis as typeof globalThis & { dojoWebLog?: Logger };

/** The web app's logger, in its configured LOG_FORMAT. */
export function webLog(): Logger {
  holder.dojoWebLog ??= createLogger(webConfig().LOG_FORMAT);
  return holder.dojoWebLog;
}
