/**
 * Which files of a sandbox the lesson editor may reach, decided from the path alone (pure:
 * no engine, no I/O). What the path turns out to be inside the container (a symlink, a
 * folder, too big) is checked by sandbox-files.ts with the engine.
 *
 * A path is accepted when, after `~` expansion and normalisation, it names something
 * strictly inside one of ALLOWED_ROOTS. Everything refused gets a sentence the learner
 * can act on.
 */
import path from "node:path";
import { UserFacingError } from "../user-facing-error";

/** The learner's home in every template (the shell runs as root, in /root). */
export const HOME = "/root";

/**
 * Where the editor may read and write: the learner's home, where lessons put their work
 * (`~/flask-app`, `~/note.txt`), and /tmp, the usual scratch place. Everything else —
 * /etc, /usr, /var, /run, /proc — is the image and the sandbox's own machinery (the nested
 * Docker engine's daemon.json, its registry mirror, docker-init); a lesson's editor has no
 * business there, and overwriting those from a web form would break the sandbox in ways
 * the learner would not understand. A learner who wants to can still edit them in the
 * terminal: they are root in their own container, so these roots are a rule of the
 * editor, not the isolation boundary. That boundary is the container itself (Docker
 * resolves every archive path inside the container's root filesystem, never the host's)
 * and the socket's binding to one sandbox (socket/learner-connection.ts).
 *
 * Neither may be a tmpfs in a template: Docker's archive API reads and writes the
 * container's filesystem layers and volumes, not tmpfs mounts, so the editor would see
 * other files than the learner's shell.
 */
export const ALLOWED_ROOTS = [HOME, "/tmp"] as const;

/** Longest path accepted, in UTF-8 bytes (Linux allows 4096; a lesson's file names are short). */
export const MAX_PATH_BYTES = 1024;
/** Longest file or folder name (Linux's NAME_MAX). */
export const MAX_NAME_BYTES = 255;

export interface SandboxPath {
  /** Absolute and normalised: "/root/flask-app/app.py". */
  path: string;
  /** The allowed root it lies in: "/root". */
  root: string;
  /** The components below the root, the file's name last: ["flask-app", "app.py"]. */
  below: string[];
}

/** The path as the learner wrote it, shortened for a sentence. */
export function quoted(input: string): string {
  return `“${input.length > 80 ? `${input.slice(0, 77)}…` : input}”`;
}

/** How a resolved path reads to the learner: in the home folder as `~/…`. */
export function displayPath(absolute: string): string {
  return absolute === HOME ? "~" : absolute.startsWith(`${HOME}/`) ? `~${absolute.slice(HOME.length)}` : absolute;
}

const WHERE = `your home folder (~, which is ${HOME}) or /tmp`;

/**
 * Resolves what the browser asked for to a path the editor may use, or throws a
 * UserFacingError saying why not: NUL or control characters, too long, not absolute and
 * not `~/…`, naming a folder, or outside ALLOWED_ROOTS once `..` is resolved.
 */
export function resolveSandboxPath(input: string): SandboxPath {
  if (input.includes("\0")) throw new UserFacingError("bad_request", "A file path cannot contain a NUL character.");
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(input)) {
    throw new UserFacingError("bad_request", "A file path cannot contain control characters such as a line break or a tab.");
  }
  if (Buffer.byteLength(input, "utf8") > MAX_PATH_BYTES) {
    throw new UserFacingError("bad_request", `That file path is too long: the editor accepts paths of up to ${MAX_PATH_BYTES} bytes.`);
  }
  if (input === "") throw new UserFacingError("bad_request", "The file path is empty: name a file, such as ~/app.py.");

  let absolute: string;
  if (input === "~" || input.startsWith("~/")) absolute = HOME + input.slice(1);
  else if (input.startsWith("~")) {
    throw new UserFacingError("bad_request", `${quoted(input)} names another user's home folder; the editor knows only yours: ~/…`);
  } else if (input.startsWith("/")) absolute = input;
  else {
    throw new UserFacingError(
      "bad_request",
      `${quoted(input)} is not an absolute path. Name the file from your home folder (~/app.py) or from the root (/root/app.py, /tmp/notes.txt).`,
    );
  }

  // A trailing slash, "." or ".." names a folder whatever it resolves to.
  if (/\/(\.\.?)?$/.test(absolute)) {
    const resolvedFolder = path.posix.normalize(absolute).replace(/(.)\/$/, "$1");
    if (!isInsideOrAt(resolvedFolder)) throw outside(input, resolvedFolder);
    throw new UserFacingError("bad_request", `${quoted(input)} names a folder, not a file. Name a file in it, such as ${displayPath(resolvedFolder)}/notes.txt.`);
  }

  const normalised = path.posix.normalize(absolute);
  const root = ALLOWED_ROOTS.find((r) => normalised.startsWith(`${r}/`));
  if (!root) {
    if ((ALLOWED_ROOTS as readonly string[]).includes(normalised)) {
      throw new UserFacingError("bad_request", `${quoted(input)} is a folder, not a file. Name a file in it, such as ${displayPath(normalised)}/notes.txt.`);
    }
    throw outside(input, normalised);
  }
  const below = normalised.slice(root.length + 1).split("/");
  if (below.some((name) => Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES)) {
    throw new UserFacingError("bad_request", `A file or folder name in ${quoted(input)} is longer than ${MAX_NAME_BYTES} bytes, which Linux does not allow.`);
  }
  return { path: normalised, root, below };
}

function isInsideOrAt(absolute: string): boolean {
  return ALLOWED_ROOTS.some((root) => absolute === root || absolute.startsWith(`${root}/`));
}

function outside(input: string, resolved: string): UserFacingError {
  const leadsTo = resolved === input ? "" : ` (it leads to ${resolved})`;
  return new UserFacingError("forbidden", `${quoted(input)}${leadsTo} is outside ${WHERE}: the editor opens files only there.`);
}
