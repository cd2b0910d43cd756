/**
 * What the deployment tests (compose, stack) do as a learner's lesson page: ask the web app
 * for a sandbox token, see which agent it placed them on, and open a shell there.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TestLearner } from "../../../sandbox-service/test/support/harness";
import type { SandboxInfo } from "../../../shared/protocol";

/** The claims of a token (its first part), to see which agent the web app placed the learner on. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

export interface TokenRequest {
  /** Where this test reaches the web app. */
  webUrl: string;
  lesson: string;
  /** The agent the token must be signed for: until it has registered, the answer is not ours. */
  agentId: string;
  /** What to print when no token ever comes (the deployment's state and logs). */
  diagnostics: () => string;
  /** How long the deployment may take to start answering. */
  timeoutMs?: number;
}

/** POST /api/sandbox-token as a lesson page does, until the web app answers with a token for `agentId`. */
export async function tokenFromWebApp(request: TokenRequest): Promise<{ token: string; sandboxUrl: string }> {
  let last = "no answer yet";
  // The web app and the agent start in parallel; the agent registers within seconds.
  const deadline = Date.now() + (request.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`${request.webUrl}/api/sandbox-token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lesson: request.lesson }),
      });
      const body = (await answer.json()) as { token?: string; sandboxUrl?: string; error?: string };
      last = `${answer.status} ${JSON.stringify(body)}`;
      if (body.token && body.sandboxUrl && claimsOf(body.token).agent === request.agentId) return { token: body.token, sandboxUrl: body.sandboxUrl };
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`the web app never placed a learner on agent ${request.agentId}; last answer: ${last}\n${request.diagnostics()}`);
}

export interface OpenShell {
  learner: TestLearner;
  sandbox: SandboxInfo;
}

/**
 * A learner's page connected to its agent, with a shell that has printed its prompt. For
 * `retryForMs` a refused connection (an agent still starting) is tried again, as a page
 * reconnects by itself; anything else fails at once.
 */
export async function openShell(agentUrl: string, token: string, learners: TestLearner[], options: { retryForMs?: number } = {}): Promise<OpenShell> {
  const deadline = Date.now() + (options.retryForMs ?? 0);
  for (;;) {
    const learner = new TestLearner(agentUrl, { token });
    learners.push(learner);
    try {
      await learner.connected();
    } catch (error) {
      learner.close();
      if (Date.now() >= deadline) throw error;
      await sleep(500);
      continue;
    }
    const sandbox = await learner.openSandbox();
    await learner.openTerminal();
    await learner.waitFor("# ");
    return { learner, sandbox };
  }
}
