/** SandboxEngine on a Docker Engine, through dockerode. */
import Docker from "dockerode";
import type { Duplex } from "node:stream";
import {
  EngineUnavailableError,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerState,
  type SandboxEngine,
  type TtyProcess,
  type TtySpec,
} from "./engine";

/** Connection errors that mean "no engine there", as opposed to a request Docker refused. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && UNREACHABLE_CODES.has(code);
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** Runs a Docker call, turning "engine not there" into EngineUnavailableError. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isUnreachable(error) ? new EngineUnavailableError(error) : error;
  }
}

export function dockerOptionsFromHost(dockerHost: string): Docker.DockerOptions {
  const url = new URL(dockerHost);
  if (url.protocol === "unix:") return { socketPath: url.pathname };
  return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
}

/** Docker's answer when the storage driver cannot limit a container's size. */
const NO_DISK_LIMITS = /storage-opt|storage opt|not supported|pquota/i;

export class DockerEngine implements SandboxEngine {
  private readonly docker: Docker;
  diskLimits: boolean | undefined;

  constructor(dockerHost: string) {
    this.docker = new Docker(dockerOptionsFromHost(dockerHost));
  }

  async ping(): Promise<void> {
    await call(() => this.docker.ping());
  }

  async createAndStart(spec: ContainerSpec): Promise<ContainerInfo> {
    const container = await this.create(spec);
    try {
      await call(() => container.start());
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
    };
    try {
      const container = await call(() => this.docker.createContainer(options));
      if (limit) this.diskLimits = true;
      return container;
    } catch (error) {
      if (!limit || statusCode(error) === 404 || !NO_DISK_LIMITS.test(String((error as Error).message))) throw error;
      this.diskLimits = false;
      return this.create(spec);
    }
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    try {
      const info = await call(() => this.docker.getContainer(id).inspect());
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ""),
        state: info.State.Status as ContainerState,
        labels: info.Config.Labels ?? {},
      };
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
    const containers = await call(() => this.docker.listContainers({ all: true, filters }));
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? "").replace(/^\//, ""),
      state: c.State as ContainerState,
      labels: c.Labels ?? {},
    }));
  }

  async rename(id: string, name: string): Promise<void> {
    await call(() => this.docker.getContainer(id).rename({ name }));
  }

  async remove(id: string): Promise<void> {
    try {
      await call(() => this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      // 404: already gone; 409: removal already in progress. Both mean "it is going away".
      const status = statusCode(error);
      if (status === 404 || status === 409) return;
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

  async openTty(containerId: string, spec: TtySpec): Promise<TtyProcess> {
    const exec = await call(() =>
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
    const stream = (await call(() => exec.start({ hijack: true, stdin: true, Tty: true }))) as Duplex;
    const resize: TtyProcess["resize"] = async ({ cols, rows }) => {
      try {
        await exec.resize({ h: rows, w: cols });
      } catch {
        // The process has exited or the container is gone; the stream's end reports that.
      }
    };
    await resize(spec.size);
    return { stream, resize };
  }
}
