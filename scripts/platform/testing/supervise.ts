/**
 * A supervisor as `npm start` runs one (signals included), over the programs given as JSON
 * in SUPERVISE_PROGRAMS: lets the tests signal or kill -9 a real supervisor process.
 */
import { Supervisor, type Program } from "../supervisor";

const programs = JSON.parse(process.env.SUPERVISE_PROGRAMS ?? "[]") as Program[];
const supervisor = new Supervisor(programs, { env: process.env, stopGraceMs: 5000 });
supervisor.start();
supervisor.stopOnSignals((signal) => console.log(`[fixture] ${signal}: stopping`));
console.log("[fixture] supervising");
process.exit(await supervisor.done);
