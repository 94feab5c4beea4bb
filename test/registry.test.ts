/**
 * The registry of procedures: every contract names a workflow the worker runs,
 * its own receipt prefix, and a name for every stage its actions happen in; a
 * receipt number leads back to its procedure.
 */
import * as workflows from '../workflows';
import type { ProcedureContract } from '../workflows/lib/contract';
import { contractOfCaseId, procedureContracts } from '../workflows/registry';

describe('the registry of procedures', () => {
  it("every procedure's workflow is one the worker runs", () => {
    const exported = Object.keys(workflows);
    expect(procedureContracts.map((c) => c.workflowType).filter((t) => !exported.includes(t))).toEqual([]);
  });

  it('procedures, receipt prefixes and API paths are each unique', () => {
    for (const field of ['procedure', 'prefix', 'basePath'] as const) {
      const values = procedureContracts.map((c) => c[field]);
      expect([field, new Set(values).size]).toEqual([field, values.length]);
    }
  });

  it('every stage an action is taken in has a name staff read', () => {
    const unnamed = (procedureContracts as readonly ProcedureContract[]).flatMap((c) =>
      Object.values(c.actions).flatMap((rule) => rule.stages.filter((stage) => !c.stageNames[stage]).map((stage) => `${c.procedure}.${stage}`)),
    );
    expect(unnamed).toEqual([]);
  });

  it('a receipt number leads to its procedure, and nothing else does', () => {
    for (const c of procedureContracts) expect(contractOfCaseId(`${c.prefix}20261202-7QK2ZD`)?.procedure).toBe(c.procedure);
    expect(contractOfCaseId('XX20261202-7QK2ZD')).toBeUndefined();
    expect(contractOfCaseId('BX20261202-7qk2zd')).toBeUndefined();
  });
});
