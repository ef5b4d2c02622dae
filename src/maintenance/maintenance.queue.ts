export const MAINTENANCE_QUEUE = 'maintenance';
export const PURGE_JOB = 'purge';
