// Monaco's base web worker (diffs, word ranges, links), bundled locally; see monaco.ts.
import "monaco-editor/editor/editor.worker";
