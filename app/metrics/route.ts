/** GET /metrics: the web app's figures in Prometheus' text format (lib/metrics.ts). */
import { webMetrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

export async function GET() {
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}
