/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  testTimeout: 120_000,
  // Each file starts its own time-skipping server (time is global to a server);
  // two at a time fits the 2-core machines this runs on.
  maxWorkers: 2,
};
