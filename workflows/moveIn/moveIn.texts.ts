/** Notification texts of the move-in procedure (Simplified Chinese). */
import type { MoveInInput } from './moveIn.messages';

export function moveInTexts(input: MoveInInput) {
  const c = `入住办理 ${input.caseId}（${input.unit}，${input.ownerName}）`;
  return {
    defect: (repairCaseId: string, description: string) => `【遗留工程】${c} 验房发现问题「${description}」，已开报修单 ${repairCaseId}。`,
    completed: (open: string[]) =>
      `【入住办结】${c} 已办结${open.length ? `，尚有未完成的遗留工程：${open.join('、')}` : ''}。`,
  };
}
