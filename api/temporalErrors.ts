/**
 * Temporal client errors as API errors.
 *
 * A finished case: an update to a closed workflow comes back as a
 * `WorkflowNotFoundError` — "workflow execution already completed" from the
 * Temporal server (1.29), "update <id> not found" from the Java time-skipping
 * test server. So on a not-found from an update the handle is described once:
 * a closed execution means 409 工单已结束, no execution at all means 404.
 * (Queries still answer on a closed workflow, so reads keep working.)
 */
import {
  ApplicationFailure,
  isGrpcServiceError,
  ServiceError,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { rejection } from '../workflows/lib/actions';
import { ApiError, badRequest, conflict, forbidden, notFound } from './errors';

export const caseNotFound = (caseId: string) => notFound(`工单 ${caseId} 不存在`, 'CaseNotFound');
export const caseEnded = () => conflict('工单已结束', 'CaseEnded');

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

/** An `ApiError` for what Temporal said, or `err` itself when it is not a known case (→ 500). */
export async function fromTemporalError(err: unknown, caseId: string, handle?: WorkflowHandle): Promise<unknown> {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return fromRejection(err.cause) ?? err;
  }
  if (err instanceof WorkflowNotFoundError) {
    if (/already completed/i.test(err.message)) return caseEnded();
    return handle ? whyNotFound(handle, caseId) : caseNotFound(caseId);
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict(`受理编号 ${caseId} 已存在`, 'DuplicateCase');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(504, 'Timeout', '操作超时，结果未知，请刷新工单查看是否已生效');
  }
  const code = grpcCode(err);
  if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return new ApiError(503, 'TemporalUnavailable', '工作流服务暂时不可用，请稍后重试');
  // The workflow cannot take the request now (e.g. its task keeps failing until a fix is deployed): nothing was applied.
  if (code === GRPC_FAILED_PRECONDITION) return new ApiError(503, 'CaseUnavailable', `工单 ${caseId} 暂时无法处理此操作（未生效）：其流程任务可能持续失败，请稍后重试；如仍不行请联系主管`);
  return err;
}

/** The workflow's update validator said no (see `checkAction` in workflows/lib/actions.ts). */
function fromRejection(f: ApplicationFailure): ApiError | undefined {
  switch (f.type) {
    case rejection.invalidStage:
      return conflict(f.message, 'InvalidStage');
    case rejection.nothingToReassign:
      return conflict(f.message, 'NothingToReassign');
    case rejection.forbidden:
      return forbidden(f.message);
    case rejection.invalidInput: {
      const first = f.details?.[0];
      return badRequest(Array.isArray(first) ? first : undefined, f.message);
    }
    default:
      return undefined;
  }
}

async function whyNotFound(handle: WorkflowHandle, caseId: string): Promise<ApiError> {
  try {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return caseEnded();
    // Running, yet the update was lost (e.g. the run continued as new meanwhile): safe to retry.
    return conflict('工单状态已变化，请刷新后重试', 'Retry');
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return caseNotFound(caseId);
    throw e;
  }
}

function grpcCode(err: unknown): number | undefined {
  const grpc = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(grpc) ? grpc.code : undefined;
}
