/** Playground invite links, on a SQLite file and on PostgreSQL: only a hash is stored, and an owner revokes only their own. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./client";
import { createInvite, findInviteByLink, inviteKeyOf, liveInvites, revokeInvite } from "./invites";
import { migrate } from "./migrate";
import { freshDatabase, type TestDatabase } from "./testing/databases";
import type { DatabaseProvider } from "./url";

describe.each<DatabaseProvider>(["sqlite", "postgresql"])("playground invites on %s", (provider) => {
  let database: TestDatabase;
  let db: Database;
  const alice = "learner-alice-000000001";
  const bob = "learner-bob-00000000001";
  const now = new Date("2026-11-28T12:00:00Z");
  const hourLater = new Date(now.getTime() + 3600_000);

  beforeAll(async () => {
    database = await freshDatabase(provider);
    await migrate(database.url);
    db = createDatabase(database.url);
    await db.learner.createMany({ data: [{ id: alice }, { id: bob }] });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("stores only the link id's hash, and finds the invite by its link", async () => {
    const { linkId, invite } = await createInvite(db, { ownerId: alice, access: "read", expiresAt: hourLater }, now);
    expect(linkId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(invite.key).toBe(inviteKeyOf(linkId));
    const rows = await db.playgroundInvite.findMany();
    expect(JSON.stringify(rows)).not.toContain(linkId);
    expect(await findInviteByLink(db, linkId)).toMatchObject({ ownerId: alice, access: "read" });
  });

  it("finds nothing for forged, malformed or hostile link ids", async () => {
    for (const hostile of ["A".repeat(22), "", "x' OR '1'='1", "../../etc/passwd", 42, null, "A".repeat(5000)]) {
      expect(await findInviteByLink(db, hostile)).toBeNull();
    }
  });

  it("lets an owner revoke only their own invites, once", async () => {
    const { invite } = await createInvite(db, { ownerId: alice, access: "write", expiresAt: hourLater }, now);
    expect(await revokeInvite(db, bob, invite.key, now)).toBe(false);
    expect((await liveInvites(db, alice, now)).map((i) => i.key)).toContain(invite.key);
    expect(await revokeInvite(db, alice, invite.key, now)).toBe(true);
    expect(await revokeInvite(db, alice, invite.key, now)).toBe(false);
    expect((await liveInvites(db, alice, now)).map((i) => i.key)).not.toContain(invite.key);
    expect(await liveInvites(db, bob, now)).toEqual([]);
  });

  it("lists no expired invites", async () => {
    const { invite } = await createInvite(db, { ownerId: bob, access: "read", expiresAt: new Date(now.getTime() + 1000) }, now);
    expect((await liveInvites(db, bob, now)).map((i) => i.key)).toEqual([invite.key]);
    expect(await liveInvites(db, bob, new Date(now.getTime() + 1000))).toEqual([]);
  });
});
