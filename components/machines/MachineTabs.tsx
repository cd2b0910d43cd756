"use client";
/**
 * The tab list of a page with several machines (node1, node2…): the playground's and a
 * lesson's with `machines: N`. Each machine's pane is rendered by the page and stays
 * mounted when hidden, so its terminal stays attached and its machine is not idle.
 * `children`: what the page adds beside the tabs (the playground's "Add machine").
 */
import type { ReactNode } from "react";

export function MachineTabs({
  machines,
  shown,
  onSelect,
  children,
}: {
  machines: readonly string[];
  shown: string;
  onSelect: (machine: string) => void;
  children?: ReactNode;
}) {
  return (
    <div className="machine-tabs">
      <div className="machine-tab-list" role="tablist" aria-label="Machines">
        {machines.map((machine) => (
          <button
            key={machine}
            type="button"
            role="tab"
            aria-selected={machine === shown}
            className={machine === shown ? "machine-tab machine-tab-active" : "machine-tab"}
            data-testid={`machine-tab-${machine}`}
            onClick={() => onSelect(machine)}
          >
            {machine}
          </button>
        ))}
      </div>
      {children}
    </div>
  );
}
