"use client";
/**
 * A date-time field in the browser's own time zone that submits an exact instant (ISO
 * 8601, UTC): `datetime-local` has no zone, and the server's may differ from the user's.
 */
import { useState } from "react";

function localValue(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function LocalDateTime({ name, label, initial }: { name: string; label: string; initial: string }) {
  const [iso, setIso] = useState(initial);
  return (
    <label>
      {label}
      <input
        type="datetime-local"
        defaultValue={localValue(new Date(initial))}
        // The server renders it in its own time zone; the browser corrects it to the user's.
        suppressHydrationWarning
        onChange={(event) => {
          const picked = new Date(event.target.value);
          if (!Number.isNaN(picked.getTime())) setIso(picked.toISOString());
        }}
        required
      />
      <input type="hidden" name={name} value={iso} />
    </label>
  );
}
