/** Bridges one terminal to one browser socket: output and exit go out as protocol events. */
import type { ServiceSocket } from "../socket/handlers";
import { EVENTS } from "../../../shared/protocol";
import type { Terminal, TerminalViewer } from "./terminal";

export function socketViewer(socket: ServiceSocket, terminalId: string, terminal: Terminal): TerminalViewer {
  return {
    id: `${socket.id}/${terminalId}`,
    output: (offset, data) => {
      socket.emit(EVENTS.terminalOutput, { terminalId, instance: terminal.instance, offset, data });
    },
    exited: (message) => {
      socket.emit(EVENTS.terminalExit, { terminalId, instance: terminal.instance, message });
    },
  };
}
