import { describe, expect, it } from "vitest";
import { translate } from "./docker-engine";
import { EngineError, EngineUnavailableError, ImageMissingError, QuotaExceededError, SandboxGoneError, SandboxNotRunningError } from "./errors";

/** dockerode's rejection: an Error with statusCode and Docker's JSON body. */
const docker = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } });

describe("Docker's answers as the engine's errors", () => {
  it("names what went wrong from the status and Docker's own words", () => {
    expect(translate(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeInstanceOf(EngineUnavailableError);
    expect(translate(Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" }))).toBeInstanceOf(EngineUnavailableError);
    expect(translate(docker(404, "No such container: 3fa2c1d4"))).toBeInstanceOf(SandboxGoneError);
    expect(translate(docker(404, "No such image: dojo/nope:latest"))).toBeInstanceOf(ImageMissingError);
    expect(translate(docker(409, "Container 3fa2 is not running"))).toBeInstanceOf(SandboxNotRunningError);
    expect(translate(docker(409, "Container 3fa2 is paused, unpause the container before exec"))).toBeInstanceOf(SandboxNotRunningError);
    expect(translate(docker(500, "write /var/lib/docker/x: disk quota exceeded"))).toBeInstanceOf(QuotaExceededError);
    expect(translate(docker(500, "Error processing tar file(exit status 1): write /root/x: no space left on device"))).toBeInstanceOf(QuotaExceededError);
  });

  it("reads Docker's own words, not dockerode's label for the endpoint", () => {
    // dockerode labels every 404 of the archive API "no such container", also for a missing path.
    const label = (code: number, words: string) => Object.assign(new Error(`(HTTP code ${code}) no such container - ${words}`), { statusCode: code, json: null });
    expect(translate(label(404, "Could not find the file /nope in container probe"))).not.toBeInstanceOf(SandboxGoneError);
    expect(translate(label(404, ""))).not.toBeInstanceOf(SandboxGoneError);
    expect(translate(label(404, "No such container: probe"))).toBeInstanceOf(SandboxGoneError);
  });

  it("keeps Docker's message for the log, and never mistakes a missing path or a name in use for a gone container", () => {
    const path = translate(docker(404, "Could not find the file /root/x in container 3fa2"));
    expect(path).toBeInstanceOf(EngineError);
    expect(path).not.toBeInstanceOf(SandboxGoneError);
    const name = translate(docker(409, 'Conflict. The container name "/dojo-shell-1" is already in use'));
    expect(name).not.toBeInstanceOf(SandboxNotRunningError);
    expect(name.message).toContain("already in use");
    const other = translate(docker(500, "something else"));
    expect(other.constructor).toBe(EngineError);
    const already = new SandboxGoneError("gone");
    expect(translate(already)).toBe(already);
  });
});
