/**
 * In-memory SandboxEngine for unit tests of the logic above the driver (timers, ownership,
 * reconciliation). Containers are records; TTYs are pass-through streams the test can
 * read from and write to. Never used outside *.test.ts.
 */
import { randomBytes } from "node:crypto";
import { Duplex, PassThrough } from "node:stream";
import {
  EngineUnavailableError,
  SandboxGoneError,
  SandboxNotRunningError,
  type ContainerInfo,
  type ContainerSpec,
  type EngineFacts,
  type NetworkSpec,
  type ContainerUsage,
  type FileRead,
  type PathStat,
  type RunResult,
  type RunSpec,
  type SandboxEngine,
  type TtyProcess,
  type TtySpec,
} from "../engine";

export class FakeTty {
  /** What the shell "prints": write here in tests. */
  readonly output = new PassThrough();
  /** What the browser typed. */
  readonly typed: string[] = [];
  readonly sizes: Array<{ cols: number; rows: number }> = [];
  readonly stream: Duplex;

  constructor() {
    const typed = this.typed;
    const output = this.output;
    this.stream = new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        typed.push(String(chunk));
        done();
      },
    });
    output.on("data", (chunk) => this.stream.push(chunk));
    output.on("end", () => this.stream.push(null));
  }

  /** What endedBy() answers once the stream has ended: "lost" plays an engine restart. */
  ending: "exit" | "lost" = "exit";

  process(): TtyProcess {
    return { stream: this.stream, resize: async (size) => void this.sizes.push(size), endedBy: async () => this.ending };
  }
}

export class FakeEngine implements SandboxEngine {
  readonly containers = new Map<string, ContainerInfo & { spec?: ContainerSpec }>();
  readonly ttys: FakeTty[] = [];
  reachable = true;
  diskLimits: boolean | undefined = true;
  /** Resolve this to let a pending createAndStart finish (for concurrency tests). */
  gate: Promise<void> = Promise.resolve();
  /** The same for rename (a claim in flight). */
  renameGate: Promise<void> = Promise.resolve();
  /** Delays list()'s answer, which still shows the containers as they were when it was called. */
  listGate: Promise<void> = Promise.resolve();
  /** Delays remove(): the container stays listed, running, until it passes (Docker freeing a large disk). */
  removeGate: Promise<void> = Promise.resolve();

  async ping(): Promise<void> {
    this.check();
  }

  engineFacts: EngineFacts = { userNamespaces: true, storageDriver: "btrfs", liveRestore: true };

  async facts(): Promise<EngineFacts> {
    this.check();
    return this.engineFacts;
  }

