/**
 * What a lesson page says through its live region (components/a11y/Announcer.tsx) when
 * the sandbox's state changes: one sentence per change that matters to someone who
 * cannot see the terminal, and nothing for the in-between states (or a screen reader
 * would talk over the learner at every reconnect).
 */
import type { ConnectionStatus } from "../terminal/sandbox-connection";

export class StatusAnnouncements {
  private status: ConnectionStatus | undefined;
  private everConnected = false;
  private sandboxId: string | undefined;
  /** The connection was lost (reconnecting, error) since it was last connected: the next "connected" is news. */
  private lost = false;

  /** The connection's status changed: the sentence to announce, or null. */
  onStatus(status: ConnectionStatus, message: string): string | null {
    if (status === this.status) return null;
    this.status = status;
    switch (status) {
      case "connected": {
        const first = !this.everConnected;
        const back = this.lost;
        this.everConnected = true;
        this.lost = false;
        if (first) return "Connected: your terminal is ready.";
        // Back from a lost connection, through "starting" (a reconnect opens the sandbox again).
        // After a reset or a new sandbox, onSandbox has said it already (and cleared `lost`).
        return back ? "Reconnected to your sandbox." : null;
      }
      case "reconnecting":
      case "error":
        this.lost = true;
        return message;
      case "ended":
        this.lost = false;
        return message;
      default:
        return null; // connecting, starting: the overlay shows them; they are over in a second or two
    }
  }

  /** The page's sandbox changed: a new one after another (a reset, or a new one after the last ended) is announced. */
  onSandbox(id: string | null): string | null {
    if (!id) return null;
    const before = this.sandboxId;
    this.sandboxId = id;
    if (!before || before === id) return null;
    this.lost = false;
    return "Your sandbox was reset: this is a fresh one.";
  }

  /** A step passed (first time on this page). */
  onStepPassed(title: string): string {
    return `Step passed: ${title}.`;
  }
}
