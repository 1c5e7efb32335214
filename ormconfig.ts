import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

/** The data source the app uses, exported for the TypeORM CLI (`typeorm -d ormconfig.ts`). */
export default createDataSource(loadConfig().database);