  async createAndStart(spec: ContainerSpec): Promise<ContainerInfo> {
    this.check();
    await this.gate;
    const info = { id: randomBytes(32).toString("hex"), name: spec.name, state: "running" as const, labels: spec.labels, spec };
    this.containers.set(info.id, info);
    return info;
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    this.check();
    return this.containers.get(id) ?? null;
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    this.check();
    const listed = [...this.containers.values()].filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v)).map((c) => ({ ...c }));
    await this.listGate;
    return listed;
  }

  async removeUnusedVolumes(): Promise<number> {
    this.check();
    return 0;
  }

  /** Networks by name, with when they were made. */
  readonly networks = new Map<string, NetworkSpec & { createdAt: Date }>();

  async ensureNetwork(spec: NetworkSpec): Promise<void> {
    this.check();
    if (!this.networks.has(spec.name)) this.networks.set(spec.name, { ...spec, createdAt: new Date() });
  }

  private networkInUse(name: string): boolean {
    return [...this.containers.values()].some((c) => c.spec?.network?.name === name);
  }

  async removeNetwork(name: string): Promise<boolean> {
    this.check();
    if (this.networkInUse(name)) return false;
    this.networks.delete(name);
    return true;
  }

  async removeUnusedNetworks(labels: Record<string, string>, createdBefore: Date): Promise<number> {
    this.check();
    let removed = 0;
    for (const [name, network] of this.networks) {
      const matches = Object.entries(labels).every(([k, v]) => network.labels[k] === v);
      if (matches && network.createdAt < createdBefore && !this.networkInUse(name)) {
        this.networks.delete(name);
        removed++;
      }
    }
    return removed;
  }

  async rename(id: string, name: string): Promise<void> {
    this.check();
    await this.renameGate;
    const container = this.containers.get(id);
    if (!container) throw new SandboxGoneError("no such container");
    container.name = name;
  }

  async remove(id: string): Promise<void> {
    this.check();
    await this.removeGate;
    this.containers.delete(id);
  }

  async pause(id: string): Promise<void> {
    this.check();
    const container = this.containers.get(id);
    if (!container) throw new SandboxGoneError("no such container");
    if (container.state !== "running" && container.state !== "paused") throw new SandboxNotRunningError("container is not running");
    container.state = "paused";
  }

  async unpause(id: string): Promise<void> {
    this.check();
    const container = this.containers.get(id);
    if (!container) throw new SandboxGoneError("no such container");
    if (container.state === "paused") container.state = "running";
  }

  /** The CPU sets given with setCpus, per container id, in order. */
  readonly cpuSets = new Map<string, string[]>();

  async setCpus(id: string, cpus: string): Promise<void> {
    if (!this.containers.has(id)) throw new SandboxGoneError(`no such container: ${id}`);
    this.cpuSets.set(id, [...(this.cpuSets.get(id) ?? []), cpus]);
  }

  /** What usage() answers per container id; set by tests. Without an entry: idle, no limit. */
  readonly usages = new Map<string, ContainerUsage>();

  async usage(id: string): Promise<ContainerUsage | null> {
    this.check();
    if (!this.containers.has(id)) return null;
    return this.usages.get(id) ?? { readAt: Date.now(), cpuNanos: 0, onlineCpus: 2, pids: 1, pidsLimit: null };
  }

  /** Commands run with run(); answer them by setting `runAnswer`. */
  readonly runs: RunSpec[] = [];
  runAnswer: RunResult = { exitCode: 0, stdout: "", stderr: "" };

  async run(containerId: string, spec: RunSpec): Promise<RunResult> {
    this.check();
    this.assertRunning(containerId);
    this.runs.push(spec);
    return this.runAnswer;
  }

  async connect(): Promise<Duplex> {
    throw new Error("FakeEngine cannot connect to ports");
  }

  // No file system: files/ is tested against the real engine (sandbox-service/test/files.int.test.ts).
  async statPath(): Promise<PathStat | null> {
    throw new Error("FakeEngine has no files");
  }

  async readFile(): Promise<FileRead | null> {
    throw new Error("FakeEngine has no files");
  }

  async writeFiles(): Promise<void> {
    throw new Error("FakeEngine has no files");
  }

  async openTty(containerId: string, spec: TtySpec): Promise<TtyProcess> {
    this.check();
    this.assertRunning(containerId);
    const tty = new FakeTty();
    tty.sizes.push(spec.size);
    this.ttys.push(tty);
    return tty.process();
  }

  readonly oomWatchers = new Set<(id: string) => void>();

  watchOutOfMemory(_labels: Record<string, string>, onOom: (containerId: string) => void): () => void {
    this.oomWatchers.add(onOom);
    return () => this.oomWatchers.delete(onOom);
  }

  /** Adds a container as if another process (or a previous run) had created it. */
  addContainer(name: string, labels: Record<string, string>, state: ContainerInfo["state"] = "running"): string {
    const id = randomBytes(32).toString("hex");
    this.containers.set(id, { id, name, state, labels });
    return id;
  }

  /** As Docker's exec: 404 for a missing container, 409 for a paused one. */
  private assertRunning(containerId: string): void {
    const container = this.containers.get(containerId);
    if (!container) throw new SandboxGoneError("no such container");
    if (container.state === "paused") throw new SandboxNotRunningError(`Container ${containerId} is paused, unpause the container before exec`);
  }

  private check(): void {
    if (!this.reachable) throw new EngineUnavailableError();
  }
}
