/**
 * Runs the real sandbox service in-process against the real Docker engine, under an
 * instance name of its own, and removes every container of that instance afterwards.
 */
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect } from "vitest";
import { loadServiceConfig, type ServiceConfig } from "../../../shared/config";
import {
  EVENTS,
  type Ack,
  type DashboardCounts,
  type DashboardRow,
  type ClientToServerEvents,
  type SandboxEnded,
  type SandboxInfo,
  type ServerToClientEvents,
  type TerminalOpened,
  type TerminalSize,
} from "../../../shared/protocol";
import { signSandboxToken, type SandboxClaims } from "../../../shared/token";
import { DockerEngine } from "../../src/engine/docker-engine";
import { silentLogger } from "../../src/log/logger";
import { startSandboxService, type RunningService, type ServiceOverrides } from "../../src/service";
import { instanceSelector } from "../../src/sessions/identity";

export const SECRET = "integration-test-secret-0123456789";

export function testConfig(env: Record<string, string> = {}): ServiceConfig {
  return loadServiceConfig({
    DOJO_SECRET: SECRET,
    DOJO_INSTANCE: `it-${randomBytes(4).toString("hex")}`,
    SANDBOX_PORT: "0",
    // Cold sandboxes unless a test is about the pool: fewer containers, clearer tests.
    SANDBOX_POOL_SIZE: "0",
    SANDBOX_DOCKER_POOL_SIZE: "0",
    DOCKER_HOST: process.env.DOCKER_HOST,
    ...env,
  });
}

export const engine = new DockerEngine(process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock");

export async function startService(config: ServiceConfig, overrides: ServiceOverrides = {}): Promise<RunningService> {
  // Sweeps are driven by the tests (service.sweep()), never by a timer.
  return startSandboxService(config, { log: silentLogger, sweepIntervalMs: 3_600_000, database: null, ...overrides });
}

/**
 * One real service for a whole test file, under an instance of its own: started before
 * the tests, stopped after them, with every container of that instance removed.
 */
export function useService(env: Record<string, string> = {}): { config: ServiceConfig; service: () => RunningService } {
  const config = testConfig(env);
  let service: RunningService | undefined;
  beforeAll(async () => {
    service = await startService(config);
  });
  afterAll(async () => {
    await service?.close();
    await removeInstance(config.DOJO_INSTANCE);
  });
  return { config, service: () => service! };
}

/**
 * A clock the test moves by hand, for `startService(config, { now: clock.now })`: the
 * service's timers (idle, lifetime, expiry warning) are judged on it, so a test moves time
 * past a timeout instead of sleeping through it.
 */
export function manualClock(start = Date.now()): { now: () => number; advance(ms: number): void } {
  let at = start;
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
  };
}

/** Waits until the service has seen every page showing this sandbox go (the idle timeout counts from then). */
export async function untilDetached(service: RunningService, sandboxId: string): Promise<void> {
  await expect.poll(() => service.manager.findById(sandboxId)?.attached.size, { timeout: 15_000 }).toBe(0);
}

export async function containersOf(instance: string) {
  return engine.list(instanceSelector(instance));
}

export async function removeInstance(instance: string): Promise<void> {
  for (const container of await containersOf(instance)) await engine.remove(container.id);
  // Playgrounds' networks: free once their containers are gone.
  await engine.removeUnusedNetworks(instanceSelector(instance), new Date(Date.now() + 60_000));
}

export function newLearnerId(): string {
  return `learner-${randomBytes(8).toString("hex")}`;
}

