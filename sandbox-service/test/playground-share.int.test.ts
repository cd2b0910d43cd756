/**
 * Sharing a playground on a real engine and a real database: a guest's token (signed as
 * the web app signs it, for the invite's owner) opens the owner's machines live; the
 * service enforces the access level on every event over a hand-made socket, refuses
 * forged, unknown, expired and other learners' invites in sentences, and cuts a connected
 * guest when the owner revokes the link.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../shared/db/client";
import { createInvite, revokeInvite } from "../../shared/db/invites";
import { migrate } from "../../shared/db/migrate";
import { freshDatabase, type TestDatabase } from "../../shared/db/testing/databases";
import type { InviteAccess } from "../../shared/invites";
import { EVENTS, type SandboxInfo } from "../../shared/protocol";
import type { RunningService } from "../src/service";
import { newLearnerId, removeInstance, startService, testConfig, token, TestLearner } from "./support/harness";

const config = testConfig({ PLAYGROUND_MAX_MACHINES: "2", INVITE_RECHECK_SECONDS: "1" });
let service: RunningService;
let database: TestDatabase;
let db: Database;
const pages: TestLearner[] = [];

const alice = newLearnerId();
const bob = newLearnerId();
let owner: TestLearner & { info?: SandboxInfo };
let ownerLesson: SandboxInfo;

/** A socket as a guest's page opens it: the token names the owner and the invite (by its key). */
function guestPage(invite: string, access: InviteAccess, sub = alice, lesson = "play"): TestLearner & { inviteEnded: string[] } {
  const page = new TestLearner(service.port, { token: token({ sub, lesson, template: "docker", guest: { invite, access } }) }) as TestLearner & { inviteEnded: string[] };
  page.inviteEnded = [];
  page.socket.on(EVENTS.playInviteEnded, ({ message }) => page.inviteEnded.push(message));
  pages.push(page);
  return page;
}

/** Waits for the service to end a guest's visit with a sentence matching `pattern`, and for the socket to close. */
async function endedWith(page: TestLearner & { inviteEnded: string[] }, pattern: RegExp): Promise<void> {
  const closed = new Promise<void>((resolve) => (page.socket.disconnected ? resolve() : page.socket.once("disconnect", () => resolve())));
  if (page.inviteEnded.length === 0) await new Promise((resolve) => page.socket.once(EVENTS.playInviteEnded, resolve));
  expect(page.inviteEnded).toEqual([expect.stringMatching(pattern)]);
  await closed;
}

async function invite(access: InviteAccess, expiresAt = new Date(Date.now() + 3600_000), ownerId = alice) {
  return (await createInvite(db, { ownerId, access, expiresAt })).invite.key;
}

beforeAll(async () => {
  database = await freshDatabase("sqlite");
  await migrate(database.url);
  db = createDatabase(database.url);
  await db.learner.createMany({ data: [{ id: alice }, { id: bob }] });
  service = await startService(config, { database: db });
  owner = new TestLearner(service.port, { token: token({ sub: alice, lesson: "play", template: "docker" }) });
  pages.push(owner);
  await owner.connected();
  const opened = await owner.request<SandboxInfo>(EVENTS.sandboxOpen, { machine: "node1" });
  if (!opened.ok) throw new Error(opened.error.message);
  owner.info = opened.value;
  await owner.openTerminal();
  await owner.waitFor("# ");
  // The owner also has a lesson's sandbox: no invite may reach it.
  const lessonPage = new TestLearner(service.port, { token: token({ sub: alice, lesson: "start-here", template: "shell" }) });
  pages.push(lessonPage);
  await lessonPage.connected();
  ownerLesson = await lessonPage.openSandbox();
}, 180_000);

afterAll(async () => {
  for (const page of pages) page.close();
  await service?.close();
  await db?.$disconnect();
  await database?.drop();
  await removeInstance(config.DOJO_INSTANCE);
});

