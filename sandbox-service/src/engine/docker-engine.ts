/** SandboxEngine on a Docker Engine, through dockerode. */
import Docker from "dockerode";
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Duplex, PassThrough, Writable } from "node:stream";
import tar from "tar-stream";
import { lockDownBridge, MAX_BRIDGE_NAME } from "./bridge-lockdown";
import { delegateCgroups } from "./cgroup-delegation";
import {
  EngineError,
  EngineUnavailableError,
  ImageMissingError,
  QuotaExceededError,
  SandboxGoneError,
  SandboxNotRunningError,
  type EngineFacts,
  type NetworkSpec,
  type ArchiveEntry,
  type FileRead,
  type PathKind,
  type PathStat,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerState,
  type ContainerUsage,
  type RunResult,
  type RunSpec,
  type SandboxEngine,
  type TtyProcess,
  type TtySpec,
} from "./engine";
import { saysDiskFull } from "./errors";

/** Connection errors that mean "no engine there", as opposed to a request Docker refused. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && UNREACHABLE_CODES.has(code);
}

/** Something Docker says it cannot find that is not a container or an image: a path in an archive request, an exec, a volume. */
class NotFound extends EngineError {}
/** A 409 other than "not running": a removal already in progress, a name in use, a volume in use. */
class Conflict extends EngineError {}

/**
 * Docker's answer as one of the engine's errors (errors.ts). The one place that reads
 * dockerode's shapes: a connection error code, `statusCode`, and the message Docker sends
 * (in `json.message`), whose wording is what tells a container from a path or an image.
 */
export function translate(error: unknown): Error {
  if (error instanceof EngineError) return error;
  if (isUnreachable(error)) return new EngineUnavailableError(error);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const message = dockersOwnWords(error);
  const options = { cause: error };
  if (/no such image|pull access denied/i.test(message)) return new ImageMissingError(message, options);
  if (status === 404 && /no such container/i.test(message)) return new SandboxGoneError(message, options);
  if (status === 404) return new NotFound(message, options);
  if (status === 409 && /is not running|is paused|is restarting/i.test(message)) return new SandboxNotRunningError(message, options);
  if (status === 409) return new Conflict(message, options);
  if (saysDiskFull(message)) return new QuotaExceededError(message, options);
  return new EngineError(message, options);
}

/**
 * What Docker itself said: its JSON body's message, else the part of dockerode's message
 * after its own label ("(HTTP code 404) no such container - Could not find the file…"; the
 * label is per endpoint and says "no such container" for any 404 of the archive API).
 */
function dockersOwnWords(error: unknown): string {
  const body = (error as { json?: { message?: unknown } } | null)?.json?.message;
  if (typeof body === "string") return body;
  const text = String((error as Error | null)?.message ?? error);
  const labelled = /^\(HTTP code \d+\) [^-]*- ?(.*)$/s.exec(text);
  return labelled ? labelled[1]!.trim() : text;
}

const MAX_RUN_OUTPUT = 64 * 1024;

/** The environment variable that marks the processes of one run() (see killMarked). */
const RUN_MARK = "DOJO_RUN";
/**
 * How long the killer of a timed-out run may take. It reads /proc once per round, and a
 * sandbox holds at most its pids limit of processes; past this the run is reported anyway
 * and whatever survived keeps running (it costs the sandbox, never the service).
 */
const KILL_TIMEOUT_MS = 10_000;
/**
 * bash, run as `bash -c KILL_MARKED kill-marked DOJO_RUN=<id>`: stops (SIGSTOP) every
 * process whose environment holds the mark, so none can fork further, then kills them
 * all; again until a round finds none, since children forked between the reading of
 * /proc and the stop carry the mark too. Only bash builtins in the loop: a sandbox at its
 * pids limit may have no room for another process. The killer's own environment does not
 * hold the mark (it comes as an argument).
 */
const KILL_MARKED = `
mark=$1
for round in 1 2 3 4 5 6 7 8 9 10; do
  found=()
  for dir in /proc/[0-9]*; do
    pid=\${dir#/proc/}
    [[ $pid == "$$" ]] && continue
    while IFS= read -r -d '' variable; do
      if [[ $variable == "$mark" ]]; then kill -STOP "$pid"; found+=("$pid"); break; fi
    done 2>/dev/null < "$dir/environ"
  done 2>/dev/null
  (( \${#found[@]} )) || exit 0
  kill -KILL "\${found[@]}" 2>/dev/null
done
exit 1
`;

