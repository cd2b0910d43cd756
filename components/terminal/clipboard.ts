/** Clipboard access that also works where the async Clipboard API is missing (plain-HTTP LAN addresses). */
export async function copyText(text: string): Promise<void> {
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not a secure context, or permission refused: fall back to a hidden textarea.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

export async function readClipboard(): Promise<string> {
  if (!navigator.clipboard?.readText) throw new Error("clipboard unavailable");
  return navigator.clipboard.readText();
}
