/**
 * Keeps the host off a private sandbox network's bridge. Docker's `internal` networks
 * only stop forwarding: the host itself still sits on the bridge, so a sandbox could
 * reach every host service that listens on all addresses (the web app, this service).
 * Measured here (Docker 20.10): with the bridge's IPv4 address inhibited
 * (`com.docker.network.bridge.inhibit_ipv4`, set at creation) TCP to the host fails, but a
 * sandbox holding NET_ADMIN (every `docker` sandbox does) can switch IPv6 on in its own
 * network namespace and reach those services at the bridge's IPv6 link-local address.
 * So the host's side of the bridge gets IPv6 switched off, and does not answer ARP for the
 * host's other addresses either (replies could not come back without a route, but an
 * answer tells a learner the host is there).
 *
 * Host-side sysctls: the service must run on the engine's host, as root (it already does
 * for cgroup delegation). Where it cannot, the network is refused rather than left open.
 */
import { access, writeFile } from "node:fs/promises";
import path from "node:path";

/** Linux interface names are at most 15 characters (IFNAMSIZ - 1). */
export const MAX_BRIDGE_NAME = 15;

/** `arp_ignore` 8: do not reply to ARP requests for any local address on this interface. */
const ARP_NEVER = "8";

/** Switches IPv6 off and ARP replies off on the host's side of `bridge`. Rejects when it could not. */
export async function lockDownBridge(bridge: string, procSys = "/proc/sys"): Promise<void> {
  if (!/^[a-z0-9]{1,15}$/.test(bridge)) throw new Error(`not a bridge name we make: ${bridge}`);
  if (await exists(path.join(procSys, "net/ipv6"))) {
    await writeFile(path.join(procSys, "net/ipv6/conf", bridge, "disable_ipv6"), "1");
  }
  await writeFile(path.join(procSys, "net/ipv4/conf", bridge, "arp_ignore"), ARP_NEVER);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
