// Monaco's JSON language worker (validation, formatting), bundled locally; see monaco.ts.
import "monaco-editor/languages/features/json/json.worker";
