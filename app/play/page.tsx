import type { Metadata } from "next";
import { Playground } from "@/components/play/Playground";

export const metadata: Metadata = { title: "Playground" };

/** No lesson: machines of the learner's own, networked together (components/play/Playground.tsx). */
export default function PlayPage() {
  return <Playground intro={<h1 className="playground-title">Playground</h1>} />;
}
