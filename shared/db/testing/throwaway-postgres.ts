/**
 * A PostgreSQL server of a test's own, in a temporary folder on a free port, that the test
 * may stop and start again (the database going away mid-session). Debian's postgresql
 * (`initdb`, `pg_ctl` in /usr/lib/postgresql/<version>/bin); as root it runs them as the
 * `postgres` user, since PostgreSQL refuses to run as root. Trust authentication, local
 * connections only.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../testing/free-port";

const run = promisify(execFile);
const USER = "dojo";

function binaries(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL's server programs (initdb, pg_ctl) are not installed: on Debian, apt-get install postgresql (scripts/test-postgres.sh does).");
  return path.join(root, newest, "bin");
}

export class ThrowawayPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Creates the cluster and starts it. */
  static async start(): Promise<ThrowawayPostgres> {
    const bin = binaries();
    const dir = mkdtempSync(path.join(tmpdir(), "dojo-pg-"));
    const server = new ThrowawayPostgres(bin, dir, await freePort());
    if (process.getuid?.() === 0) await run("chown", ["postgres:postgres", dir]);
    await server.as(path.join(bin, "initdb"), ["-D", server.data, "-A", "trust", "-U", USER, "--no-sync"]);
    await server.begin();
    return server;
  }

  /** A connection URL for `database` on this server. */
  url(database = "postgres"): string {
    return `postgresql://${USER}@127.0.0.1:${this.port}/${database}`;
  }

  /** Stops the server the way a restart or a crash does: every connection is cut. */
  async stop(): Promise<void> {
    await this.as(path.join(this.bin, "pg_ctl"), ["-D", this.data, "-m", "fast", "-w", "stop"]);
  }

  /** Starts it again on the same port, with its data. */
  async begin(): Promise<void> {
    await this.as(path.join(this.bin, "pg_ctl"), [
      "-D",
      this.data,
      "-l",
      path.join(this.dir, "server.log"),
      "-o",
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-w",
      "start",
    ]);
  }

  /** Stops it (if running) and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get data(): string {
    return path.join(this.dir, "data");
  }

  private async as(program: string, args: string[]): Promise<void> {
    const [command, commandArgs] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", program, ...args]] : [program, args];
    await run(command, commandArgs, { cwd: this.dir });
  }
}
