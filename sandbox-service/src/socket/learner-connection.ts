/**
 * Everything one authenticated browser socket may do. The socket is bound to the owner
 * named by its token (learner + lesson + template); it can only ever reach that owner's
 * sandbox, whatever ids it sends.
 */
import {
  EVENTS,
  type SandboxInfo,
  type TerminalOpened,
} from "../../../shared/protocol";
import type { Logger } from "../log/logger";
import type { PortProxy } from "../ports/port-proxy";
import type { CheckRunner } from "../checks/check-runner";
import type { SandboxFiles } from "../files/sandbox-files";
import { UserFacingError } from "../user-facing-error";
import type { SandboxOwner } from "../sessions/identity";
import type { Sandbox } from "../sessions/sandbox";
import { SandboxState } from "../sessions/sandbox";
import type { SandboxManager } from "../sessions/sandbox-manager";
import { socketViewer } from "../terminal/socket-viewer";
import type { Terminal } from "../terminal/terminal";
import type { SandboxClaims } from "../../../shared/token";
import { machineLesson, machineNumber, PLAYGROUND_LESSON } from "../../../shared/playground";
import type { SocketData } from "./auth";
import { guestRefusal, watchInvite, type InviteLookup } from "./guest-access";
import { serve, type MessageHandlers, type RequestHandlers, type ServiceSocket } from "./handlers";

export function sandboxRoom(sandboxId: string): string {
  return `sandbox:${sandboxId}`;
}

/** Every page of one learner's playground: they hear when its machines change. */
function playgroundRoom(learner: string): string {
  return `playground:${learner}`;
}

/** What a workshop wants to hear from its learners' pages (the WorkshopHub). */
export interface LearnerActivity {
  learnerConnected(socket: ServiceSocket, claims: SandboxClaims): Promise<void>;
  /** A terminal of the learner's sandbox is on screen (the sandbox is in use, not idle). */
  attached(claims: SandboxClaims): void;
  typed(claims: SandboxClaims): void;
  passed(claims: SandboxClaims, step: string): void;
  disconnected(claims: SandboxClaims): void;
}

export interface ConnectionServices {
  manager: SandboxManager;
  ports: PortProxy;
  checks: CheckRunner;
  files: SandboxFiles;
  activity: LearnerActivity;
  /** Guests' invites (socket/guest-access.ts): where they are read, how often again, the clock. */
  invites: { lookup: InviteLookup; recheckMs: number; now: () => number };
  log: Logger;
}

