import { CreatePlatformTables1795420800000 } from './1795420800000-CreatePlatformTables';
import { CreateAuditEntries1795600000000 } from './1795600000000-CreateAuditEntries';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [CreatePlatformTables1795420800000, CreateAuditEntries1795600000000];
