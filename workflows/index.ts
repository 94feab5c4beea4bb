/** Every workflow the worker runs. */
export { repairRequest } from './repair/repairRequest';
export { customerComplaint } from './complaint/customerComplaint';