export function handleLearnerConnection(socket: ServiceSocket, { manager, ports, checks, files, activity: ownActivity, invites, log }: ConnectionServices): void {
  const { claims } = socket.data as Extract<SocketData, { role: "learner" }>;
  const playground = claims.lesson === PLAYGROUND_LESSON;
  // A guest by an invite link: `claims.sub` is the playground's owner, the guest only watches
  // (or types, with "write"); nothing they do counts as the owner's workshop activity.
  const guest = claims.guest;
  const activity: LearnerActivity = guest ? GUEST_ACTIVITY : ownActivity;
  if (guest) {
    const stopWatching = watchInvite(claims, invites.lookup, invites.now, invites.recheckMs, (message) => {
      log.info("guest's invite ended", { owner: claims.sub, invite: guest.invite.slice(0, 12) });
      socket.emit(EVENTS.playInviteEnded, { message });
      socket.disconnect(true);
    });
    socket.on("disconnect", stopWatching);
    if (!playground) {
      socket.emit(EVENTS.playInviteEnded, { message: "An invite link opens a playground, not a lesson." });
      socket.disconnect(true);
      return;
    }
  }
  // The playground, or a lesson with several machines (`machines:` signed into the token by the web).
  const withMachines = playground || (claims.machines ?? 1) > 1;
  // On the playground and in a lesson with machines, the socket's owner is the machine it opened (sandbox:open {machine}).
  let owner: SandboxOwner = { learner: claims.sub, lesson: withMachines ? machineLesson("node1", claims.lesson) : claims.lesson, template: claims.template };
  let sandbox: Sandbox | undefined;
  if (playground) void socket.join(playgroundRoom(claims.sub));
  const machines = () => ({
    machines: manager.machines(claims.sub, claims.lesson).map((m) => m.machine!),
    maxMachines: playground ? manager.playgroundMaxMachines : (claims.machines ?? 1),
  });
  const machinesChanged = () => socket.to(playgroundRoom(claims.sub)).emit(EVENTS.playMachines, machines());
  /** `observer`: a read-only guest's (Terminal.observe): no input, no say in size or pace. */
  const attachments = new Map<string, { terminal: Terminal; viewerId: string; observer?: boolean }>();
  const release = (a: { terminal: Terminal; viewerId: string; observer?: boolean }) =>
    a.observer ? a.terminal.unobserve(a.viewerId) : a.terminal.detach(a.viewerId);

  const info = (s: Sandbox): SandboxInfo => ({
    id: s.id,
    name: s.name,
    hostname: s.hostname,
    template: s.owner.template,
    createdAt: s.claimedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    canExtend: manager.canExtend(s),
    ...(s.machine ? { playground: { machine: s.machine, ...machines() } } : {}),
  });
  // Aborted when the socket goes: a learner waiting in line who closed the tab leaves the line.
  const gone = new AbortController();

  const progress = (status: Parameters<Parameters<SandboxManager["open"]>[1]>[0]) => socket.emit(EVENTS.sandboxStatus, status);

  const detachAll = () => {
    for (const attachment of attachments.values()) release(attachment);
    attachments.clear();
    if (sandbox) {
      manager.detach(sandbox, socket.id);
      void socket.leave(sandboxRoom(sandbox.id));
    }
  };

  const bind = (next: Sandbox): SandboxInfo => {
    if (sandbox !== next) detachAll();
    sandbox = next;
    void socket.join(sandboxRoom(next.id));
    progress({ phase: "ready", message: "Your sandbox is ready." });
    return info(next);
  };

  const readySandbox = (): Sandbox => {
    if (!sandbox || sandbox.state !== SandboxState.Ready) {
      throw new UserFacingError("not_found", "There is no sandbox open on this page. Reload the page to start one.");
    }
    return sandbox;
  };

  /** A read-only guest watches a shell the owner has open; it never starts one. */
  const watch = (current: Sandbox, terminalId: string): TerminalOpened => {
    const terminal = current.terminals.get(terminalId);
    if (!terminal) throw new UserFacingError("not_found", "That terminal is not open on this machine yet: it appears once the playground's owner opens it.");
    const previous = attachments.get(terminalId);
    if (previous) release(previous);
    const viewer = socketViewer(socket, terminalId, terminal);
    const replay = terminal.observe(viewer);
    attachments.set(terminalId, { terminal, viewerId: viewer.id, observer: true });
    manager.attach(current, socket.id);
    return { instance: terminal.instance, reset: replay.reset, offset: replay.offset, data: replay.data };
  };

  const handlers: { requests: RequestHandlers<"learner">; messages: MessageHandlers<"learner"> } = {
    requests: {
      [EVENTS.sandboxOpen]: async ({ sandboxId, machine }) => {
        if (machine && !withMachines) throw new UserFacingError("bad_request", `This lesson has one sandbox; it has no machine called ${machine}.`);
        // A lesson's machines are what its frontmatter asked for (the playground's limit is the manager's).
        if (machine && !playground && machineNumber(machine) > claims.machines!) {
          throw new UserFacingError("bad_request", `This lesson has ${claims.machines} machines (node1 to node${claims.machines}); there is no ${machine}.`);
        }
        if (withMachines) owner = { ...owner, lesson: machineLesson(machine ?? "node1", claims.lesson) };
        if (sandboxId) {
          const asked = manager.findById(sandboxId);
          if (asked && asked.owner.learner !== owner.learner) {
            log.warn("learner asked for another learner's sandbox", { learner: owner.learner, sandbox: sandboxId.slice(0, 12) });
            throw new UserFacingError("forbidden", "That sandbox belongs to another learner.");
          }
          if (asked && asked.owner.lesson !== owner.lesson) {
            throw new UserFacingError("forbidden", withMachines ? "That sandbox is another machine." : "That sandbox belongs to another lesson.");
          }
        }
        if (guest && !manager.machines(claims.sub).some((m) => m.machine === (machine ?? "node1"))) {
          throw new UserFacingError("not_found", `The playground you were invited to has no machine called ${machine ?? "node1"} right now.`);
        }
        const known = playground ? manager.machines(claims.sub).length : 0;
        const opened = await manager.open(owner, progress, gone.signal);
        if (playground && manager.machines(claims.sub).length !== known) machinesChanged();
        // Frozen while nobody watched (runaway/): it runs again from here, and the learner reads why.
        const notice = await manager.thaw(opened);
        return { ...bind(opened), ...(notice ? { notice } : {}) };
      },
      [EVENTS.playRemove]: async ({ machine }) => {
        if (!playground) throw new UserFacingError("bad_request", "Only the playground has machines to remove.");
        // By name within the token's own learner: another learner's machine cannot be named.
        const target = manager.machines(claims.sub).find((m) => m.machine === machine);
        if (!target) throw new UserFacingError("not_found", `Your playground has no machine called ${machine}.`);
        await manager.remove(target, "removed");
        machinesChanged();
        return machines();
      },
      [EVENTS.sandboxReset]: async () => bind(await manager.reset(owner, progress, gone.signal)),
      [EVENTS.sandboxExtend]: async () => {
        const current = readySandbox();
        const expiresAt = await manager.extend(current);
        return { expiresAt: expiresAt.toISOString(), canExtend: manager.canExtend(current) };
      },
      [EVENTS.sandboxPortLink]: ({ port }) => ({
        url: ports.link(readySandbox(), port, socket.handshake.headers.host),
      }),
      [EVENTS.checkRun]: async ({ step }) => {
        const current = readySandbox();
        const result = await checks.run(current, step);
        if (result.passed) {
          socket.to(sandboxRoom(current.id)).emit(EVENTS.checkPassed, { step });
          activity.passed(claims, step);
        }
        return result;
      },
      // The editor's files: only ever in this socket's own sandbox (no id in the request to forge).
      [EVENTS.fileRead]: ({ path }) => files.read(readySandbox(), path),
      [EVENTS.fileWrite]: ({ path, content, baseVersion }) => files.write(readySandbox(), path, content, baseVersion),
      [EVENTS.terminalOpen]: async ({ terminalId, size, since }): Promise<TerminalOpened> => {
        const current = readySandbox();
        if (guest?.access === "read") return watch(current, terminalId);
        progress({ phase: "starting", message: "Opening a shell…" });
        const terminal = await manager.openTerminal(current, terminalId, size);
        if (sandbox !== current) throw new UserFacingError("not_found", "This sandbox has been replaced. Reload the page.");
        const previous = attachments.get(terminalId);
        if (previous) release(previous);
        const viewer = socketViewer(socket, terminalId, terminal);
        // attach() returns the replay and starts the live stream in one synchronous step.
        const replay = terminal.attach(viewer, size, since?.instance === terminal.instance ? since.offset : undefined);
        // An exited terminal stays in the map (input to it is dropped) until the next open replaces it.
        attachments.set(terminalId, { terminal, viewerId: viewer.id });
        manager.attach(current, socket.id);
        activity.attached(claims);
        return { instance: terminal.instance, reset: replay.reset, offset: replay.offset, data: replay.data };
      },
    },
    messages: {
      [EVENTS.terminalInput]: ({ terminalId, data }) => {
        const attachment = attachments.get(terminalId);
        if (!attachment) throw new UserFacingError("not_found", "That terminal is not open. Reload the page.");
        attachment.terminal.input(data);
        activity.typed(claims);
      },
      [EVENTS.terminalResize]: ({ terminalId, size }) => {
        const attachment = attachments.get(terminalId);
        if (attachment && !attachment.observer) attachment.terminal.resize(attachment.viewerId, size);
      },
      [EVENTS.terminalAck]: ({ terminalId, offset }) => {
        const attachment = attachments.get(terminalId);
        if (attachment && !attachment.observer) attachment.terminal.ack(attachment.viewerId, offset);
      },
    },
  };
  serve(socket, "learner", log, guest ? guardedForGuest(handlers, guest.access) : handlers);

  socket.on("disconnect", () => {
    gone.abort();
    detachAll();
    activity.disconnected(claims);
  });

  activity.learnerConnected(socket, claims).catch((error: unknown) => log.warn("could not join the learner to their workshop", { error }));
}

/** A guest's page reports nothing to the owner's workshop (and `claims.sub` is not the guest). */
const GUEST_ACTIVITY: LearnerActivity = {
  learnerConnected: async () => undefined,
  attached: () => undefined,
  typed: () => undefined,
  passed: () => undefined,
  disconnected: () => undefined,
};

/** Every handler behind the guest table (guest-access.ts): a refused event never reaches its handler. */
function guardedForGuest(
  handlers: { requests: RequestHandlers<"learner">; messages: MessageHandlers<"learner"> },
  access: NonNullable<SandboxClaims["guest"]>["access"],
): typeof handlers {
  const guard = <T extends Record<string, (payload: never) => unknown>>(table: T): T =>
    Object.fromEntries(
      Object.entries(table).map(([event, handler]) => [
        event,
        (payload: never) => {
          const refusal = guestRefusal(event as Parameters<typeof guestRefusal>[0], access);
          if (refusal) throw new UserFacingError("forbidden", refusal);
          return handler(payload);
        },
      ]),
    ) as T;
  return { requests: guard(handlers.requests), messages: guard(handlers.messages) };
}
