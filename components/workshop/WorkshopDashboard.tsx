"use client";
/**
 * The instructor's live view of a workshop: how many are ready and how far everyone got
 * (a learners × steps grid with a bar per step: StepGrid), one row per learner, announcements and hints, a read-only look at a learner's terminal,
 * and the button that ends it all.
 */
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { DashboardCounts, DashboardRow, DashboardSnapshot, DashboardWarmup } from "../../shared/protocol";
import { useAnnounce } from "../a11y/Announcer";
import { DashboardConnection } from "./dashboard-connection";
import { ShadowTerminal, type ShadowScreen } from "./ShadowTerminal";
import { StepGrid } from "./StepGrid";

const SANDBOX_LABELS: Record<DashboardRow["sandbox"], string> = {
  none: "not started",
  starting: "starting",
  ready: "ready",
  idle: "idle",
  paused: "paused (kept the machine busy while away)",
  gone: "gone",
};

function since(iso: string | null, now: number): string {
  if (!iso) return "—";
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

export function WorkshopDashboard({ workshopId }: { workshopId: string }) {
  const connection = useRef<DashboardConnection | null>(null);
  const screen = useRef<ShadowScreen | null>(null);
  const [live, setLive] = useState<{ ok: boolean; message: string }>({ ok: false, message: "Connecting…" });
  const [snapshot, setSnapshot] = useState<DashboardSnapshot | null>(null);
  const [rows, setRows] = useState<DashboardRow[]>([]);
  const [counts, setCounts] = useState<DashboardCounts | null>(null);
  const [warmup, setWarmup] = useState<DashboardWarmup | null>(null);
  const [ended, setEnded] = useState<string | null>(null);
  const [shadowed, setShadowed] = useState<{ learnerId: string; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const sayToScreenReaders = useAnnounce();

  // Said through the page's one live region (the text below shows them; it is not a live region itself).
  useEffect(() => sayToScreenReaders(live.message), [sayToScreenReaders, live.message]);
  useEffect(() => {
    if (notice) sayToScreenReaders(notice);
  }, [sayToScreenReaders, notice]);

  useEffect(() => {
    const conn = new DashboardConnection(workshopId, {
      connected: (ok, message) => setLive({ ok, message }),
      snapshot: (next) => {
        setSnapshot(next);
        setRows(next.rows);
        setCounts(next.counts);
        setWarmup(next.warmup);
        if (next.workshop.endedAt) setEnded("This workshop has ended.");
      },
      row: (row) => setRows((current) => (current.some((r) => r.learnerId === row.learnerId) ? current.map((r) => (r.learnerId === row.learnerId ? row : r)) : [...current, row])),
      counts: setCounts,
      warmup: setWarmup,
      ended: (message) => setEnded(message),
      shadowWrite: (_learner, write) => screen.current?.write(write),
      shadowEnded: (_learner, message) => {
        setShadowed(null);
        setNotice(message);
      },
    });
    connection.current = conn;
    conn.start().catch((error: Error) => setLive({ ok: false, message: error.message }));
    const clock = setInterval(() => setNow(Date.now()), 5000);
    return () => {
      clearInterval(clock);
      conn.stop();
      connection.current = null;
    };
  }, [workshopId]);

  const act = (work: Promise<unknown>, done?: string) =>
    work.then(
      () => done && setNotice(done),
      (error: Error) => setNotice(error.message),
    );

  const announce = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = new FormData(form).get("text");
    if (typeof text !== "string" || !connection.current) return;
    void act(
      connection.current.announce(text).then(() => form.reset()),
      "Announcement sent to everyone.",
    );
  };

  const hint = (row: DashboardRow) => {
    const text = window.prompt(`A hint for ${row.displayName}:`);
    if (text && connection.current) void act(connection.current.hint(row.learnerId, text), `Hint sent to ${row.displayName}.`);
  };

  const shadow = (row: DashboardRow) => {
    if (!connection.current) return;
    screen.current?.clear();
    setShadowed({ learnerId: row.learnerId, title: row.displayName });
    connection.current.shadow(row.learnerId).then(
      (opened) => setShadowed({ learnerId: row.learnerId, title: `${row.displayName} — ${opened.hostname}` }),
      (error: Error) => {
        setShadowed(null);
        setNotice(error.message);
      },
    );
  };

  const stopShadow = () => {
    setShadowed(null);
    void connection.current?.unshadow().catch(() => undefined);
  };

  const end = () => {
    if (!connection.current || !window.confirm("End the workshop for everyone? Every learner's sandbox is removed.")) return;
    void act(
      connection.current.end().then(({ removed }) => setEnded(`This workshop has ended. ${removed} sandbox${removed === 1 ? " was" : "es were"} removed.`)),
    );
  };

  const lessonTitle = (slug: string | null) => snapshot?.lessons.find((l) => l.slug === slug)?.title ?? "—";
  const seats = counts?.seats ?? rows.length;

  return (
    <section className="dashboard" data-testid="dashboard" data-live={live.ok}>
      <p className={`dashboard-live ${live.ok ? "ok" : ""}`}>
        {live.message}
      </p>
      {ended ? (
        <p className="workshop-ended" data-testid="dashboard-ended">
          {ended}
        </p>
      ) : null}
      {notice ? (
        <p className="dashboard-notice" data-testid="dashboard-notice">
          {notice}
        </p>
      ) : null}

      <div className="dashboard-figures">
        <p data-testid="warmup">
          <strong>
            {warmup?.ready ?? 0} of {warmup?.target ?? snapshot?.workshop.capacity ?? 0}
          </strong>{" "}
          sandboxes ready
        </p>
        <p data-testid="seats">
          <strong>{seats}</strong> joined
        </p>
      </div>
      {snapshot && snapshot.images.images.length > 0 ? (
        <p className="dashboard-images" data-testid="images">
          {snapshot.images.reachable ? "Images in the platform registry: " : "The platform registry does not answer, so learners cannot pull: "}
          {snapshot.images.images.map(({ image, ready }, i) => (
            <span key={image} className={ready ? "image-ready" : "image-missing"}>
              {i > 0 ? ", " : ""}
              <code>{image}</code> {ready ? "✓" : "✗ missing"}
            </span>
          ))}
        </p>
      ) : null}

      {snapshot ? <StepGrid lessons={snapshot.lessons} rows={rows} counts={counts} /> : null}

      <div className="table-scroll" role="region" aria-label="Learners (scrolls)" tabIndex={0}>
        <table className="dashboard-table">
          <thead>
            <tr>
              <th>Learner</th>
              <th>Lesson</th>
              <th>Next step</th>
              <th>Steps passed</th>
              <th>Sandbox</th>
              <th>Last activity</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7}>Nobody has joined yet.</td>
              </tr>
            ) : null}
            {rows.map((row) => (
              <tr key={row.learnerId} data-testid="learner-row" data-learner={row.displayName}>
                <td>{row.displayName}</td>
                <td>{lessonTitle(row.lesson)}</td>
                <td>{row.nextStep ?? "—"}</td>
                <td data-testid="steps-passed">{row.stepsPassed}</td>
                <td>
                  <span className={`sandbox-state ${row.sandbox}`} data-testid="sandbox-state">
                    {SANDBOX_LABELS[row.sandbox]}
                  </span>
                </td>
                <td>{since(row.lastActivity, now)}</td>
                <td className="row-actions">
                  <button type="button" className="button-small" onClick={() => shadow(row)} disabled={!!ended}>
                    Watch
                  </button>
                  <button type="button" className="button-small" onClick={() => hint(row)} disabled={!!ended}>
                    Hint
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className={`shadow-panel ${shadowed ? "open" : ""}`} data-testid="shadow-panel" hidden={!shadowed}>
        <div className="shadow-toolbar">
          <span>Watching {shadowed?.title} (read-only)</span>
          <button type="button" className="button-small secondary on-term" onClick={stopShadow}>
            Stop watching
          </button>
        </div>
        <ShadowTerminal ref={screen} />
      </div>

      <form className="account-form announce" onSubmit={announce}>
        <label>
          Announcement to everyone
          <textarea name="text" required maxLength={500} rows={2} disabled={!!ended} />
        </label>
        <button className="button" type="submit" disabled={!!ended}>
          Send announcement
        </button>
      </form>

      <div className="dashboard-footer">
        <a className="button secondary" href={`/api/workshops/${workshopId}/results.csv`} download>
          Export results (CSV)
        </a>
        <button type="button" className="button danger" onClick={end} disabled={!!ended}>
          End workshop
        </button>
      </div>
    </section>
  );
}
