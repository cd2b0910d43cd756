"use client";
/**
 * <Editor file="~/flask-app/app.py" />: a file of the learner's sandbox in Monaco. It loads
 * the file once the page's sandbox is connected (and again after a reset), saves it back
 * with the Save button or Ctrl/Cmd+S, and always says where things stand: loading, saved,
 * unsaved changes, saving, or what went wrong in a sentence.
 *
 * It uses the page's one sandbox connection (useSandboxConnection) and
 * never opens its own. Monaco is loaded on demand (next/dynamic, no SSR), from the local
 * package (./editor/monaco.ts).
 *
 * A read-only guest of someone's playground (an invite link that only watches) sees the
 * file but cannot change or save it: the service would refuse the write anyway.
 *
 * Nothing the learner typed is dropped silently: a save is based on the version loaded, so
 * a file changed meanwhile in the terminal is a conflict they resolve (Overwrite or
 * Reload); Reload with unsaved changes asks first; a reset keeps unsaved text; leaving the
 * page with unsaved changes asks the browser to confirm.
 */
import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { OnMount } from "./editor/MonacoPane";
import { languageForFile } from "./editor/language";
import { useWorkspace } from "./LessonWorkspace";
import { useSandboxConnection } from "../terminal/SandboxConnectionProvider";
import type { SandboxConnection } from "../terminal/sandbox-connection";
import type { SandboxInfo } from "../../shared/protocol";

const MonacoPane = dynamic(() => import("./editor/MonacoPane"), {
  ssr: false,
  loading: () => <p className="editor-placeholder">Loading the editor…</p>,
});

type MonacoEditor = Parameters<OnMount>[0];
type MonacoApi = Parameters<OnMount>[1];

/** What the learner sees in the header; exposed as `data-state` for tests and styling. */
export type EditorState = "waiting" | "loading" | "missing" | "saved" | "unsaved" | "saving" | "conflict" | "error";

/** The file as last loaded from or saved into the sandbox. */
interface Base {
  /** The version a save is based on (conflict detection). */
  version: string;
  maxBytes: number;
}

const NOT_CONNECTED = "Your sandbox is not connected yet; the file loads as soon as it is.";

/**
 * `machine`: in a lesson with several machines or on the playground, whose file (node1 by default).
 * `onDirty`: told when the text stops or starts matching the sandbox's file (the playground
 * asks before it replaces unsaved text with another file).
 */
export function Editor({ file, height = 320, machine, onDirty }: { file: string; height?: number; machine?: string; onDirty?: (dirty: boolean) => void }) {
  if (typeof file !== "string" || file === "") {
    return <p className="run-note">This editor names no file: the lesson should say {'<Editor file="~/app.py" />'}.</p>;
  }
  return <FileEditor file={file} height={height} machine={machine} onDirty={onDirty} />;
}

/** The sandbox `connection` is on: the workspace's (node1's) by default, else followed on that machine's own connection. */
function useSandboxOf(connection: SandboxConnection | null, machine: string | undefined): SandboxInfo | null {
  const { sandbox: pageSandbox } = useWorkspace();
  const [own, setOwn] = useState<SandboxInfo | null>(null);
  useEffect(() => {
    if (!machine || !connection) return;
    setOwn(connection.sandbox);
    // A reconnect to the same sandbox keeps the same object, so the file does not reload for it.
    return connection.subscribe({ sandbox: (next) => setOwn((current) => (current?.id === next?.id ? current : next)) });
  }, [connection, machine]);
  return machine ? own : pageSandbox;
}

