import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { normalizePhone } from './phone.js';
import { User } from './user.entity.js';
import { fail } from '../common/errors/index.js';

export interface NewUser {
  username: string;
  phone: string | null;
  email: string | null;
  passwordHash: string | null;
  nickname?: string | null;
  avatar?: string | null;
}

const UNIQUE_INDEX_FIELD: Record<string, 'username' | 'phone' | 'email'> = {
  users_username_key: 'username',
  users_phone_key: 'phone',
  users_email_key: 'email',
};

@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts a user; the unique indexes decide races, and a lost race is a 409, never a 500. */
  async create(data: NewUser, manager: EntityManager = this.db.manager): Promise<User> {
    try {
      return await manager.save(manager.create(User, { ...data, emailVerified: false }));
    } catch (err) {
      throw mapUniqueViolation(err);
    }
  }

  /** 409 early for an identifier already taken, before an SMS code is spent on a doomed registration. */
  async assertAvailable(fields: { username?: string; phone?: string; email?: string | null }): Promise<void> {
    const row = await this.db
      .createQueryBuilder(User, 'u')
      .select(['u.username', 'u.phone', 'u.email'])
      .where('lower(u.username) = lower(:username)', { username: fields.username ?? '' })
      .orWhere('u.phone = :phone', { phone: fields.phone ?? '' })
      .orWhere('lower(u.email) = lower(:email)', { email: fields.email ?? '' })
      .getOne();
    if (!row) return;
    if (fields.username && row.username.toLowerCase() === fields.username.toLowerCase()) throw fail('username_taken');
    if (fields.phone && row.phone === fields.phone) throw fail('phone_taken');
    throw fail('email_taken');
  }

  findById(id: string): Promise<User | null> {
    return this.db.getRepository(User).findOneBy({ id });
  }

  /** With the password hash, for `has_password`. */
  findByAccountId(id: string): Promise<User | null> {
    return this.db.createQueryBuilder(User, 'u').addSelect('u.passwordHash').where('u.id = :id', { id }).getOne();
  }

  findByPhone(phone: string): Promise<User | null> {
    return this.db.getRepository(User).findOneBy({ phone });
  }

  /** `account` is a username, a phone number or an email address; includes the password hash. */
  findByAccount(account: string): Promise<User | null> {
    const qb = this.db.createQueryBuilder(User, 'u').addSelect('u.passwordHash');
    const phone = normalizePhone(account);
    if (phone) return qb.where('u.phone = :phone', { phone }).getOne();
    if (account.includes('@')) return qb.where('lower(u.email) = lower(:email)', { email: account }).getOne();
    return qb.where('lower(u.username) = lower(:username)', { username: account }).getOne();
  }
}

export function mapUniqueViolation(err: unknown): unknown {
  if (err instanceof QueryFailedError) {
    const driverError = err.driverError as { code?: string; constraint?: string };
    const field = driverError.code === '23505' ? UNIQUE_INDEX_FIELD[driverError.constraint ?? ''] : undefined;
    if (field) return fail(`${field}_taken` as const);
  }
  return err;
}
