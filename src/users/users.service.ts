import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { fail } from '../common/errors/index.js';
import { PG, pgFailure } from '../database/pg-error.js';
import { normalizePhone } from './phone.js';
import { ProfileCache } from './profile-cache.js';
import { User } from './user.entity.js';

export interface NewUser {
  username: string;
  phone: string | null;
  email: string | null;
  passwordHash: string | null;
  nickname?: string | null;
  avatar?: string | null;
}

/** The fields account flows may change; the password goes through `setPassword`. */
export type UserChanges = Partial<
  Pick<User, 'phone' | 'email' | 'emailVerified' | 'nickname' | 'avatar' | 'gender' | 'birthday' | 'signature'>
>;

const UNIQUE_INDEX_FIELD: Record<string, 'username' | 'phone' | 'email'> = {
  users_username_key: 'username',
  users_phone_key: 'phone',
  users_verified_email_key: 'email',
};

/**
 * The only writer of `users`. Every write maps a lost uniqueness race to a 409 and drops the cached profile;
 * `manager` lets a caller put the write into its own transaction.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly profiles: ProfileCache,
  ) {}

  /** A transaction for writes to `users` together with rows that belong to the user (identities, tokens). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts a user; the unique indexes decide races, and a lost race is a 409, never a 500. */
  async create(data: NewUser, manager: EntityManager = this.db.manager): Promise<User> {
    try {
      return await manager.save(manager.create(User, { ...data, emailVerified: false }));
    } catch (err) {
      throw uniqueViolationAsTaken(err);
    }
  }

  async update(userId: string, changes: UserChanges, manager: EntityManager = this.db.manager): Promise<void> {
    let affected: number | undefined;
    try {
      ({ affected } = await manager.getRepository(User).update({ id: userId }, changes));
    } catch (err) {
      throw uniqueViolationAsTaken(err);
    }
    if (!affected) throw fail('account_gone');
    await this.profiles.invalidate(userId);
  }

  async setPassword(userId: string, passwordHash: string, manager: EntityManager = this.db.manager): Promise<void> {
    const { affected } = await manager.getRepository(User).update({ id: userId }, { passwordHash });
    if (!affected) throw fail('account_gone');
    await this.profiles.invalidate(userId);
  }

  /**
   * Marks `email` verified if it is still the user's address; returns the username, or null when it is not.
   * In the same transaction every other account's unverified claim on the address is dropped: an unverified
   * address reserves nothing (docs/security.md "No account enumeration").
   */
  async markEmailVerified(userId: string, email: string): Promise<string | null> {
    const outcome = await this.db
      .transaction(async (m) => {
        // Postgres answers an UPDATE … RETURNING through query() as [rows, affectedCount].
        const [rows] = await m.query<[Array<{ username: string }>, number]>(
          `UPDATE users SET email_verified = true, updated_at = now() WHERE id = $1 AND lower(email) = lower($2)
           RETURNING username`,
          [userId, email],
        );
        if (!rows.length) return null;
        const [others] = await m.query<[Array<{ id: string }>, number]>(
          `UPDATE users SET email = NULL, updated_at = now()
           WHERE lower(email) = lower($1) AND NOT email_verified AND id <> $2 RETURNING id`,
          [email, userId],
        );
        return { username: rows[0].username, cleared: others.map((o) => o.id) };
      })
      .catch((err: unknown) => {
        throw uniqueViolationAsTaken(err);
      });
    if (!outcome) return null;
    await Promise.all([userId, ...outcome.cleared].map((id) => this.profiles.invalidate(id)));
    return outcome.username;
  }

  /**
   * Locks the row for the rest of `manager`'s transaction (so nothing can be bound to it meanwhile); false
   * when it was gone already.
   */
  async lock(userId: string, manager: EntityManager): Promise<boolean> {
    return Boolean(await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } }));
  }

  /** Identities and refresh tokens go with the row (ON DELETE CASCADE). */
  async delete(userId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.delete(User, { id: userId });
    await this.profiles.invalidate(userId);
  }

  /**
   * 409 early for an identifier already taken, before an SMS code is spent on a doomed registration. An email
   * is taken only when another account verified it.
   */
  async assertAvailable(fields: { username?: string; phone?: string; email?: string | null }): Promise<void> {
    const row = await this.db
      .createQueryBuilder(User, 'u')
      .select(['u.username', 'u.phone', 'u.email'])
      .where('lower(u.username) = lower(:username)', { username: fields.username ?? '' })
      .orWhere('u.phone = :phone', { phone: fields.phone ?? '' })
      .orWhere('(lower(u.email) = lower(:email) AND u.emailVerified)', { email: fields.email ?? '' })
      .getOne();
    if (!row) return;
    if (fields.username && row.username.toLowerCase() === fields.username.toLowerCase()) throw fail('username_taken');
    if (fields.phone && row.phone === fields.phone) throw fail('phone_taken');
    throw fail('email_taken');
  }

  findById(id: string): Promise<User | null> {
    return this.db.getRepository(User).findOneBy({ id });
  }

  /** The user with its password hash, or 401 `account_gone`. */
  async require(id: string, manager: EntityManager = this.db.manager): Promise<User> {
    const user = await manager
      .createQueryBuilder(User, 'u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    if (!user) throw fail('account_gone');
    return user;
  }

  findByPhone(phone: string): Promise<User | null> {
    return this.db.getRepository(User).findOneBy({ phone });
  }

  /** `account` is a username, a phone number or a verified email address; includes the password hash. */
  findByAccount(account: string): Promise<User | null> {
    const qb = this.db.createQueryBuilder(User, 'u').addSelect('u.passwordHash');
    const phone = normalizePhone(account);
    if (phone) return qb.where('u.phone = :phone', { phone }).getOne();
    if (account.includes('@'))
      return qb.where('lower(u.email) = lower(:email) AND u.emailVerified', { email: account }).getOne();
    return qb.where('lower(u.username) = lower(:username)', { username: account }).getOne();
  }

  /** For writers of other tables whose changes show in the profile (identities). */
  invalidateProfile(userId: string): Promise<void> {
    return this.profiles.invalidate(userId);
  }
}

function uniqueViolationAsTaken(err: unknown): unknown {
  const failure = pgFailure(err);
  const field = failure?.code === PG.uniqueViolation ? UNIQUE_INDEX_FIELD[failure.constraint ?? ''] : undefined;
  return field ? fail(`${field}_taken` as const) : err;
}
