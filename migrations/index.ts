import { CreatePlatformTables1795420800000 } from './1795420800000-CreatePlatformTables';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [CreatePlatformTables1795420800000];
