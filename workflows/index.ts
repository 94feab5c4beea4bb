/** Every workflow the worker runs. */
export { repairRequest } from './repair/repairRequest';
