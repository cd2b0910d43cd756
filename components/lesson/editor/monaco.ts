/**
 * Monaco from the local monaco-editor package — never a CDN: @monaco-editor/react would
 * otherwise fetch it from jsDelivr, and sandboxes (and some classrooms) have no internet.
 * The editor core with its usual features (find, folding, suggestions…) and only the
 * languages languageForFile names; its web workers are modules of our own bundle.
 *
 * Browser-only: imported by MonacoPane, which Editor loads with next/dynamic (ssr: false),
 * so lesson pages without an editor never download any of it.
 */
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor/editor/editor.api";
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/dockerfile/register";
import "monaco-editor/languages/definitions/markdown/register";
import "monaco-editor/languages/definitions/python/register";
import "monaco-editor/languages/definitions/shell/register";
import "monaco-editor/languages/definitions/yaml/register";
import "monaco-editor/languages/features/json/register";

// `new Worker(new URL(…, import.meta.url))` is the form Next's bundlers (Turbopack and
// webpack) recognise: each worker becomes a chunk of its own, served by the web app.
// Only JSON has a language worker; every other label gets the editor's base worker.
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === "json") return new Worker(new URL("./json.worker.ts", import.meta.url), { type: "module", name: "monaco-json" });
    return new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module", name: "monaco-editor" });
  },
};

loader.config({ monaco: monaco as unknown as Parameters<typeof loader.config>[0]["monaco"] });

export { monaco };
