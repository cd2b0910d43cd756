/**
 * `npm run agents`: the operator's view of the sandbox agents (one per Docker engine).
 *   npm run agents                  list them: live or silent, places free, draining or not
 *   npm run agents -- drain ID      ID keeps its sandboxes to their end and takes no new ones
 *   npm run agents -- resume ID     ID takes new sandboxes again
 * (README, "Many machines".)
 */
import { allAgents, setDraining } from "../shared/db/agents";
import { createDatabase } from "../shared/db/client";
import { ConfigError, databaseConfig } from "../shared/config";

const [command = "list", id] = process.argv.slice(2);
let url: string;
try {
  url = databaseConfig().DATABASE_URL;
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
const db = createDatabase(url);
try {
  if (command === "list") {
    const agents = await allAgents(db);
    if (agents.length === 0) console.log("No agent has registered yet (is the sandbox service running?).");
    for (const agent of agents) {
      const silentFor = Math.round((Date.now() - agent.heartbeatAt.getTime()) / 1000);
      console.log(
        `${agent.id}  ${agent.draining ? "draining" : "open"}  ${agent.freePlaces}/${agent.capacity} places free  ` +
          `last heartbeat ${silentFor} s ago  ${agent.publicUrl ?? "(the page's host)"}`,
      );
    }
  } else if ((command === "drain" || command === "resume") && id) {
    if (!(await setDraining(db, id, command === "drain"))) {
      console.error(`There is no agent "${id}". \`npm run agents\` lists them.`);
      process.exitCode = 1;
    } else {
      console.log(command === "drain" ? `${id} is draining: it takes no new sandboxes (within one heartbeat) and keeps its own until they end.` : `${id} takes new sandboxes again.`);
    }
  } else {
    console.error("usage: npm run agents [-- drain ID | resume ID]");
    process.exitCode = 2;
  }
} finally {
  await db.$disconnect();
}
