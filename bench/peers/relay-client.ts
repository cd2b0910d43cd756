/** A client of the relay (relay-server.ts): a TCP connection carrying the shell's bytes as they are. */
import net from "node:net";
import { OutputTap, type BenchTerminal } from "../support/output-tap";
import { PROMPT } from "./dojo-client";

export async function openRelayTerminal(port: number, containerId: string, timeoutMs = 60_000): Promise<BenchTerminal> {
  const tap = new OutputTap("relay");
  const prompt = tap.expect(PROMPT, timeoutMs);
  prompt.catch(() => undefined);
  const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
  socket.on("data", (chunk: Buffer) => tap.push(chunk));
  socket.once("close", () => tap.end("relay connection closed"));
  socket.on("error", (error) => tap.end(`relay connection failed: ${error.message}`));
  socket.write(`${containerId}\n`);
  await prompt;
  return {
    output: tap,
    send: (data) => socket.write(data),
    close: () => socket.destroy(),
  };
}
