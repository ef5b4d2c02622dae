import { SecurityEvent } from './audit/security-event.entity.js';
import { RefreshToken } from './auth/refresh-token.entity.js';
import { Identity } from './identities/identity.entity.js';
import { User } from './users/user.entity.js';

/** Every TypeORM entity, for the one data source (the tables themselves come only from migrations). */
export const entities = [User, RefreshToken, Identity, SecurityEvent];
