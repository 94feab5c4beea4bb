/**
 * jest's node environment, telling the scenario harness when a test has
 * failed: the harness keeps the worker's and the SDK core's log lines of each
 * test and prints them only for a test that failed (a passing run prints
 * jest's own lines and nothing else).
 */
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

export default class ScenarioEnvironment extends TestEnvironment {
  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_start') this.global['__scenarioFailed'] = false;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global['__scenarioFailed'] = true;
  }
}
