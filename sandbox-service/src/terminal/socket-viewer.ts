/** Bridges one terminal to one browser socket: output and exit go out as protocol events. */
import { isUtf8 } from "node:buffer";
import type { ServiceSocket } from "../socket/handlers";
import { EVENTS } from "../../../shared/protocol";
import type { Terminal, TerminalViewer } from "./terminal";

export function socketViewer(socket: ServiceSocket, terminalId: string, terminal: Terminal): TerminalViewer {
  return {
    id: `${socket.id}/${terminalId}`,
    output: (offset, data) => {
      socket.emit(EVENTS.terminalOutput, { terminalId, instance: terminal.instance, offset, data: onTheWire(data) });
    },
    exited: (message) => {
      socket.emit(EVENTS.terminalExit, { terminalId, instance: terminal.instance, message });
    },
  };
}

/**
 * Output as text when it is valid UTF-8 (nearly always: an echo, a prompt, a line of
 * output), so the message is one WebSocket frame. socket.io sends a message with binary in
 * two (a text frame with a placeholder, then the bytes): twice the writes and wake-ups on
 * both sides for every keystroke's echo. The browser encodes the text back to the same
 * bytes (valid UTF-8 round-trips exactly); anything else (a chunk ending inside a
 * character, bytes that are not UTF-8 at all) goes as bytes, unchanged.
 */
export function onTheWire(data: Buffer): string | Buffer {
  return isUtf8(data) ? data.toString("utf8") : data;
}
