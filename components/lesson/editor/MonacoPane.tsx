"use client";
/**
 * Monaco itself, configured by ./monaco (local package, local workers). Loaded only through next/dynamic.
 * Its colours follow the system's light or dark preference, as the terminal's do
 * (../../terminal/theme.ts), and switch while the page is open.
 */
import MonacoEditor, { type OnMount } from "@monaco-editor/react";
import { useEffect, useMemo, useState } from "react";
import { followScheme, preferredScheme, type Scheme } from "../../terminal/theme";
import "./monaco";
import type { EditorLanguage } from "./language";

export type { OnMount };

/** Monaco's built-in themes for each scheme. Its theme is global: every editor of the page switches together. */
const MONACO_THEMES: Record<Scheme, string> = { light: "vs", dark: "vs-dark" };

interface Props {
  language: EditorLanguage;
  height: number;
  readOnly: boolean;
  onMount: OnMount;
}

export default function MonacoPane({ language, height, readOnly, onMount }: Props) {
  // Browser-only (next/dynamic with ssr: false): the scheme can be read at once, so Monaco never paints the other one first.
  const [scheme, setScheme] = useState<Scheme>(preferredScheme);
  useEffect(() => followScheme(setScheme), []);
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
      theme={MONACO_THEMES[scheme]}
      onMount={onMount}
      loading={<p className="editor-placeholder">Loading the editor…</p>}
      options={options}
    />
  );
}
