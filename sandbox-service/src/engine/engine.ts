/**
 * The sandbox driver contract. Everything above this layer (sessions, terminals, the
 * reaper) talks to containers only through this interface; `docker-engine.ts` is the one
 * implementation and the only module in the project that imports dockerode. Failures are
 * the classes of errors.ts (EngineUnavailableError, SandboxGoneError, SandboxNotRunningError,
 * ImageMissingError, QuotaExceededError, else EngineError), never Docker's own shapes.
 */
import type { Duplex } from "node:stream";
import type { TerminalSize } from "../../../shared/protocol";

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ContainerInfo {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  state: ContainerState;
  labels: Record<string, string>;
}

/** What to create; built by a template (templates/), never by socket input. */
export interface ContainerSpec {
  name: string;
  image: string;
  hostname: string;
  labels: Record<string, string>;
  /** Docker's HostConfig, already restricted by the template. */
  hostConfig: Record<string, unknown>;
  cmd?: string[];
  env?: string[];
  /**
   * Size limit of the container's writable layer, where the storage driver can enforce it
   * (btrfs, zfs, overlay2 on xfs with pquota). Elsewhere the engine creates the container
   * without it and reports `diskLimits: false`.
   */
  diskLimitMb?: number;
  /**
   * Hand the container's own cgroup to its root user once it runs (see
   * cgroup-delegation.ts), so an engine nested inside can create cgroups there. Only with
   * user namespaces; the limits of the container's cgroup stay out of its reach.
   */
  delegateCgroup?: boolean;
  /**
   * A network made by ensureNetwork to join instead of none (the template sets
   * HostConfig.NetworkMode to its name), and the names others on it reach this one by.
   */
  network?: { name: string; aliases: string[] };
}

/**
 * A private network for sandboxes that must reach each other (a playground's machines) and
 * nothing else: internal (no route out), and no address of the host on it, so neither the
 * host's services nor other networks are reachable from it.
 */
export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
}

/** What the engine is, as far as sandboxes care; read once it answers. */
export interface EngineFacts {
  /**
   * Whether containers run in a user namespace (dockerd --userns-remap): their root is an
   * ordinary uid on the host. Without it a container's root is the host's root, held back
   * only by capabilities, seccomp and namespaces.
   */
  userNamespaces: boolean;
  /**
   * With user namespaces: the host uid and gid of containers' root (dockremap's range).
   * Docker 20.10's archive API reports file owners as host ids; the driver maps them back.
   */
  remappedRoot?: { uid: number; gid: number };
  /** Docker's storage driver (btrfs, overlay2, zfs…): where nested engines can keep images. */
  storageDriver: string;
  /** Whether containers keep running while the engine restarts (dockerd --live-restore). */
  liveRestore: boolean;
}

export interface TtySpec {
  cmd: string[];
  env: string[];
  workingDir?: string;
  size: TerminalSize;
}

export interface RunSpec {
  cmd: string[];
  env?: string[];
  /**
   * Past this the command is killed, with every process it started that is still running
   * (in the background or in a session of its own too), and the result has exitCode null.
   * The container's image must have bash (every sandbox image has).
   */
  timeoutMs: number;
}

