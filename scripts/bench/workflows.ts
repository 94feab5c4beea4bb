/** The bench worker's workflows: every procedure's, and the no-op skeleton it measures them against. */
export * from '../../workflows';
export { benchSkeleton } from './skeleton';
