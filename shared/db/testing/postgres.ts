/**
 * The PostgreSQL server the tests (and migration authoring) use: Debian's postgresql,
 * started by .ci/run and scripts/test-prerequisites.sh with this password for `postgres`.
 */
export const TEST_POSTGRES_URL = process.env.DOJO_TEST_POSTGRES_URL ?? "postgresql://postgres:dojo@127.0.0.1:5432/postgres";