describe("a read-only guest", () => {
  let guest: TestLearner & { inviteEnded: string[] };
  beforeAll(async () => {
    guest = guestPage(await invite("read"), "read");
    await guest.connected();
  });

  it("watches the owner's terminal live", async () => {
    const opened = await guest.request<SandboxInfo>(EVENTS.sandboxOpen, { machine: "node1" });
    expect(opened).toMatchObject({ ok: true, value: { id: owner.info!.id, hostname: "node1" } });
    await guest.openTerminal();
    owner.type("echo shared-$((6*7))\r");
    await guest.waitFor("shared-42");
  });

  it("cannot type, write files, add, remove, reset or extend machines, or open ports (a hand-made socket)", async () => {
    guest.type("echo typed-by-$((1+1))-guest\r");
    await guest.waitUntil(() => guest.protocolErrors.find((m) => /read-only/.test(m)), () => JSON.stringify(guest.protocolErrors));
    // The owner's shell never received it: a marker after it comes back alone.
    expect(await owner.run("echo after")).toBe("after");
    expect(owner.output).not.toContain("typed-by-2-guest");
    const refusals = {
      write: await guest.request(EVENTS.fileWrite, { path: "~/x.txt", content: Buffer.from("hostile") }),
      add: await guest.request(EVENTS.sandboxOpen, { machine: "node2" }),
      remove: await guest.request(EVENTS.playRemove, { machine: "node1" }),
      reset: await guest.request(EVENTS.sandboxReset, {}),
      extend: await guest.request(EVENTS.sandboxExtend, {}),
      port: await guest.request(EVENTS.sandboxPortLink, { port: 8080 }),
    };
    expect(refusals.write).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/read-only/) } });
    expect(refusals.add).toMatchObject({ ok: false, error: { code: "not_found", message: expect.stringMatching(/no machine called node2/) } });
    for (const answer of [refusals.remove, refusals.reset, refusals.extend, refusals.port]) {
      expect(answer).toMatchObject({ ok: false, error: { code: "forbidden", message: expect.stringMatching(/Only the playground's owner/) } });
    }
    expect(service.manager.machines(alice).map((m) => m.machine)).toEqual(["node1"]);
    expect(service.manager.findById(owner.info!.id)).toBeDefined();
  });

  it("cannot reach the owner's other sandboxes (a lesson's), by id", async () => {
    const forged = await guest.request(EVENTS.sandboxOpen, { machine: "node1", sandboxId: ownerLesson.id });
    expect(forged).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("is cut with a sentence within seconds when the owner revokes the link", async () => {
    const key = await invite("read");
    const watcher = guestPage(key, "read");
    await watcher.connected();
    await watcher.request(EVENTS.sandboxOpen, { machine: "node1" });
    await watcher.openTerminal();
    expect(await revokeInvite(db, alice, key)).toBe(true);
    await endedWith(watcher, /revoked/);
  });
});

describe("a read-write guest", () => {
  it("types in the owner's terminal, and still cannot remove machines", async () => {
    const guest = guestPage(await invite("write"), "write");
    await guest.connected();
    await guest.request(EVENTS.sandboxOpen, { machine: "node1" });
    await guest.openTerminal();
    guest.type("echo guest-$((5*5))\r");
    await owner.waitFor("guest-25");
    expect(await guest.request(EVENTS.playRemove, { machine: "node1" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

describe("refused invites", () => {
  it("refuses a forged invite key, an expired one, another learner's and a lesson's token, each with a sentence", async () => {
    const forged = guestPage(randomBytes(32).toString("hex"), "write");
    await endedWith(forged, /not valid/);
    const expired = guestPage(await invite("read", new Date(Date.now() - 1000)), "read");
    await endedWith(expired, /expired/);
    // Bob's token naming Alice's invite: the invite is another playground's.
    const crossed = guestPage(await invite("write"), "write", bob);
    await endedWith(crossed, /another playground/);
    const lesson = guestPage(await invite("read"), "read", alice, "start-here");
    await endedWith(lesson, /playground, not a lesson/);
    expect(service.manager.machines(bob)).toEqual([]);
  });
});
