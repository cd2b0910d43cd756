"use client";
/**
 * The site's header. On narrow screens (CSS: max-width 640px) its links fold into a menu
 * behind a button, which closes again on navigation and on Escape (focus back on the button).
 */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";

const LINKS = [
  { href: "/play", label: "Playground" },
  { href: "/progress", label: "My progress" },
  { href: "/join", label: "Join a workshop" },
  { href: "/instructor", label: "Teach" },
  { href: "/account", label: "Account" },
];

export function SiteHeader() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();

  // A link was followed: the menu has done its job.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Container Dojo
      </Link>
      <button ref={button} type="button" className="menu-button" aria-expanded={open} aria-controls="site-nav" onClick={() => setOpen(!open)}>
        Menu
      </button>
      <nav id="site-nav" className="site-nav" aria-label="Site" data-open={open}>
        {LINKS.map((link) => (
          <Link key={link.href} href={link.href} aria-current={pathname === link.href ? "page" : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
