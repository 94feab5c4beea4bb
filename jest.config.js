/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment, which tells the harness when a test failed (to print its worker logs).
  testEnvironment: '<rootDir>/test/support/environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  testTimeout: 120_000,
  // Each file starts its own time-skipping server (time is global to a server).
  // One file at a time: two cores run one Java test server, one worker and jest
  // comfortably; the scenario driver (test/support/timeSkippingDriver.ts) keeps
  // actions clear of timers that are about to fire.
  maxWorkers: 1,
};
