/** Password hashing: argon2id (OWASP's first choice) through @node-rs/argon2, with its defaults (19 MiB, 2 passes). */
import { hash, verify } from "@node-rs/argon2";

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against this when the email is unknown makes a wrong email cost as much time
// as a wrong password, so response times do not reveal which emails have accounts.
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  decoy ??= hash("decoy password that matches no account");
  const ok = await verify(passwordHash ?? (await decoy), password).catch(() => false);
  return passwordHash !== null && ok;
}
