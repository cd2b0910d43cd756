/**
 * Ports and instance names of the platforms the end-to-end tests start. They can be moved
 * with E2E_PORT_OFFSET and E2E_INSTANCE, so two checkouts can run their browser tests on
 * one machine and one Docker engine without touching each other. Use small offsets (10,
 * 20, …): the ports sit 100 and 1000 apart, so offsets of 100 or 1000 collide.
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
const instance = process.env.E2E_INSTANCE ?? "e2e";

export const e2e = {
  webPort: 3100 + offset,
  sandboxPort: 4100 + offset,
  instance,
  /** A second platform, stopped and started again by the restart test. */
  restart: { webPort: 3200 + offset, sandboxPort: 4200 + offset, instance: `${instance}-restart` },
  /** A third, whose sandbox service the crash test kills. */
  crash: { webPort: 3300 + offset, sandboxPort: 4300 + offset, instance: `${instance}-crash` },
};
