import "@fontsource/inter/400.css";
import "@fontsource/inter/600.css";
import "./globals.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AnnouncerProvider } from "@/components/a11y/Announcer";
import { SiteHeader } from "@/components/layout/SiteHeader";

export const metadata: Metadata = {
  title: { default: "Container Dojo", template: "%s · Container Dojo" },
  description: "Learn Docker by doing it, in a disposable container of your own.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <SiteHeader />
        <AnnouncerProvider>
          <div id="content" tabIndex={-1}>
            {children}
          </div>
        </AnnouncerProvider>
      </body>
    </html>
  );
}
