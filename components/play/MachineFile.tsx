"use client";
/**
 * A playground machine's editor: a file field with "Open file" above the terminal, and the
 * lesson editor (components/lesson/Editor.tsx) on that machine's connection once a file is
 * open. Nothing of Monaco loads until then: the editor's module loads it on demand.
 *
 * The state lives in useMachineFile (held by the machine's pane), so both the field and the
 * page can open a file: "Open in playground" opens an example's Dockerfile in node1's.
 */
import { useCallback, useId, useRef, useState } from "react";
import { FILE_PATH_MAX_CHARS } from "../../shared/protocol";
import { Editor } from "../lesson/Editor";
import { DEFAULT_FILE, decideOpen } from "./machine-file";

export interface MachineFile {
  /** The file in the editor; null while none is open. */
  shown: string | null;
  /** What the file field holds. */
  draft: string;
  setDraft: (value: string) => void;
  /** Waiting for the learner to drop unsaved text: the file to open next, or null to close. */
  pending: { next: string | null } | null;
  /** A sentence about the last request (an empty path). */
  note: string;
  open: (path: string) => void;
  close: () => void;
  /** The learner's answers while `pending`. */
  discard: () => void;
  keep: () => void;
  /** Told by the editor whenever its text stops or starts matching the machine's file. */
  onDirty: (dirty: boolean) => void;
}

export function useMachineFile(): MachineFile {
  const [shown, setShown] = useState<string | null>(null);
  const [draft, setDraft] = useState(DEFAULT_FILE);
  const [pending, setPending] = useState<{ next: string | null } | null>(null);
  const [note, setNote] = useState("");
  // Refs too, so `open` stays one function: the example panel calls it after an await.
  const shownRef = useRef<string | null>(null);
  const dirty = useRef(false);

  const show = useCallback((next: string | null) => {
    shownRef.current = next;
    // The editor is keyed by its file: the next one starts clean.
    dirty.current = false;
    setShown(next);
    setPending(null);
    setNote("");
    if (next) setDraft(next);
  }, []);

  const open = useCallback(
    (path: string) => {
      const decision = decideOpen(shownRef.current, path, dirty.current);
      if (decision.kind === "open") return show(decision.file);
      setNote(decision.kind === "empty" ? decision.message : "");
      setPending(decision.kind === "ask" ? { next: decision.file } : null);
    },
    [show],
  );
  const close = useCallback(() => (dirty.current ? setPending({ next: null }) : show(null)), [show]);
  const onDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);

  return {
    shown,
    draft,
    setDraft,
    pending,
    note,
    open,
    close,
    discard: () => pending && show(pending.next),
    keep: () => setPending(null),
    onDirty,
  };
}

/** The file field of a machine: a path, "Open file" (or Enter), "Close editor" while one is open. */
export function FileBar({ machine, file }: { machine: string; file: MachineFile }) {
  const id = useId();
  return (
    <form
      className="machine-actions machine-file"
      aria-label={`Open a file of ${machine}`}
      onSubmit={(event) => {
        event.preventDefault();
        file.open(file.draft);
      }}
    >
      <label htmlFor={id} className="field-note">
        File on {machine}
      </label>
      <input
        id={id}
        className="file-input"
        value={file.draft}
        onChange={(event) => file.setDraft(event.target.value)}
        maxLength={FILE_PATH_MAX_CHARS}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
      />
      <button type="submit" className="button-small">
        Open file
      </button>
      {file.shown && (
        <button type="button" className="button-small secondary" onClick={file.close}>
          Close editor
        </button>
      )}
      {file.note && (
        <span className="machine-file-note" role="status">
          {file.note}
        </span>
      )}
      {file.pending && (
        <div className="editor-choice" role="alert">
          <span>
            {file.pending.next
              ? `Discard your unsaved changes to ${file.shown} and open ${file.pending.next}?`
              : `Discard your unsaved changes to ${file.shown} and close it?`}
          </span>
          <button type="button" className="button-small" onClick={file.discard}>
            {file.pending.next ? "Discard and open" : "Discard and close"}
          </button>
          <button type="button" className="button-small secondary" onClick={file.keep}>
            Keep editing
          </button>
        </div>
      )}
    </form>
  );
}

/** The open file of a machine, in the lesson editor on that machine's connection. */
export function MachineEditor({ machine, file }: { machine: string; file: MachineFile }) {
  if (!file.shown) return null;
  // Keyed by the file: another file is another editor (its own version, state and undo history).
  return <Editor key={file.shown} file={file.shown} machine={machine} height={360} onDirty={file.onDirty} />;
}
