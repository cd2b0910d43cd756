/**
 * Everything an instructor's dashboard socket may do, for the one workshop its token
 * names: watch it, message its learners, shadow one of them read-only, end it. The socket
 * never receives a way to type into a learner's terminal.
 */
import {
  EVENTS,
  type ShadowMoved,
  type ShadowOpened,
} from "../../../shared/protocol";
import type { Logger } from "../log/logger";
import { dashboardRoom, type WorkshopHub } from "../workshops/workshop-hub";
import type { SocketData } from "./auth";
import { serve, type ServiceSocket } from "./handlers";

export function handleInstructorConnection(socket: ServiceSocket, hub: WorkshopHub, log: Logger): void {
  const { claims } = socket.data as Extract<SocketData, { role: "instructor" }>;
  const workshopId = claims.workshop;
  let shadowing: { stop: () => void; viewerId: string } | undefined;

  const stopShadowing = () => {
    shadowing?.stop();
    shadowing = undefined;
  };

  serve(socket, "instructor", log, {
    requests: {
      [EVENTS.workshopWatch]: async () => {
        const snapshot = await hub.snapshot(workshopId);
        await socket.join(dashboardRoom(workshopId));
        return snapshot;
      },
      [EVENTS.workshopAnnounce]: async ({ text }) => {
        await hub.announce(workshopId, text);
        return {};
      },
      [EVENTS.workshopHint]: async ({ learnerId, text }) => {
        await hub.hint(workshopId, learnerId, text);
        return {};
      },
      [EVENTS.workshopShadow]: async ({ learnerId }): Promise<ShadowOpened | ShadowMoved> => {
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
      },
      [EVENTS.workshopUnshadow]: () => {
        stopShadowing();
        return {};
      },
      [EVENTS.workshopEnd]: async () => {
        stopShadowing();
        return hub.end(workshopId);
      },
    },
    messages: {},
  });

  socket.on("disconnect", stopShadowing);
}
