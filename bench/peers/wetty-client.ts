/**
 * A browser of wetty 3.2.0, reduced to its protocol (read from wetty's own client,
 * src/client/wetty.ts and wetty/flowcontrol.ts, in node_modules/wetty/build/client/wetty.js.map):
 *
 *   socket.io at `<base>/socket.io`
 *   → resize {cols, rows}     on connect, and again on "login" (the browser's resizeTerm())
 *   → input <string>          keystrokes
 *   ← data <string>           output, batched by the server (2 ms or 512 KiB, server/flowcontrol.ts)
 *   ← login / logout          the process started / exited
 *   → commit <number>         flow control: after every 262144 characters written to xterm.js,
 *                             the browser commits that many; the server pauses the pty above
 *                             2 MiB uncommitted and resumes below 512 KiB
 *
 * As for the platform's client, rendering is instantaneous: the commit is sent as soon as
 * the data arrives (the browser sends it from xterm.js's write callback).
 */
import { io, type Socket } from "socket.io-client";
import { OutputTap, type BenchTerminal } from "../support/output-tap";
import { PROMPT } from "./dojo-client";

interface WettyServerEvents {
  data: (data: string) => void;
  login: () => void;
  logout: () => void;
}

interface WettyClientEvents {
  input: (data: string) => void;
  resize: (size: { cols: number; rows: number }) => void;
  commit: (size: number) => void;
}

/** wetty's FlowControlClient.ackBytes. */
const ACK_BYTES = 262_144;

export async function connectWetty(url: string, timeoutMs = 60_000): Promise<BenchTerminal> {
  const size = { cols: 80, rows: 24 };
  const tap = new OutputTap("wetty");
  const prompt = tap.expect(PROMPT, timeoutMs);
  prompt.catch(() => undefined);
  // The browser connects with socket.io's default transports (polling, then an upgrade to a
  // WebSocket); we start on the WebSocket, as the platform's browser does, so both are
  // measured on the same transport.
  const socket: Socket<WettyServerEvents, WettyClientEvents> = io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });

  let uncommitted = 0;
  socket.on("data", (data) => {
    tap.push(data);
    uncommitted += data.length;
    if (uncommitted >= ACK_BYTES) {
      uncommitted -= ACK_BYTES;
      socket.emit("commit", ACK_BYTES);
    }
  });
  socket.on("connect", () => socket.emit("resize", size));
  socket.on("login", () => socket.emit("resize", size));
  socket.on("logout", () => tap.end("logout"));
  socket.on("disconnect", (reason) => tap.end(`disconnected (${reason})`));
  socket.on("connect_error", (error) => tap.end(`connect failed: ${error.message}`));

  try {
    await prompt;
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  return {
    output: tap,
    send: (data) => socket.emit("input", data),
    close: () => socket.disconnect(),
  };
}
