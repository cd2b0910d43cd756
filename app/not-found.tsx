import Link from "next/link";

export default function NotFound() {
  return (
    <main className="not-found">
      <h1>Page not found</h1>
      <p>There is no lesson or page at this address.</p>
      <p>
        <Link href="/">See all lessons</Link>
      </p>
    </main>
  );
}
