"use client";
/**
 * xterm.js bound to the learner's sandbox. Shows what is happening while the sandbox
 * starts, exposes `data-status` (connecting | starting | connected | reconnecting | error |
 * ended) for tests, and handles copy/paste the way people expect from a desktop terminal:
 * selecting copies, Ctrl+Shift+C / Ctrl+Shift+V copy and paste, right-click pastes.
 * For keyboard and screen-reader users: Esc then Tab leaves it (keyboard-exit.ts, said
 * under the screen and to screen readers), and xterm's screen-reader mode can be switched
 * on (remembered in this browser). Its colours follow the system's scheme (theme.ts).
 */
import "@xterm/xterm/css/xterm.css";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Terminal } from "@xterm/xterm";
import type { SandboxInfo } from "../../shared/protocol";
import { copyText, readClipboard } from "./clipboard";
import { InputOrder } from "./input-order";
import { KeyboardExit } from "./keyboard-exit";
import type { ConnectionStatus } from "./sandbox-connection";
import { useSandboxConnection } from "./SandboxConnectionProvider";
import { followScheme, MIN_CONTRAST, TERMINAL_THEMES } from "./theme";

/** Where the learner's choice of screen-reader mode is remembered (this browser only). */
const SCREEN_READER_KEY = "dojo.terminal.screenReaderMode";

function storedScreenReaderMode(): boolean {
  try {
    return window.localStorage.getItem(SCREEN_READER_KEY) === "on";
  } catch {
    return false; // storage blocked (private mode, policies): the default, and no error
  }
}

