/**
 * The terminal's colours in the light and dark schemes, following the system's
 * preference (prefers-color-scheme) as the rest of the site does (app/globals.css).
 * xterm's `minimumContrastRatio` (MIN_CONTRAST) lifts any ANSI colour a program prints
 * that would be too faint on the background, so `ls --color` stays readable in both.
 */
import type { ITheme } from "@xterm/xterm";

export type Scheme = "light" | "dark";

/** WCAG AA for normal text. Lower lets programs print colours nobody can read; higher bleaches every colour towards black or white. */
export const MIN_CONTRAST = 4.5;

export const TERMINAL_THEMES: Record<Scheme, ITheme> = {
  light: {
    background: "#ffffff",
    foreground: "#1f2328",
    cursor: "#0a58ca",
    cursorAccent: "#ffffff",
    selectionBackground: "#b6d3ff",
    black: "#24292f",
    red: "#cf222e",
    green: "#116329",
    yellow: "#4d2d00",
    blue: "#0969da",
    magenta: "#8250df",
    cyan: "#1b7c83",
    white: "#6e7781",
    brightBlack: "#57606a",
    brightRed: "#a40e26",
    brightGreen: "#1a7f37",
    brightYellow: "#633c01",
    brightBlue: "#218bff",
    brightMagenta: "#a475f9",
    brightCyan: "#3192aa",
    brightWhite: "#8c959f",
  },
  dark: {
    background: "#0f1419",
    foreground: "#e6e1cf",
    cursor: "#f29718",
    cursorAccent: "#0f1419",
    selectionBackground: "#33415e",
  },
};

const QUERY = "(prefers-color-scheme: dark)";

export function preferredScheme(): Scheme {
  return window.matchMedia(QUERY).matches ? "dark" : "light";
}

/** Calls `apply` with the scheme now and whenever the system's preference changes; returns the way to stop. */
export function followScheme(apply: (scheme: Scheme) => void): () => void {
  const query = window.matchMedia(QUERY);
  const onChange = () => apply(query.matches ? "dark" : "light");
  onChange();
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}
