/** For the TypeORM CLI (`npm run migration:generate`); needs DATABASE_URL. */
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';

export default new DataSource(dataSourceOptions(loadConfig()));
