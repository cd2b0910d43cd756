/**
 * Asks the platform registry (scripts/registry.sh: read-only, on a unix socket) whether it
 * can serve given images, so an instructor sees before a workshop that every image its
 * lessons pull is there — sandboxes have no network to fetch a missing one.
 */
import { request } from "node:http";
import path from "node:path";

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");
const TIMEOUT_MS = 2_000;

export interface ImageAvailability {
  /** False when the registry did not answer at all. */
  reachable: boolean;
  images: Array<{ image: string; ready: boolean }>;
}

/** `busybox` → library/busybox:latest, `python:3` → library/python:3, `me/app:1` as is. */
export function registryPath(image: string): { repository: string; tag: string } {
  const colon = image.lastIndexOf(":");
  const hasTag = colon > image.lastIndexOf("/");
  const name = hasTag ? image.slice(0, colon) : image;
  return { repository: name.includes("/") ? name : `library/${name}`, tag: hasTag ? image.slice(colon + 1) : "latest" };
}

export class PlatformRegistry {
  private readonly socketPath: string;

  constructor(socketDir: string) {
    this.socketPath = path.join(socketDir, "registry.sock");
  }

  async availability(images: string[]): Promise<ImageAvailability> {
    const answers = await Promise.all(images.map((image) => this.status(image)));
    return {
      reachable: answers.length === 0 || answers.some((status) => status !== null),
      images: images.map((image, i) => ({ image, ready: answers[i] === 200 })),
    };
  }

  /** HTTP status of the image's manifest, or null when the registry did not answer. */
  private status(image: string): Promise<number | null> {
    const { repository, tag } = registryPath(image);
    return new Promise((resolve) => {
      const req = request(
        { socketPath: this.socketPath, method: "HEAD", path: `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, headers: { accept: MANIFEST_TYPES }, timeout: TIMEOUT_MS },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? null);
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(null));
      req.end();
    });
  }
}
