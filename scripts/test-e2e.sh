#!/usr/bin/env bash
# npm run test:e2e [playwright args]: the browser tests, then the removal of every sandbox
# they created, pass or fail (after Playwright has stopped the platform, so its pool
# cannot start new ones behind the clean-up).
npx playwright test "$@"
status=$?
npx tsx e2e/remove-sandboxes.ts || true
exit $status
