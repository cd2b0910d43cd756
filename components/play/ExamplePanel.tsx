"use client";
/**
 * An example of the gallery (examples/) opened with /play?example=NAME, on node1: its files
 * copied into ~/<name>/ once node1 is connected (through the editor's file saves, so the
 * service's path rules apply), then its Dockerfile opened in node1's editor and its
 * commands offered as Run buttons. Copied once per page: a reconnect does not overwrite
 * what the learner changed.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import { useConnectionEvents, useSandboxConnection } from "../terminal/SandboxConnectionProvider";
import { PortLink } from "../lesson/PortLink";
import { Run } from "../lesson/Run";
import { exampleFilePath } from "./machine-file";

export interface PlaygroundExample {
  name: string;
  title: string;
  files: { path: string; content: string }[];
  build: string;
  run: string;
  port?: number;
}

type CopyState = "waiting" | "copying" | "copied" | "error";

/** `onOpen`: opens a file in node1's editor (the example's Dockerfile, once it is there). */
export function ExamplePanel({ example, onOpen }: { example: PlaygroundExample; onOpen: (path: string) => void }) {
  const connection = useSandboxConnection();
  const [state, setState] = useState<CopyState>("waiting");
  const [note, setNote] = useState("");
  const started = useRef(false);
  const copy = useCallback(async () => {
    if (!connection || started.current) return;
    started.current = true;
    setState("copying");
    try {
      for (const file of example.files) {
        await connection.writeFile(exampleFilePath(example.name, file.path), new TextEncoder().encode(file.content));
      }
      setState("copied");
      setNote("");
      // Every example has one (shared/examples/loader.ts refuses a folder without).
      onOpen(exampleFilePath(example.name, "Dockerfile"));
    } catch (error) {
      started.current = false;
      setState("error");
      setNote(`${(error as Error).message} It is tried again when the machine is back.`);
    }
  }, [connection, example, onOpen]);
  useConnectionEvents(useMemo(() => ({ sandbox: (info) => void (info && copy()) }), [copy]));

  return (
    <div className="example-panel" data-testid="example-panel" data-state={state}>
      <p className="example-status">
        <strong>{example.title}</strong> ·{" "}
        {state === "copied"
          ? `${example.files.length} files in node1:~/${example.name}`
          : state === "error"
            ? note
            : `Copying ${example.files.length} files into node1…`}
      </p>
      {state === "copied" && (
        <div className="example-commands">
          <Run>{`cd ~/${example.name} && ${example.build}`}</Run>
          <Run>{`cd ~/${example.name} && ${example.run}`}</Run>
          {example.port && <PortLink port={example.port}>Open port {example.port}</PortLink>}
        </div>
      )}
    </div>
  );
}