/** The terminal of the page's sandbox connection (SandboxConnectionProvider), which it starts once its screen is ready. */
export function SandboxTerminal() {
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [message, setMessage] = useState("Connecting to your sandbox…");
  const [sandbox, setSandbox] = useState<SandboxInfo | null>(null);
  const connection = useSandboxConnection();
  const [hint, setHint] = useState("");
  const [expiry, setExpiry] = useState<{ expiresAt: string; canExtend: boolean } | null>(null);
  const terminal = useRef<Terminal | null>(null);
  const [screenReader, setScreenReader] = useState(false);

  const toggleScreenReader = useCallback(() => {
    setScreenReader((on) => {
      const next = !on;
      try {
        window.localStorage.setItem(SCREEN_READER_KEY, next ? "on" : "off");
      } catch {
        // not remembered; it still applies to this page
      }
      if (terminal.current) terminal.current.options.screenReaderMode = next;
      return next;
    });
  }, []);

  useEffect(() => {
    const element = host.current;
    const conn = connection;
    if (!element || !conn) return;
    let disposed = false;
    let unsubscribe: (() => void) | undefined;
    let term: Terminal | undefined;
    let observer: ResizeObserver | undefined;
    let unfollowScheme: (() => void) | undefined;

    void (async () => {
      const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
      ]);
      if (disposed) return;
      const screenReaderMode = storedScreenReaderMode();
      setScreenReader(screenReaderMode);
      term = new Terminal({
        cursorBlink: true,
        fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
        fontSize: 14,
        scrollback: 5000,
        minimumContrastRatio: MIN_CONTRAST,
        screenReaderMode,
        macOptionIsMeta: true,
        // A read-only guest of a playground watches: the keyboard types nothing.
        disableStdin: conn.readOnly,
      });
      terminal.current = term;
      unfollowScheme = followScheme((scheme) => (term!.options.theme = TERMINAL_THEMES[scheme]));
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.open(element);
      // Screen readers say how to leave when the terminal gets the focus.
      term.textarea?.setAttribute("aria-describedby", "terminal-keys");
      fit.fit();

      let waitingForEnter = false;
      unsubscribe = conn.subscribe({
        status: (next, text) => {
          setStatus(next);
          setMessage(text);
        },
        write: ({ reset, data, end }) => {
          if (reset) term!.reset();
          if (data.length) term!.write(data, () => conn.rendered(end));
        },
        sandbox: (info) => {
          setSandbox(info);
          if (!info) setExpiry(null);
        },
        exited: (text) => {
          waitingForEnter = true;
          term!.write(`\r\n\x1b[2m[${text} Press Enter to start a new shell.]\x1b[0m\r\n`);
        },
        notice: (text) => setHint(text),
        expiring: (next) => setExpiry(next),
        typedByPage: () => term!.focus(),
      });

      const input = new InputOrder();
      const typed = (data: string) =>
        input.now(() => {
          if (!waitingForEnter) return void conn.input(data);
          if (data === "\r") {
            waitingForEnter = false;
            conn.restartShell();
          }
        });
      term.onData(typed);
      term.onResize(({ cols, rows }) => conn.resize({ cols, rows }));
      term.onSelectionChange(() => {
        const selected = term!.getSelection();
        if (selected) void copyText(selected);
      });
      const exit = new KeyboardExit();
      term.textarea?.addEventListener("blur", () => {
        if (exit.release()) typed("\x1b");
      });
      term.attachCustomKeyEventHandler((event) => {
        const decision = exit.key(event);
        if (decision.sendEscape) typed("\x1b");
        // "leave": not handled by xterm, so the browser moves the focus as Tab does anywhere else.
        if (decision.action !== "pass") return false;
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
        if (event.code === "KeyC") {
          void copyText(term!.getSelection());
          return false;
        }
        // Ctrl+Shift+V: let the browser deliver a native paste event, which xterm turns into input.
        return event.code !== "KeyV";
      });
      element.addEventListener("contextmenu", (event) => {
        event.preventDefault();
        input.later(
          readClipboard(),
          (text) => text && term!.paste(text),
          () => setHint("Your browser blocked reading the clipboard; paste with Ctrl+Shift+V instead."),
        );
      });
      observer = new ResizeObserver(() => fit.fit());
      observer.observe(element);

      term.focus();
      conn.start({ cols: term.cols, rows: term.rows });
    })();

    return () => {
      disposed = true;
      unsubscribe?.();
      unfollowScheme?.();
      observer?.disconnect();
      term?.dispose();
      terminal.current = null;
    };
  }, [connection]);

  const showOverlay = status !== "connected";
  return (
    <div className="terminal-panel" data-status={status} data-testid="terminal">
      <div className="terminal-toolbar">
        <span className={`status-dot status-${status}`} aria-hidden />
        <span className="terminal-state" data-testid="terminal-state">
          {status === "connected" ? `Connected to ${sandbox?.hostname ?? "your sandbox"}` : message}
        </span>
        <button type="button" className="button-small" onClick={() => connection?.reset()} disabled={status !== "connected"}>
          Reset sandbox
        </button>
      </div>
      {hint && (
        <p className="terminal-hint" role="alert" data-testid="terminal-notice" onClick={() => setHint("")} title="Click to dismiss">
          {hint}
        </p>
      )}
      {expiry && (
        <p className="terminal-hint" role="alert" data-testid="terminal-expiry">
          Your sandbox will be removed at {new Date(expiry.expiresAt).toLocaleTimeString()} (its maximum lifetime).{" "}
          {expiry.canExtend ? (
            <button type="button" className="button-small" onClick={() => connection?.extend()}>
              Give me more time
            </button>
          ) : (
            "Save anything you want to keep."
          )}
        </p>
      )}
      <div className="terminal-body">
        <div ref={host} className="terminal-host" />
        {showOverlay && (
          // Not a live region itself: the page's announcer says status changes once (LessonWorkspace).
          <div className="terminal-overlay" data-testid="terminal-overlay">
            {status === "ended" ? (
              <>
                <p>{message}</p>
                {!connection?.isGuest && (
                  <button type="button" className="button" onClick={() => connection?.reopen()}>
                    Start a new sandbox
                  </button>
                )}
              </>
            ) : (
              <p>
                {status !== "error" && <span className="spinner" aria-hidden />}
                {message}
              </p>
            )}
          </div>
        )}
      </div>
      <div className="terminal-keys">
        <p id="terminal-keys">
          <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the terminal (<kbd>Shift</kbd>+<kbd>Tab</kbd>: back to its buttons).
        </p>
        <button type="button" className="button-small secondary on-term" aria-pressed={screenReader} onClick={toggleScreenReader} data-testid="screen-reader-mode">
          Screen reader mode
        </button>
      </div>
    </div>
  );
}