export interface RunResult {
  /** null when the command did not finish within the timeout. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** What is at a path inside a container. */
export type PathKind = "file" | "directory" | "symlink" | "other";

export interface PathStat {
  kind: PathKind;
  /** Bytes (of a regular file). */
  size: number;
  /** Permission bits, with setuid/setgid/sticky (0o7777). */
  mode: number;
  /** Where a symlink points (as written in it); empty otherwise. */
  linkTarget: string;
}

export interface FileRead extends PathStat {
  /** Owner as the container sees it (not the host's remapped id). */
  uid: number;
  gid: number;
  /** The bytes of a regular file of at most `maxBytes`; undefined for anything else. */
  content: Buffer | undefined;
}

/** One entry of an archive written into a container: a regular file or a directory. */
export interface ArchiveEntry {
  /** Relative to the directory it is written into, '/'-separated, no '..'. */
  name: string;
  type: "file" | "directory";
  mode: number;
  uid: number;
  gid: number;
  /** A file's bytes. */
  content?: Uint8Array;
}

/**
 * What a container is using at one moment (Docker's stats). CPU time is cumulative, so a
 * rate needs two readings: (cpuNanos₂ − cpuNanos₁) / (readAt₂ − readAt₁) is exact over the
 * whole interval however far apart they are, not a sample of it.
 */
export interface ContainerUsage {
  /** When the engine read the figures (ms since the epoch, on the engine's clock). */
  readAt: number;
  /** CPU time the container has used since it started, in nanoseconds. */
  cpuNanos: number;
  /** CPUs the machine has online: a container cannot use more than this whatever its quota. */
  onlineCpus: number;
  /** Processes (and threads) in the container now. */
  pids: number;
  /** Its process limit; null when it has none. */
  pidsLimit: number | null;
}

/** An interactive process with a terminal inside a container. */
export interface TtyProcess {
  /** Raw terminal bytes both ways. Ends when the process exits or the container goes. */
  stream: Duplex;
  /** Best effort: fails silently once the process has exited. */
  resize(size: TerminalSize): Promise<void>;
  /**
   * Once `stream` has ended: whether the process exited ("exit"), or the stream was lost
   * while it may still run or the engine forgot it ("lost": the engine restarted or is
   * unreachable). Never rejects.
   */
  endedBy(): Promise<"exit" | "lost">;
}

export interface SandboxEngine {
  /** Resolves when the engine answers; rejects with EngineUnavailableError otherwise. */
  ping(): Promise<void>;
  /**
   * What the engine is: asked when first needed, then remembered (an engine restarted with
   * other options needs a service restart to be seen as such). Rejects with
   * EngineUnavailableError, and asks again next time, while the engine does not answer.
   */
  facts(): Promise<EngineFacts>;
  /** Whether ContainerSpec.diskLimitMb is enforced; undefined until a create has found out. */
  readonly diskLimits: boolean | undefined;
  /**
   * Creates and starts a container (and delegates its cgroup when the spec asks). On a
   * failed start or delegation the container is removed again.
   */
  createAndStart(spec: ContainerSpec): Promise<ContainerInfo>;
  /** The container, or null when it does not exist (any more). */
  inspect(id: string): Promise<ContainerInfo | null>;
  /** Containers (running or not) carrying every given label. */
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  /** Removes every volume carrying these labels that no container uses; returns how many went. */
  removeUnusedVolumes(labels: Record<string, string>): Promise<number>;
  /**
   * Makes sure the network exists, private as NetworkSpec says (created if missing; two
   * callers at once both succeed). Rejects when a network of that name exists without
   * these labels, or when the host could not be kept off it (then nothing is left behind).
   */
  ensureNetwork(spec: NetworkSpec): Promise<void>;
  /** Removes the network unless a container still uses it (then false). Idempotent: a missing one is removed. */
  removeNetwork(name: string): Promise<boolean>;
  /** Removes every network carrying these labels that no container uses and was created before `createdBefore`; returns how many went. */
  removeUnusedNetworks(labels: Record<string, string>, createdBefore: Date): Promise<number>;
  /** Renames a container (atomically; names are unique per engine). Rejects if it is gone. */
  rename(id: string, name: string): Promise<void>;
  /** Removes a container and its anonymous volumes, killing it if it runs (paused or not). Idempotent. */
  remove(id: string): Promise<void>;
  /**
   * Freezes every process of a running container (Docker's pause: the cgroup freezer). They
   * keep their memory and files and use no CPU until unpause; the container's state reads
   * "paused", and commands cannot be run in it meanwhile (run, openTty and connect reject).
   * Idempotent; rejects with SandboxGoneError when the container is gone, SandboxNotRunningError when it is stopped.
   */
  pause(id: string): Promise<void>;
  /** Lets a paused container's processes run again. Idempotent (a running container is left as it is). */
  unpause(id: string): Promise<void>;
  /** The container's resource use now; null when it does not exist (any more). */
  usage(id: string): Promise<ContainerUsage | null>;
  /**
   * Which CPUs a running container's processes may run on from now on (Docker's cpuset,
   * such as "1" or "1-3"), without restarting it. Rejects with SandboxGoneError when the
   * container is gone, and with an EngineError when the kernel refuses the set (cgroup v1
   * refuses to shrink a cpuset that child cgroups use, such as a nested engine's containers).
   */
  setCpus(id: string, cpus: string): Promise<void>;
  /**
   * Runs a command to completion inside a running container, without a TTY (output capped
   * at 64 KiB each). On timeout it resolves only after the command and what it started
   * have been killed (see RunSpec.timeoutMs).
   */
  run(containerId: string, spec: RunSpec): Promise<RunResult>;
  /**
   * A byte stream to a TCP port on the container's own loopback, for sandboxes without a
   * network: `socat` run inside the container, its stdio bridged. Ends when either side closes.
   */
  connect(containerId: string, port: number): Promise<Duplex>;
  /**
   * What is at `path` in the container (lstat: a symlink is reported as one, not followed).
   * Symlinks in the *parent* directories are followed, within the container's own root
   * filesystem (Docker's archive API): callers that must not follow them check each parent.
   * Null when nothing is there. Rejects with SandboxGoneError when the container is gone.
   */
  statPath(containerId: string, path: string): Promise<PathStat | null>;
  /**
   * Reads the file at `path` (through Docker's archive API, parents resolved as in
   * statPath). Null when nothing is there. Content is read only for a regular file of at
   * most `maxBytes`; for anything else (directory, symlink, larger file) the result says
   * what is there and stops reading. Rejects with SandboxGoneError when the container is gone.
   */
  readFile(containerId: string, path: string, maxBytes: number): Promise<FileRead | null>;
  /**
   * Extracts `entries` into `directory`, which must exist (Docker's archive API, as
   * `docker cp` does). Not atomic: Docker replaces an existing file by removing it and
   * writing the new one, so a failure can leave a partial file — callers that need
   * atomicity write a temporary name and rename it (see files/). Refuses to replace a
   * directory with a file.
   */
  writeFiles(containerId: string, directory: string, entries: ArchiveEntry[]): Promise<void>;
  /** Starts `spec.cmd` with a TTY inside a running container and attaches to it. */
  openTty(containerId: string, spec: TtySpec): Promise<TtyProcess>;
  /**
   * Calls `onOom(containerId)` whenever the kernel kills a process for exceeding the memory
   * limit of a container carrying every given label. Keeps watching across engine restarts
   * until the returned function is called.
   */
  watchOutOfMemory(labels: Record<string, string>, onOom: (containerId: string) => void): () => void;
}

export {
  EngineError,
  EngineUnavailableError,
  ImageMissingError,
  QuotaExceededError,
  SandboxGoneError,
  SandboxNotRunningError,
} from "./errors";
