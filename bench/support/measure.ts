/** The two interactive measurements, identical for every system: keystroke echo and output flood. */
import { randomBytes } from "node:crypto";
import type { BenchTerminal } from "./output-tap";
import { meterCpu, type CpuShare } from "./proc-cpu";
import { jitter, sleep } from "./timing";

/** The shell sits at its prompt once nothing has arrived for this long. */
const SETTLE_MS = 300;
const ECHO_TIMEOUT_MS = 30_000;

export interface EchoOptions {
  samples: number;
  /** Mean pause between keystrokes ("typing speed"), jittered. */
  thinkMs: number;
  /** Keystrokes typed first and not counted (see Settings.echoWarmup). */
  warmup?: number;
}

/**
 * Keystroke echo round trip, in ms: type `x`, time until output containing it arrives,
 * then erase it with a backspace (DEL, as a browser sends it) and wait for readline's
 * erase sequence before the next sample, so the prompt line is clean again.
 */
export async function echoRoundTrips(terminal: BenchTerminal, options: EchoOptions): Promise<number[]> {
  const samples: number[] = [];
  await terminal.output.quiet(SETTLE_MS);
  // Learners start at different moments.
  await sleep(Math.random() * options.thinkMs);
  const warmup = options.warmup ?? 0;
  for (let i = 0; i < warmup + options.samples; i++) {
    const echoed = terminal.output.expect("x", ECHO_TIMEOUT_MS);
    const sent = performance.now();
    terminal.send("x");
    const ms = (await echoed) - sent;
    if (i >= warmup) samples.push(ms);
    const erased = terminal.output.expect("\b", ECHO_TIMEOUT_MS);
    terminal.send("\x7f");
    await erased;
    await sleep(jitter(options.thinkMs));
  }
  return samples;
}

export interface EchoFigures {
  samplesMs: number[];
  /** CPU used meanwhile: by the clients (this process), the server side, the engine. */
  cpu: CpuShare;
}

/** Every terminal typing at once; all samples together. `serverPid`: the server side's process, if any. */
export async function echoRoundTripsAll(terminals: readonly BenchTerminal[], options: EchoOptions, serverPid?: number): Promise<EchoFigures> {
  const stopMeter = meterCpu(serverPid);
  const perTerminal = await Promise.all(terminals.map((terminal) => echoRoundTrips(terminal, options)));
  return { samplesMs: perTerminal.flat(), cpu: stopMeter() };
}

export interface FloodResult {
  /** Output bytes received between Enter and the marker (the flood, plus a prompt line or two). */
  bytes: number;
  ms: number;
  /** Megabytes (10^6 bytes) per second. */
  mbPerSecond: number;
}

/**
 * Runs `head -c <bytes> /dev/zero | base64` in the shell and receives everything until a
 * marker echoed afterwards. The command line spells the marker with an empty quote in the
 * middle, so its own echo does not match.
 */
export async function flood(terminal: BenchTerminal, inputBytes: number, timeoutMs = 600_000): Promise<FloodResult> {
  await terminal.output.quiet(SETTLE_MS);
  const tag = randomBytes(4).toString("hex");
  const done = terminal.output.expect(`FLOOD${tag}DONE`, timeoutMs);
  const before = terminal.output.bytes;
  const sent = performance.now();
  terminal.send(`head -c ${inputBytes} /dev/zero | base64; echo FLOOD${tag}""DONE\r`);
  const ms = (await done) - sent;
  const bytes = terminal.output.bytes - before;
  return { bytes, ms: Math.round(ms), mbPerSecond: Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10 };
}