export function token(claims: Partial<SandboxClaims> = {}, secret = SECRET): string {
  return signSandboxToken(
    { sub: newLearnerId(), lesson: "start-here", template: "shell", exp: Math.floor(Date.now() / 1000) + 300, ...claims },
    secret,
  );
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A browser stand-in: one socket, the output it received, helpers to wait for text. */
export class TestLearner {
  readonly socket: ClientSocket;
  /** What every terminal of this socket printed, interleaved. */
  output = "";
  /** What the "main" terminal alone printed: run() reads it, so other shells' output (a banner) cannot land inside its markers. */
  mainOutput = "";
  /** Output bytes received (replay included). */
  received = 0;
  /** Acknowledge output as a browser does after rendering it (flow control); off = a frozen tab. */
  autoAck = true;
  /** Keep only this many characters of `output` (floods would otherwise fill the test's memory). */
  keepOutputChars = 1_000_000;
  readonly ended: SandboxEnded[] = [];
  readonly protocolErrors: string[] = [];
  /** Sentences the service sent about the sandbox (sandbox:notice). */
  readonly notices: string[] = [];
  /** Waiters of waitUntil, re-checked whenever something arrives. */
  private readonly waiters = new Set<() => void>();

  /** `at`: the service's port on this machine, or an agent's URL. */
  constructor(at: number | string, auth: { token?: string }) {
    this.socket = io(typeof at === "number" ? `http://127.0.0.1:${at}` : at, { transports: ["websocket"], auth, reconnection: false, forceNew: true });
    this.socket.on(EVENTS.terminalOutput, (o) => {
      const data = Buffer.from(o.data);
      this.received += data.length;
      this.output = (this.output + data.toString("utf8")).slice(-this.keepOutputChars);
      if (o.terminalId === "main") this.mainOutput = (this.mainOutput + data.toString("utf8")).slice(-this.keepOutputChars);
      if (this.autoAck) this.socket.emit(EVENTS.terminalAck, { terminalId: o.terminalId, offset: o.offset + data.length });
      this.arrived();
    });
    this.socket.on(EVENTS.sandboxEnded, (e) => {
      this.ended.push(e);
      this.arrived();
    });
    this.socket.on(EVENTS.protocolError, (e) => {
      this.protocolErrors.push(e.message);
      this.arrived();
    });
    this.socket.on(EVENTS.sandboxNotice, (n) => {
      this.notices.push(n.message);
      this.arrived();
    });
  }

  private arrived(): void {
    for (const check of [...this.waiters]) check();
  }

  /**
   * Resolves with `check()`'s first value other than undefined, checked now and again each
   * time output, a notice, an ending or an error arrives; fails after `timeoutMs` with
   * `seen()` (what arrived instead).
   */
  waitUntil<T>(check: () => T | undefined, seen: () => string, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const recheck = () => {
        const value = check();
        if (value === undefined) return;
        this.waiters.delete(recheck);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(recheck);
        reject(new Error(`timed out after ${timeoutMs} ms; ${seen()}`));
      }, timeoutMs);
      this.waiters.add(recheck);
      recheck();
    });
  }

  /** Resolves on connect; rejects with the service's refusal message. */
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", (error) => reject(error));
    });
  }

  request<T>(event: string, payload: unknown): Promise<Ack<T>> {
    return (this.socket as unknown as Socket).timeout(30_000).emitWithAck(event, payload) as Promise<Ack<T>>;
  }

  async openSandbox(sandboxId?: string): Promise<SandboxInfo> {
    const answer = await this.request<SandboxInfo>(EVENTS.sandboxOpen, sandboxId ? { sandboxId } : {});
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.value;
  }

  async openTerminal(size: TerminalSize = { cols: 80, rows: 24 }, since?: { instance: string; offset: number }): Promise<TerminalOpened> {
    const answer = await this.request<TerminalOpened>(EVENTS.terminalOpen, { terminalId: "main", size, ...(since ? { since } : {}) });
    if (!answer.ok) throw new Error(answer.error.message);
    const replay = Buffer.from(answer.value.data).toString("utf8");
    this.output += replay;
    this.mainOutput += replay;
    this.arrived();
    return answer.value;
  }

  type(data: string): void {
    this.socket.emit(EVENTS.terminalInput, { terminalId: "main", data });
  }

  /** Waits until the output matches, or fails with the output seen so far. */
  waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const matches = () => (typeof pattern === "string" ? this.output.includes(pattern) : pattern.test(this.output));
    return this.waitUntil(() => (matches() ? this.output : undefined), () => `waiting for ${pattern}; output so far:\n${this.output}`, timeoutMs);
  }

  /** Waits until the service has sent a notice matching `pattern`. */
  waitForNotice(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return this.waitUntil(
      () => this.notices.find((n) => pattern.test(n)),
      () => `waiting for a notice ${pattern}; notices so far: ${JSON.stringify(this.notices)}`,
      timeoutMs,
    );
  }

  /** Waits until more than `bytes` bytes of output have arrived in all (replay included). */
  waitForBytes(bytes: number, timeoutMs = 15_000): Promise<number> {
    return this.waitUntil(() => (this.received > bytes ? this.received : undefined), () => `waiting for ${bytes} bytes; received ${this.received}`, timeoutMs);
  }

  /** Runs a command in the "main" terminal and returns its output line(s) between two markers. */
  async run(command: string, timeoutMs = 15_000): Promise<string> {
    const id = randomBytes(3).toString("hex");
    // Markers are split in the command line so only the shell's output contains them whole.
    this.type(`echo "<<${id}""-start>>"; ${command}; echo "<<${id}""-end>>"\r`);
    const done = new RegExp(`<<${id}-start>>[\\s\\S]*<<${id}-end>>`);
    const output = await this.waitUntil(
      () => (done.test(this.mainOutput) ? this.mainOutput : undefined),
      () => `waiting for ${done}; the main terminal's output so far:\n${this.mainOutput}`,
      timeoutMs,
    );
    const body = output.slice(output.lastIndexOf(`<<${id}-start>>`) + `<<${id}-start>>`.length, output.lastIndexOf(`<<${id}-end>>`));
    return body.replace(/\r/g, "").trim();
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Connects a learner and opens their sandbox and shell, ready for input. */
export async function readyLearner(port: number, claims: Partial<SandboxClaims> = {}): Promise<TestLearner & { sandbox: SandboxInfo; learnerId: string }> {
  const learnerId = claims.sub ?? newLearnerId();
  const learner = new TestLearner(port, { token: token({ ...claims, sub: learnerId }) }) as TestLearner & { sandbox: SandboxInfo; learnerId: string };
  learner.learnerId = learnerId;
  await learner.connected();
  learner.sandbox = await learner.openSandbox();
  await learner.openTerminal();
  await learner.waitFor("# ");
  return learner;
}

export type TestMachine = TestLearner & { info: SandboxInfo };

/** Connects a page to one named machine of a learner's playground or multi-machine lesson, its shell ready. */
export async function readyMachine(port: number, claims: Partial<SandboxClaims>, machine: string): Promise<TestMachine> {
  const page = new TestLearner(port, { token: token(claims) }) as TestMachine;
  await page.connected();
  const answer = await page.request<SandboxInfo>(EVENTS.sandboxOpen, { machine });
  if (!answer.ok) throw new Error(answer.error.message);
  page.info = answer.value;
  await page.openTerminal();
  await page.waitFor("# ");
  return page;
}

/** A workshop dashboard stand-in: an instructor token, the rows, counts and shadow output it hears. */
export class TestInstructor {
  readonly socket: Socket;
  readonly rows: DashboardRow[] = [];
  readonly counts: DashboardCounts[] = [];
  readonly ended: string[] = [];
  readonly shadowEnded: string[] = [];
  shadowOutput = "";

  /** `at`: the service's port on this machine, or an agent's URL. */
  constructor(at: number | string, token: string) {
    this.socket = io(typeof at === "number" ? `http://127.0.0.1:${at}` : at, { transports: ["websocket"], auth: { instructorToken: token }, reconnection: false, forceNew: true });
    this.socket.on(EVENTS.workshopRow, (row: DashboardRow) => this.rows.push(row));
    this.socket.on(EVENTS.workshopCounts, (counts: DashboardCounts) => this.counts.push(counts));
    this.socket.on(EVENTS.workshopEnded, ({ message }: { message: string }) => this.ended.push(message));
    this.socket.on(EVENTS.shadowOutput, ({ data }: { data: Uint8Array }) => (this.shadowOutput += Buffer.from(data).toString("utf8")));
    this.socket.on(EVENTS.shadowEnded, ({ message }: { message: string }) => this.shadowEnded.push(message));
  }

  request<T>(event: string, payload: unknown): Promise<Ack<T>> {
    return this.socket.timeout(30_000).emitWithAck(event, payload) as Promise<Ack<T>>;
  }

  close(): void {
    this.socket.disconnect();
  }
}