function FileEditor({ file, height, machine, onDirty }: { file: string; height: number; machine?: string; onDirty?: (dirty: boolean) => void }) {
  const connection = useSandboxConnection(machine);
  const sandbox = useSandboxOf(connection, machine);
  const readOnly = connection?.readOnly ?? false;
  const language = languageForFile(file);
  const editor = useRef<MonacoEditor | null>(null);
  /** Text loaded before Monaco was ready: applied when it mounts. */
  const pendingText = useRef<string | null>(null);
  /** Monaco's alternative version id of the text that matches the sandbox (undo back to it = clean). */
  const cleanVersionId = useRef<number | null>(null);
  const base = useRef<Base | null>(null);
  const busy = useRef(false);
  const saveAgain = useRef(false);
  const dirtyRef = useRef(false);

  const [phase, setPhase] = useState<"idle" | "loading" | "saving">("idle");
  const [loaded, setLoaded] = useState(false);
  const [exists, setExists] = useState(false);
  const [dirty, setDirtyState] = useState(false);
  const [problem, setProblem] = useState<{ kind: "error" | "conflict"; message: string } | null>(null);
  const [notice, setNotice] = useState("");
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);

  const setDirty = useCallback((value: boolean) => {
    dirtyRef.current = value;
    setDirtyState(value);
  }, []);

  /** Puts text from the sandbox in the editor: it is then the clean state. */
  const showText = useCallback(
    (text: string) => {
      const current = editor.current;
      if (!current) {
        pendingText.current = text;
      } else {
        current.setValue(text);
        cleanVersionId.current = current.getModel()?.getAlternativeVersionId() ?? null;
      }
      setDirty(false);
    },
    [setDirty],
  );

  const load = useCallback(async () => {
    if (!connection || busy.current) return;
    busy.current = true;
    setPhase("loading");
    setProblem(null);
    setConfirmDiscard(false);
    try {
      const result = await connection.readFile(file);
      base.current = { version: result.version, maxBytes: result.maxBytes };
      showText(new TextDecoder().decode(result.content));
      setExists(result.exists);
      setLoaded(true);
      setSavedAt(null);
      setNotice("");
    } catch (error) {
      setProblem({ kind: "error", message: (error as Error).message });
    } finally {
      busy.current = false;
      setPhase("idle");
    }
  }, [file, connection, showText]);

  const save = useCallback(
    async (overwrite = false) => {
      const current = editor.current;
      const model = current?.getModel();
      if (readOnly || !current || !model || !base.current) return;
      if (busy.current) {
        // Ctrl+S during a save: save again once it is done, with what is there then.
        saveAgain.current = true;
        return;
      }
      if (!connection) return setProblem({ kind: "error", message: NOT_CONNECTED });
      const versionId = model.getAlternativeVersionId();
      const content = new TextEncoder().encode(current.getValue());
      if (content.byteLength > base.current.maxBytes) {
        return setProblem({
          kind: "error",
          message: `This text is too large to save: the editor saves files of up to ${Math.round(base.current.maxBytes / 1024)} KiB. Nothing was saved.`,
        });
      }
      busy.current = true;
      setPhase("saving");
      setProblem(null);
      setConfirmDiscard(false);
      try {
        const written = await connection.writeFile(file, content, overwrite ? undefined : base.current.version);
        base.current = { ...base.current, version: written.version };
        cleanVersionId.current = versionId;
        setDirty(model.getAlternativeVersionId() !== versionId);
        setExists(true);
        setSavedAt(new Date());
        setNotice("");
      } catch (error) {
        const code = (error as { code?: string }).code;
        setProblem({ kind: code === "conflict" ? "conflict" : "error", message: (error as Error).message });
      } finally {
        busy.current = false;
        setPhase("idle");
      }
      if (saveAgain.current) {
        saveAgain.current = false;
        if (dirtyRef.current) void saveRef.current();
      }
    },
    [file, connection, setDirty, readOnly],
  );
  const saveRef = useRef(save);
  saveRef.current = save;

  // Load when the page's sandbox is there, and again when it is replaced (a reset) — unless
  // the learner has unsaved text, which a reload would throw away.
  const sandboxId = sandbox?.id;
  useEffect(() => {
    if (!sandboxId) return;
    if (dirtyRef.current) {
      setNotice("Your sandbox was replaced. Your unsaved text is still here: save to write it into the new sandbox, or reload to see the file there.");
      return;
    }
    void load();
  }, [sandboxId, load]);

  useEffect(() => onDirty?.(dirty), [dirty, onDirty]);

  // Leaving the page with unsaved changes: let the browser ask.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const onMount = useCallback(
    (mounted: MonacoEditor, monaco: MonacoApi) => {
      editor.current = mounted;
      if (pendingText.current !== null) {
        mounted.setValue(pendingText.current);
        pendingText.current = null;
      }
      cleanVersionId.current = mounted.getModel()?.getAlternativeVersionId() ?? null;
      mounted.onDidChangeModelContent(() => {
        setDirty(mounted.getModel()?.getAlternativeVersionId() !== cleanVersionId.current);
      });
      // An action, not addCommand: a command's keybinding is shared by every editor on the
      // page (the last one registered wins), so with two editors Ctrl+S saved the wrong file.
      mounted.addAction({
        id: "dojo.save-to-sandbox",
        label: "Save to the sandbox",
        keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
        run: () => void saveRef.current(),
      });
    },
    [setDirty],
  );

  const reload = () => {
    if (dirtyRef.current && !confirmDiscard) return setConfirmDiscard(true);
    void load();
  };

  // Ctrl/Cmd+S anywhere in the editor's box (Monaco handles it itself when it has focus).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      void save();
    }
  };

  const state: EditorState =
    phase === "loading"
      ? "loading"
      : phase === "saving"
        ? "saving"
        : problem
          ? problem.kind
          : !loaded
            ? "waiting"
            : dirty
              ? "unsaved"
              : exists
                ? "saved"
                : "missing";

  const message: Record<EditorState, string> = {
    waiting: sandbox ? "Waiting for the file…" : "Waiting for your sandbox…",
    loading: "Loading from your sandbox…",
    saving: "Saving…",
    conflict: problem?.message ?? "",
    error: problem?.message ?? "",
    unsaved: "Unsaved changes. Save (Ctrl+S) to write them into your sandbox.",
    missing: readOnly ? "This file does not exist in this sandbox." : "This file does not exist in your sandbox yet: type here and save to create it.",
    saved: savedAt ? `Saved in your sandbox at ${savedAt.toLocaleTimeString()}.` : "Loaded from your sandbox.",
  };

  const connected = Boolean(sandbox);
  return (
    <div className="editor" data-testid="editor" data-file={file} data-state={state} data-language={language} onKeyDown={onKeyDown}>
      <div className="editor-header">
        <span className="editor-file" title={file}>
          {file}
        </span>
        <span className="editor-language">{readOnly ? `${language} · read-only` : language}</span>
        <button type="button" className="button-small secondary" onClick={reload} disabled={!connected || phase !== "idle"}>
          {loaded ? "Reload" : "Load"}
        </button>
        {!readOnly && (
          <button type="button" className="button-small" onClick={() => void save()} disabled={!loaded || !connected || phase !== "idle"} title="Save (Ctrl+S)">
            Save
          </button>
        )}
      </div>
      <p className={`editor-state editor-state-${state}`} role="status" data-testid="editor-state">
        {message[state]}
      </p>
      {problem?.kind === "conflict" && (
        <div className="editor-choice">
          <button type="button" className="button-small" onClick={() => void save(true)}>
            Overwrite with mine
          </button>
          <button type="button" className="button-small secondary" onClick={() => void load()}>
            Reload theirs (drop mine)
          </button>
        </div>
      )}
      {confirmDiscard && phase === "idle" && (
        <div className="editor-choice" role="alert">
          <span>Discard your unsaved changes and load the file from your sandbox?</span>
          <button type="button" className="button-small" onClick={() => void load()}>
            Discard and reload
          </button>
          <button type="button" className="button-small secondary" onClick={() => setConfirmDiscard(false)}>
            Keep editing
          </button>
        </div>
      )}
      {notice && (
        <p className="editor-notice" role="alert">
          {notice}
        </p>
      )}
      <div className="editor-body" style={{ height }}>
        {/* Read-only until the file is there: typing into a buffer about to be replaced would be lost. */}
        <MonacoPane language={language} height={height} readOnly={readOnly || !loaded || phase === "loading"} onMount={onMount} />
      </div>
    </div>
  );
}
