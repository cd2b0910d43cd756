/**
 * Everything an instructor's dashboard socket may do, for the one workshop its token
 * names: watch it, message its learners, shadow one of them read-only, end it. The socket
 * never receives a way to type into a learner's terminal.
 */
import type { Socket } from "socket.io";
import {
  EVENTS,
  workshopAnnounceSchema,
  workshopEndSchema,
  workshopHintSchema,
  workshopShadowSchema,
  workshopUnshadowSchema,
  workshopWatchSchema,
  type ShadowOpened,
} from "../../../shared/protocol";
import type { Logger } from "../log/logger";
import { dashboardRoom, type WorkshopHub } from "../workshops/workshop-hub";
import type { SocketData } from "./auth";
import { onRequest } from "./handlers";

export function handleInstructorConnection(socket: Socket, hub: WorkshopHub, log: Logger): void {
  const { claims } = socket.data as Extract<SocketData, { role: "instructor" }>;
  const workshopId = claims.workshop;
  let shadowing: { stop: () => void; viewerId: string } | undefined;

  const stopShadowing = () => {
    shadowing?.stop();
    shadowing = undefined;
  };

  onRequest(socket, log, EVENTS.workshopWatch, workshopWatchSchema, async () => {
    const snapshot = await hub.snapshot(workshopId);
    await socket.join(dashboardRoom(workshopId));
    return snapshot;
  });

  onRequest(socket, log, EVENTS.workshopAnnounce, workshopAnnounceSchema, async ({ text }) => {
    await hub.announce(workshopId, text);
    return {};
  });

  onRequest(socket, log, EVENTS.workshopHint, workshopHintSchema, async ({ learnerId, text }) => {
    await hub.hint(workshopId, learnerId, text);
    return {};
  });

  onRequest(socket, log, EVENTS.workshopShadow, workshopShadowSchema, async ({ learnerId }): Promise<ShadowOpened> => {
    stopShadowing();
    const viewerId = `shadow/${socket.id}`;
    const { opened, stop } = await hub.shadow(workshopId, learnerId, (watched) => ({
      id: viewerId,
      output: (offset, data) => socket.emit(EVENTS.shadowOutput, { learnerId, instance: watched.instance, offset, data }),
      exited: (message) => {
        if (shadowing?.viewerId === viewerId) shadowing = undefined;
        socket.emit(EVENTS.shadowEnded, { learnerId, message });
      },
    }));
    shadowing = { stop, viewerId };
    return opened;
  });

  onRequest(socket, log, EVENTS.workshopUnshadow, workshopUnshadowSchema, () => {
    stopShadowing();
    return {};
  });

  onRequest(socket, log, EVENTS.workshopEnd, workshopEndSchema, async () => {
    stopShadowing();
    return hub.end(workshopId);
  });

  socket.on("disconnect", stopShadowing);
}
