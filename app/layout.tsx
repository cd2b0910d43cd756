import "@fontsource/inter/400.css";
import "@fontsource/inter/600.css";
import "./globals.css";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

export const metadata: Metadata = {
  title: { default: "Container Dojo", template: "%s · Container Dojo" },
  description: "Learn Docker by doing it, in a disposable container of your own.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Container Dojo
          </Link>
          <nav className="site-nav">
            <Link href="/play">Playground</Link>
            <Link href="/progress">My progress</Link>
            <Link href="/join">Join a workshop</Link>
            <Link href="/instructor">Teach</Link>
            <Link href="/account">Account</Link>
          </nav>
        </header>
        {children}
      </body>
    </html>
  );
}
