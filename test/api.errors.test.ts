/**
 * Temporal errors as HTTP errors, without a server: the shapes below are the
 * ones observed from the Temporal server (1.29, `temporal server start-dev`)
 * and the Java time-skipping test server.
 */
import {
  ApplicationFailure,
  ServiceError,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApiError, isDatabaseUnavailable } from '../api/errors';
import { fromTemporalError } from '../api/temporalErrors';

const caseId = 'BX20261122-ABC123';
const rejected = (message: string, type: string, ...details: unknown[]) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable(message, type, ...details));

/** A handle whose describe() answers as given. */
const handleWith = (describe: () => Promise<unknown>) => ({ describe }) as unknown as WorkflowHandle;

async function mapped(err: unknown, handle?: WorkflowHandle) {
  const e = await fromTemporalError(err, caseId, handle);
  expect(e).toBeInstanceOf(ApiError);
  const { status, code, message, issues } = e as ApiError;
  return { status, code, message, issues };
}

describe('fromTemporalError', () => {
  it('when the validator rejects the stage, then 409 InvalidStage with its message', async () => {
    expect(await mapped(rejected('当前阶段「dispatching」不能执行「完工报告」', 'InvalidStage'))).toEqual({
      status: 409,
      code: 'InvalidStage',
      message: '当前阶段「dispatching」不能执行「完工报告」',
      issues: undefined,
    });
  });

  it('when the validator says forbidden, then 403', async () => {
    expect(await mapped(rejected('该工单由 tech-zhao 负责', 'Forbidden'))).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('when the validator rejects the input with zod issues, then 400 carrying them', async () => {
    const issues = [{ code: 'invalid_type', path: ['note'], message: 'Invalid input' }];
    expect(await mapped(rejected('「回复业主」的输入无效', 'InvalidInput', issues))).toEqual({
      status: 400,
      code: 'InvalidInput',
      message: '「回复业主」的输入无效',
      issues,
    });
    expect((await mapped(rejected('操作人身份无效', 'InvalidInput'))).issues).toBeUndefined();
  });

  it('when the update failed for another reason, then the error is left for the 500 handler', async () => {
    const err = rejected('boom', 'SomethingElse');
    expect(await fromTemporalError(err, caseId)).toBe(err);
    const plain = new Error('db password is hunter2');
    expect(await fromTemporalError(plain, caseId)).toBe(plain);
  });

  it('when the Temporal server says the execution already completed, then 409 工单已结束 without asking again', async () => {
    const describe = jest.fn();
    const err = new WorkflowNotFoundError('workflow execution already completed', 'repair-' + caseId, undefined);
    expect(await mapped(err, handleWith(describe))).toEqual({ status: 409, code: 'CaseEnded', message: '工单已结束', issues: undefined });
    expect(describe).not.toHaveBeenCalled();
  });

  it('when the test server says the update was not found and the workflow is closed, then 409 工单已结束', async () => {
    const err = new WorkflowNotFoundError('update 1234 not found', 'repair-' + caseId, undefined);
    const handle = handleWith(() => Promise.resolve({ status: { name: 'COMPLETED' } }));
    expect(await mapped(err, handle)).toMatchObject({ status: 409, code: 'CaseEnded' });
  });

  it('when no execution exists, then 404 CaseNotFound', async () => {
    const err = new WorkflowNotFoundError('workflow not found for ID: repair-x', 'repair-' + caseId, undefined);
    const handle = handleWith(() => Promise.reject(err));
    expect(await mapped(err, handle)).toEqual({
      status: 404,
      code: 'CaseNotFound',
      message: `工单 ${caseId} 不存在`,
      issues: undefined,
    });
    expect(await mapped(err)).toMatchObject({ status: 404, code: 'CaseNotFound' });
  });

  it('when the update was lost on a running workflow, then 409 Retry', async () => {
    const err = new WorkflowNotFoundError('update 1234 not found', 'repair-' + caseId, undefined);
    expect(await mapped(err, handleWith(() => Promise.resolve({ status: { name: 'RUNNING' } })))).toMatchObject({ status: 409, code: 'Retry' });
  });

  it('when the receipt number is taken, then 409 DuplicateCase', async () => {
    const err = new WorkflowExecutionAlreadyStartedError('Workflow execution already started', 'repair-' + caseId, 'repairRequest');
    expect(await mapped(err)).toMatchObject({ status: 409, code: 'DuplicateCase' });
  });

  it('when the update call times out, then 504 (the outcome is unknown)', async () => {
    expect(await mapped(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout', { cause: new Error('deadline') }))).toMatchObject({
      status: 504,
      code: 'Timeout',
    });
  });

  it('when Temporal is unreachable, then 503', async () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} });
    expect(await mapped(new ServiceError('Failed to query Workflow', { cause: grpc }))).toMatchObject({ status: 503, code: 'TemporalUnavailable' });
  });
});

describe('a database that is restarting is "try again", not a fault (503, not 500)', () => {
  const adapterError = (cause: object) => Object.assign(new Error('the database system is starting up'), { name: 'DriverAdapterError', cause });
  it.each([
    ['starting up', '57P03'],
    ['shutting down (admin)', '57P01'],
    ['crashed and restarting', '57P02'],
    ['connection refused', '08006'],
    ['too many connections', '53300'],
  ])('PostgreSQL %s (SQLSTATE %s), from the adapter or through the client, is unavailable', (_what, code) => {
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code }))).toBe(true);
    expect(isDatabaseUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code } } } })).toBe(true);
  });
  it('a request PostgreSQL refuses for what it is (a unique or a check violation) stays a fault of its own', () => {
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code: '23514' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('57P03'))).toBe(false);
  });
});
