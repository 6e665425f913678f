import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Generous: starting a stack (Azurite is a child process) on a loaded machine takes a while.
    hookTimeout: 180_000,
    // expect.poll waits for a condition; its default deadline of 1 s is a wall-clock bound that a
    // loaded machine misses (a page's h1 read alone took longer under load 25 on 2 cores). A deadline,
    // never a measure of speed, as test/support/wait.ts: the condition still has to come true.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    // Two files at a time even on two cores: most of a file's time is waiting on the stack or
    // the browser (one worker measured 582 s with 7 min of CPU; two, 353 s).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The Pulumi program under mocks: no CLI, no cloud.
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      // The emulators' own tests start what they need.
      { extends: true, test: { name: 'local-stack', include: ['test/local/**/*.test.ts'] } },
      // Dependencies taken away under load (`npm run test:faults`); its own stack.
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'] } },
      // The resident website in a real browser (Chromium headless shell), on the stack the
      // integration project also uses (test/support/shared-platform.ts).
      {
        extends: true,
        test: {
          name: 'web',
          include: ['test/web/**/*.test.ts'],
          globalSetup: ['test/support/web-setup.ts'],
          // A real browser and axe scans on a machine shared with other suites.
          testTimeout: 300_000,
        },
      },
      // Integration tests share one embedded stack and Functions host, started once.
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // Tests wait for conditions with their own deadlines (up to 60 s for a job); the test
          // timeout is only the backstop, and on a loaded machine 30 s cut those waits short.
          testTimeout: 120_000,
        },
      },
    ],
  },
});
