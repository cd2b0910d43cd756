"use client";
/** Monaco itself, configured by ./monaco (local package, local workers). Loaded only through next/dynamic. */
import MonacoEditor, { type OnMount } from "@monaco-editor/react";
import { useMemo } from "react";
import "./monaco";
import type { EditorLanguage } from "./language";

export type { OnMount };

interface Props {
  language: EditorLanguage;
  height: number;
  readOnly: boolean;
  onMount: OnMount;
}

export default function MonacoPane({ language, height, readOnly, onMount }: Props) {
  // A new options object makes @monaco-editor/react apply it again: only when something changed.
  const options = useMemo(
    () => ({
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace",
      scrollBeyondLastLine: false,
      readOnly,
    }),
    [readOnly],
  );
  return (
    <MonacoEditor
      height={height}
      language={language}
      theme="vs-dark"
      onMount={onMount}
      loading={<p className="editor-placeholder">Loading the editor…</p>}
      options={options}
    />
  );
}
