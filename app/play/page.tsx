import type { Metadata } from "next";
import Link from "next/link";
import { Playground, type PlaygroundExample } from "@/components/play/Playground";
import { findExample } from "@/shared/examples/loader";

export const metadata: Metadata = { title: "Playground" };

type Props = { searchParams: Promise<{ example?: string | string[] }> };

/** The longest piece of an unknown ?example= the page repeats back (it is the visitor's own text). */
const ECHO_CHARS = 40;

/** No lesson: machines of the learner's own, networked together (components/play/Playground.tsx). */
export default async function PlayPage({ searchParams }: Props) {
  const asked = (await searchParams).example;
  // Looked up by name among the examples (never used as a path): anything else is "no such example".
  const found = typeof asked === "string" ? await findExample(asked) : undefined;
  const example: PlaygroundExample | undefined = found && {
    name: found.name,
    title: found.meta.title,
    files: found.files,
    build: found.meta.build,
    run: found.meta.run,
    ...(found.meta.port ? { port: found.meta.port } : {}),
  };
  const missing =
    asked !== undefined && !found ? `There is no example called “${String(asked).slice(0, ECHO_CHARS)}”. The gallery lists them all.` : undefined;
  return (
    <Playground
      example={example}
      intro={
        <>
          <h1 className="playground-title">Playground</h1>
          {missing && (
            <p className="run-note" role="alert" data-testid="example-missing">
              {missing} <Link href="/examples">Examples</Link>
            </p>
          )}
        </>
      }
    />
  );
}
