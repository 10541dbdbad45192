import { defineConfig } from 'vitest/config';

// Suites: `unit` holds unit and in-process integration tests (store suites run
// on SQLite always and on PostgreSQL when DATABASE_URL is set; multi-node
// suites need REDIS_URL). `e2e` drives Debian's Chromium and is slow, so it is
// its own project.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.{ts,tsx}',
            'apps/*/test/**/*.test.ts',
            'bench/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The fault suite (issue 18): real processes and real faults — kill -9
        // under load, Redis killed and restarted, PostgreSQL resets and
        // partitions through a TCP proxy, a full disk, a slow consumer. Files
        // run one at a time and the whole project stays under ~4 minutes.
        extends: true,
        test: {
          name: 'faults',
          include: ['apps/server/test/faults/**/*.fault.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // A browser answers in its own time: a poll waits up to 15 s (Vitest's default, 1 s,
          // was shorter than a console reload on a loaded machine), still ending at its condition.
          expect: { poll: { timeout: 15_000, interval: 50 } },
        },
      },
    ],
  },
});
