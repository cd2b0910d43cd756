/** Starts join-child.ts (the web app's stand-in that seats learners) and asks it to seat them. */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { JoinAnswer, JoinRequest } from "./join-child";
import { REPO_ROOT } from "./service-process";
import type { Seated } from "./workshop-fixture";
import { within } from "./timing";
import { stopChild } from "./stop-child";

const CHILD = path.join(REPO_ROOT, "bench", "support", "join-child.ts");

export class JoinProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: JoinAnswer) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (answer: JoinAnswer) => {
      if (!("id" in answer)) return;
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
  }

  static async start(databaseUrl: string): Promise<JoinProcess> {
    const child = fork(CHILD, [], { cwd: REPO_ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, DATABASE_URL: databaseUrl } });
    await within(
      30_000,
      "starting the join process",
      new Promise<void>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`the join process exited with code ${code}`)));
        child.on("message", (answer: JoinAnswer) => answer.type === "ready" && resolve());
      }),
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw error;
    });
    return new JoinProcess(child);
  }

  /** Seats the learner (see workshop-fixture.ts seat()); throws when every attempt failed or the seat was refused. */
  async seat(code: string, learnerId: string, displayName: string): Promise<Seated> {
    const id = this.nextId++;
    const answer = new Promise<JoinAnswer>((resolve) => this.pending.set(id, resolve));
    this.child.send({ id, type: "seat", code, learnerId, displayName } satisfies JoinRequest);
    const reply = await within(60_000, "seating a learner", answer);
    if (reply.type === "failed") throw new Error(reply.message);
    if (reply.type !== "seated") throw new Error(`the join process answered ${reply.type}`);
    return { ms: reply.ms, errors: reply.errors };
  }

  /** Disconnects; the child closes its database and exits. */
  async stop(): Promise<void> {
    await stopChild(this.child, "the join process", (child) => child.disconnect());
  }
}