/** A writable sink that keeps the first MAX_RUN_OUTPUT bytes. */
function capped(): { sink: PassThrough; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new PassThrough();
  sink.on("data", (chunk: Buffer) => {
    if (size >= MAX_RUN_OUTPUT) return;
    chunks.push(chunk.subarray(0, MAX_RUN_OUTPUT - size));
    size += chunk.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString("utf8") };
}

/**
 * A Duplex over a non-TTY exec: writes go to the process's stdin; reads are its stdout,
 * taken out of Docker's multiplexed frames (stderr is dropped).
 */
function execSocket(raw: Duplex, demux: (stream: Duplex, stdout: Writable) => void): Duplex {
  const socket: Duplex = new Duplex({
    write(chunk, _encoding, done) {
      raw.write(chunk, done);
    },
    final(done) {
      raw.end();
      done();
    },
    read() {
      raw.resume();
    },
    destroy(error, done) {
      raw.destroy();
      done(error);
    },
  });
  // Node's HTTP client treats whatever createConnection returns as a net.Socket.
  Object.assign(socket, { setNoDelay: () => socket, setKeepAlive: () => socket, setTimeout: () => socket, ref: () => socket, unref: () => socket });
  demux(raw, new Writable({ write: (chunk, _encoding, done) => (socket.push(chunk) ? done() : (raw.pause(), done())) }));
  raw.once("end", () => socket.push(null));
  raw.once("close", () => socket.push(null));
  raw.once("error", (error) => socket.destroy(error));
  return socket;
}

export function dockerOptionsFromHost(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  if (url.protocol === "unix:") return { socketPath: url.pathname };
  return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
}

/**
 * Go's os.FileMode, which Docker's archive API reports (X-Docker-Container-Path-Stat):
 * type bits high up, permission bits low, setuid/setgid/sticky as bits of their own.
 */
const GO_MODE = { dir: 31, symlink: 27, device: 26, namedPipe: 25, socket: 24, setuid: 23, setgid: 22, charDevice: 21, sticky: 20, irregular: 19 } as const;

function goModeBit(mode: number, bit: number): boolean {
  return Math.floor(mode / 2 ** bit) % 2 === 1;
}

/** A stat from Docker's archive API, in Unix terms. */
export function pathStatFromDocker(stat: { size: number; mode: number; linkTarget?: string }): PathStat {
  const mode = stat.mode;
  const kind: PathKind = goModeBit(mode, GO_MODE.dir)
    ? "directory"
    : goModeBit(mode, GO_MODE.symlink)
      ? "symlink"
      : [GO_MODE.device, GO_MODE.namedPipe, GO_MODE.socket, GO_MODE.charDevice, GO_MODE.irregular].some((bit) => goModeBit(mode, bit))
        ? "other"
        : "file";
  const special = (goModeBit(mode, GO_MODE.setuid) ? 0o4000 : 0) | (goModeBit(mode, GO_MODE.setgid) ? 0o2000 : 0) | (goModeBit(mode, GO_MODE.sticky) ? 0o1000 : 0);
  return { kind, size: stat.size, mode: (mode % 0o1000) | special, linkTarget: stat.linkTarget ?? "" };
}

function kindOfTarEntry(type: tar.Header["type"]): PathKind {
  if (type === "file" || type === "contiguous-file") return "file";
  if (type === "directory") return "directory";
  if (type === "symlink") return "symlink";
  return "other";
}

/**
 * Docker's answer when the storage driver cannot limit a container's size. "qgroup": btrfs
 * whose quotas were switched off after the engine started (seen once on this project's
 * machine): sandboxes then start without a disk limit, with the warning the manager logs
 * and `diskLimits: false` on /healthz, rather than not at all.
 */
const NO_DISK_LIMITS = /storage-opt|storage opt|not supported|pquota|qgroup/i;

/**
 * The host's interface for a network's bridge: ours to name (so bridge-lockdown.ts can
 * find it), short (15 characters) and the same for the same network name.
 */
export function bridgeName(network: string): string {
  return ("dojo" + createHash("sha256").update(network).digest("hex")).slice(0, MAX_BRIDGE_NAME);
}

export class DockerEngine implements SandboxEngine {
  private readonly docker: Docker;
  diskLimits: boolean | undefined;
  private knownFacts: Promise<EngineFacts> | undefined;

  constructor(
    dockerHost: string,
    /** Hears every failure, translated (the metrics count them by kind). */
    private readonly onError: (error: Error) => void = () => undefined,
    /** The host's /proc/sys: where the bridge lockdown writes (DOJO_HOST_PROC in shared/config.ts). */
    private readonly hostProcSys = "/proc/sys",
  ) {
    this.docker = new Docker(dockerOptionsFromHost(dockerHost));
  }

  /** Runs a Docker call; any failure comes out as one of the engine's errors, and is heard. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const translated = translate(error);
      this.onError(translated);
      throw translated;
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping());
  }

  facts(): Promise<EngineFacts> {
    this.knownFacts ??= this.call(() => this.docker.info()).then(
      (info: { SecurityOptions?: string[]; Driver?: string; LiveRestoreEnabled?: boolean; DockerRootDir?: string }) => {
        const userNamespaces = (info.SecurityOptions ?? []).some((option) => option.split(",").includes("name=userns"));
        // A remapped engine keeps its data in <data-root>/<uid>.<gid>, named after the root it maps to.
        const remapped = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? "");
        return {
          userNamespaces,
          ...(userNamespaces && remapped ? { remappedRoot: { uid: Number(remapped[1]), gid: Number(remapped[2]) } } : {}),
          storageDriver: info.Driver ?? "unknown",
          liveRestore: info.LiveRestoreEnabled === true,
        };
      },
      (error: unknown) => {
        // Ask again next time: the engine may come back different (restarted with other options).
        this.knownFacts = undefined;
        throw error;
      },
    );
    return this.knownFacts;
  }

  async createAndStart(spec: ContainerSpec): Promise<ContainerInfo> {
    const container = await this.create(spec);
    try {
      await this.call(() => container.start());
      if (spec.delegateCgroup) {
        const { State } = await this.call(() => container.inspect());
        await delegateCgroups(State.Pid);
      }
    } catch (error) {
      await this.remove(container.id).catch(() => undefined);
      throw error;
    }
    return { id: container.id, name: spec.name, state: "running", labels: spec.labels };
  }

  /** Creates with a disk limit when asked and possible; learns once whether it is possible. */
  private async create(spec: ContainerSpec): Promise<Docker.Container> {
    const limit = spec.diskLimitMb !== undefined && this.diskLimits !== false;
    const options = {
      name: spec.name,
      Image: spec.image,
      Hostname: spec.hostname,
      Labels: spec.labels,
      Cmd: spec.cmd,
      Env: spec.env,
      HostConfig: limit ? { ...spec.hostConfig, StorageOpt: { size: `${spec.diskLimitMb}M` } } : spec.hostConfig,
      ...(spec.network ? { NetworkingConfig: { EndpointsConfig: { [spec.network.name]: { Aliases: spec.network.aliases } } } } : {}),
    };
    try {
      const container = await this.call(() => this.docker.createContainer(options));
      if (limit) this.diskLimits = true;
      return container;
    } catch (error) {
      if (!limit || error instanceof ImageMissingError || !NO_DISK_LIMITS.test(String((error as Error).message))) throw error;
      this.diskLimits = false;
      return this.create(spec);
    }
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    try {
      const info = await this.call(() => this.docker.getContainer(id).inspect());
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ""),
        state: info.State.Status as ContainerState,
        labels: info.Config.Labels ?? {},
      };
    } catch (error) {
      if (error instanceof SandboxGoneError) return null;
      throw error;
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    const containers = await this.call(() => this.docker.listContainers({ all: true, filters }));
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? "").replace(/^\//, ""),
      state: c.State as ContainerState,
      labels: c.Labels ?? {},
    }));
  }

  async removeUnusedVolumes(labels: Record<string, string>): Promise<number> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`), dangling: ["true"] };
    const { Volumes } = await this.call(() => this.docker.listVolumes({ filters }));
    let removed = 0;
    for (const volume of Volumes ?? []) {
      try {
        await this.call(() => this.docker.getVolume(volume.Name).remove());
        removed++;
      } catch (error) {
        // A container took it meanwhile, or it is already gone.
        if (!(error instanceof Conflict) && !(error instanceof NotFound)) throw error;
      }
    }
    return removed;
  }

  async ensureNetwork(spec: NetworkSpec): Promise<void> {
    const bridge = bridgeName(spec.name);
    let existing = await this.networkLabels(spec.name);
    if (!existing) {
      try {
        await this.call(() =>
          this.docker.createNetwork({
            Name: spec.name,
            Driver: "bridge",
            Internal: true,
            CheckDuplicate: true,
            Labels: spec.labels,
            Options: {
              "com.docker.network.bridge.name": bridge,
              "com.docker.network.bridge.inhibit_ipv4": "true",
              "com.docker.network.bridge.enable_ip_masquerade": "false",
            },
          }),
        );
      } catch (error) {
        // Someone created it meanwhile (two machines added at once): theirs is as good.
        if (!(error instanceof Conflict)) throw error;
      }
      existing = await this.networkLabels(spec.name);
    }
    if (!existing || Object.entries(spec.labels).some(([key, value]) => existing[key] !== value)) {
      throw new EngineError(`network ${spec.name} exists but is not this platform's`);
    }
    try {
      // Every time, not only at creation: cheap, and a bridge the engine re-made (a restart) gets it again.
      await lockDownBridge(bridge, this.hostProcSys);
    } catch (error) {
      await this.removeNetwork(spec.name).catch(() => undefined);
      throw new EngineError(`could not keep the host off network ${spec.name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** A network's labels, or null when there is none of that name. */
  private async networkLabels(name: string): Promise<Record<string, string> | null> {
    try {
      const info = (await this.call(() => this.docker.getNetwork(name).inspect())) as { Name?: string; Labels?: Record<string, string> };
      // Docker also finds a network by an id prefix: only an exact name counts.
      return info.Name === name ? (info.Labels ?? {}) : null;
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  async removeNetwork(name: string): Promise<boolean> {
    try {
      await this.call(() => this.docker.getNetwork(name).remove());
      return true;
    } catch (error) {
      if (error instanceof NotFound) return true;
      // "has active endpoints": a container still uses it.
      if (error instanceof Conflict || /active endpoints/i.test((error as Error).message)) return false;
      throw error;
    }
  }

  async removeUnusedNetworks(labels: Record<string, string>, createdBefore: Date): Promise<number> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    const networks = (await this.call(() => this.docker.listNetworks({ filters }))) as { Name: string; Created?: string }[];
    let removed = 0;
    for (const network of networks) {
      const created = new Date(network.Created ?? 0);
      if (!(created < createdBefore)) continue;
      // The list does not say which containers use it; Docker refuses to remove one in use.
      if (await this.removeNetwork(network.Name)) removed++;
    }
    return removed;
  }

  async rename(id: string, name: string): Promise<void> {
    await this.call(() => this.docker.getContainer(id).rename({ name }));
  }

  async remove(id: string): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      // Already gone, or its removal already in progress: both mean "it is going away".
      if (error instanceof SandboxGoneError || error instanceof Conflict) return;
      throw error;
    }
  }

  async pause(id: string): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).pause());
    } catch (error) {
      // Docker answers 409 or 500 depending on the version; the sentence is what is stable.
      if (/is already paused/i.test(String((error as Error).message))) return;
      throw error;
    }
  }

  async unpause(id: string): Promise<void> {
    try {
      await this.call(() => this.docker.getContainer(id).unpause());
    } catch (error) {
      if (/is not paused/i.test(String((error as Error).message))) return;
      throw error;
    }
  }

  async setCpus(id: string, cpus: string): Promise<void> {
    await this.call(() => this.docker.getContainer(id).update({ CpusetCpus: cpus }));
  }

  async usage(id: string): Promise<ContainerUsage | null> {
    try {
      // one-shot: the figures now, instead of Docker waiting a second for a second reading.
      const stats = await this.call(() => this.docker.getContainer(id).stats({ stream: false, "one-shot": true }));
      const pids = stats.pids_stats as { current?: number; limit?: number } | undefined;
      // A stopped container answers with zeroes and a "read" time of year 1.
      const readAt = Date.parse(stats.read);
      if (!(readAt > 0) || pids?.current === undefined) return null;
      return {
        readAt,
        cpuNanos: stats.cpu_stats.cpu_usage.total_usage,
        onlineCpus: stats.cpu_stats.online_cpus || stats.cpu_stats.cpu_usage.percpu_usage?.length || 1,
        pids: pids.current,
        // Docker reports "no limit" as 0 or as the kernel's maximum.
        pidsLimit: pids.limit && pids.limit < 2 ** 31 ? pids.limit : null,
      };
    } catch (error) {
      if (error instanceof SandboxGoneError) return null;
      throw error;
    }
  }

  watchOutOfMemory(labels: Record<string, string>, onOom: (containerId: string) => void): () => void {
    let stopped = false;
    let current: NodeJS.ReadableStream | undefined;
    const filters = { type: ["container" as const], event: ["oom"], label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const watch = async () => {
      while (!stopped) {
        try {
          const stream = await this.docker.getEvents({ filters });
          current = stream;
          let pending = "";
          stream.on("data", (chunk: Buffer) => {
            pending += chunk.toString("utf8");
            let newline: number;
            while ((newline = pending.indexOf("\n")) >= 0) {
              const line = pending.slice(0, newline);
              pending = pending.slice(newline + 1);
              const id = (JSON.parse(line) as { id?: string }).id;
              if (id) onOom(id);
            }
          });
          await new Promise((resolve) => {
            stream.once("end", resolve);
            stream.once("error", resolve);
            stream.once("close", resolve);
          });
        } catch {
          // Engine away: try again shortly.
        }
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    };
    void watch();
    return () => {
      stopped = true;
      (current as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
    };
  }

  /** The archive API's "not found" is the path's, unless the container itself is gone. */
  private async missingPath(containerId: string, error: unknown): Promise<null> {
    if (!(error instanceof NotFound)) throw error;
    if ((await this.inspect(containerId)) === null) throw new SandboxGoneError(`No such container: ${containerId}`, { cause: error });
    return null;
  }

  async statPath(containerId: string, path: string): Promise<PathStat | null> {
    try {
      const response = (await this.call(() => this.docker.getContainer(containerId).infoArchive({ path }))) as IncomingMessage;
      response.resume();
      const header = response.headers["x-docker-container-path-stat"];
      if (typeof header !== "string") throw new Error("The Docker engine answered a stat without X-Docker-Container-Path-Stat.");
      return pathStatFromDocker(JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { size: number; mode: number; linkTarget?: string });
    } catch (error) {
      return this.missingPath(containerId, error);
    }
  }

  async readFile(containerId: string, path: string, maxBytes: number): Promise<FileRead | null> {
    let response: IncomingMessage;
    try {
      response = (await this.call(() => this.docker.getContainer(containerId).getArchive({ path }))) as IncomingMessage;
    } catch (error) {
      return this.missingPath(containerId, error);
    }
    const root = (await this.facts()).remappedRoot;
    // Owners as the container sees them (the archive gives host ids under user namespaces).
    const inContainer = (id: number, base: number | undefined) => (base !== undefined && id >= base ? id - base : id);
    const extract = tar.extract();
    response.pipe(extract);
    response.once("error", (error) => extract.destroy(error));
    try {
      // The archive of one file is that file's entry; of anything else, the first entry says what it is.
      for await (const entry of extract) {
        const { header } = entry;
        const kind = kindOfTarEntry(header.type);
        const size = header.size ?? 0;
        const read: FileRead = {
          kind,
          size,
          mode: (header.mode ?? 0) & 0o7777,
          linkTarget: header.linkname ?? "",
          uid: inContainer(header.uid ?? 0, root?.uid),
          gid: inContainer(header.gid ?? 0, root?.gid),
          content: undefined,
        };
        if (kind === "file" && size <= maxBytes) {
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          read.content = Buffer.concat(chunks);
        }
        return read;
      }
      throw new Error(`The Docker engine sent an empty archive for ${path}.`);
    } finally {
      extract.destroy();
      response.destroy();
    }
  }

  async writeFiles(containerId: string, directory: string, entries: ArchiveEntry[]): Promise<void> {
    const pack = tar.pack();
    for (const entry of entries) {
      const header = { name: entry.name, type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: new Date() };
      if (entry.type === "file") pack.entry({ ...header, size: entry.content?.byteLength ?? 0 }, entry.content ?? new Uint8Array());
      else pack.entry(header);
    }
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    await this.call(() =>
      this.docker.getContainer(containerId).putArchive(Buffer.concat(chunks), { path: directory, noOverwriteDirNonDir: true }),
    );
  }

  async run(containerId: string, spec: RunSpec): Promise<RunResult> {
    // Every process the command starts inherits this mark, so a timeout can find them all.
    const mark = `${RUN_MARK}=${randomBytes(12).toString("hex")}`;
    const exec = await this.call(() =>
      this.docker.getContainer(containerId).exec({ Cmd: spec.cmd, Env: [...(spec.env ?? []), mark], AttachStdout: true, AttachStderr: true, Tty: false }),
    );
    const stream = (await this.call(() => exec.start({ hijack: true, stdin: false }))) as Duplex;
    const stdout = capped();
    const stderr = capped();
    this.docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
    const finished = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), spec.timeoutMs);
      stream.once("end", () => (clearTimeout(timer), resolve(true)));
      stream.once("close", () => (clearTimeout(timer), resolve(true)));
      stream.once("error", () => (clearTimeout(timer), resolve(true)));
    });
    stream.destroy();
    if (!finished) {
      await this.killMarked(containerId, mark);
      return { exitCode: null, stdout: stdout.text(), stderr: stderr.text() };
    }
    const exitCode = (await this.call(() => exec.inspect())).ExitCode ?? null;
    return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
  }

  /**
   * Kills every process in the container whose environment holds `mark`, by a second exec
   * (Docker has no way to kill an exec). Best effort: a container that is gone has nothing
   * left to kill.
   */
  private async killMarked(containerId: string, mark: string): Promise<void> {
    try {
      const exec = await this.call(() =>
        this.docker.getContainer(containerId).exec({ Cmd: ["bash", "-c", KILL_MARKED, "kill-marked", mark], AttachStdout: true, AttachStderr: true, Tty: false }),
      );
      const stream = (await this.call(() => exec.start({ hijack: true, stdin: false }))) as Duplex;
      stream.resume();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, KILL_TIMEOUT_MS);
        const done = () => (clearTimeout(timer), resolve());
        stream.once("end", done);
        stream.once("close", done);
        stream.once("error", done);
      });
      stream.destroy();
    } catch {
      // The container is gone (nothing left running) or the engine is away (reported by the next call).
    }
  }

  async connect(containerId: string, port: number): Promise<Duplex> {
    const exec = await this.call(() =>
      this.docker.getContainer(containerId).exec({
        Cmd: ["socat", "STDIO", `TCP:127.0.0.1:${port}`],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      }),
    );
    const raw = (await this.call(() => exec.start({ hijack: true, stdin: true }))) as Duplex;
    return execSocket(raw, (stream, stdout) => this.docker.modem.demuxStream(stream, stdout, new Writable({ write: (_c, _e, done) => done() })));
  }

  async openTty(containerId: string, spec: TtySpec): Promise<TtyProcess> {
    const exec = await this.call(() =>
      this.docker.getContainer(containerId).exec({
        Cmd: spec.cmd,
        Env: spec.env,
        WorkingDir: spec.workingDir,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
      }),
    );
    const stream = (await this.call(() => exec.start({ hijack: true, stdin: true, Tty: true }))) as Duplex;
    const resize: TtyProcess["resize"] = async ({ cols, rows }) => {
      try {
        await exec.resize({ h: rows, w: cols });
      } catch {
        // The process has exited or the container is gone; the stream's end reports that.
      }
    };
    const endedBy: TtyProcess["endedBy"] = async () => {
      try {
        // Still running: only the connection broke. Not running: the shell exited.
        return (await this.call(() => exec.inspect())).Running ? "lost" : "exit";
      } catch {
        // Unreachable, or a restarted engine that no longer knows this exec.
        return "lost";
      }
    };
    await resize(spec.size);
    return { stream, resize, endedBy };
  }
}
