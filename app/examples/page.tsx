import type { Metadata } from "next";
import Link from "next/link";
import { loadExamples } from "@/shared/examples/loader";

export const metadata: Metadata = { title: "Examples" };

/** The example gallery: each example's Dockerfile and files, one click from a playground that builds it. */
export default async function ExamplesPage() {
  const examples = await loadExamples();
  return (
    <main className="catalog">
      <h1>Example Dockerfiles</h1>
      <p className="lead">
        Each one builds offline from the platform&apos;s images. &ldquo;Open in playground&rdquo; copies its files into node1 of your playground and
        offers the commands as Run buttons. Link to <code>/play?example=NAME</code> from your own tutorials.
      </p>
      <ul className="lesson-list">
        {examples.map(({ name, meta, files }) => (
          <li key={name} className="lesson-card" data-testid="example-card" data-example={name}>
            <h2 className="example-title">{meta.title}</h2>
            <p>{meta.summary}</p>
            <p className="field-note">Files: {files.map((f) => f.path).join(", ")}</p>
            <pre>
              <code>
                {meta.build}
                {"\n"}
                {meta.run}
              </code>
            </pre>
            <Link className="button-small" href={`/play?example=${name}`}>
              Open in playground
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
