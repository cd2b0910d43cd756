/**
 * A stand-in for `npx next start`: a server on PORT_A that starts a child of its own
 * serving PORT_B (as npx starts next-server), in the same process group. Killing only the
 * first leaves the second holding its port: the bug a supervisor must not have.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const [portA, portB] = [Number(process.env.PORT_A), Number(process.env.PORT_B)];
spawn(process.execPath, ["-e", `require("http").createServer((q, s) => s.end("child")).listen(${portB})`], { stdio: "inherit" });
createServer((_request, response) => response.end(`parent ${process.pid}`)).listen(portA, () => console.log(`listening on ${portA}`));
