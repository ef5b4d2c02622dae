import { jest } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { IdentitiesService } from './identities.service.js';

const pgError = (code: string) =>
  new QueryFailedError('UPDATE identities', [], Object.assign(new Error(code), { code }));

/** A fake database; `identity` is the user's Weibo row as `unlink` and `credentialOf` read it. */
function setup() {
  const steps: string[] = [];
  const state = { identity: { id: 'i1', credentialEnc: 'sealed' } as { id: string; credentialEnc: string } | null };
  const qb = { addSelect: () => qb, where: () => qb, getOne: async () => state.identity };
  const repo = { delete: jest.fn(async (where: object) => void steps.push(`delete ${JSON.stringify(where)}`)) };
  const manager = {
    query: jest.fn(async (_sql: string, _params: unknown[]): Promise<unknown> => [[{ id: 'i1' }], 1]),
    createQueryBuilder: () => qb,
  };
  const db = { manager, getRepository: () => repo };
  const box = { open: jest.fn((sealed: string) => `open(${sealed})`) };
  const users = { invalidateProfile: jest.fn(async (id: string) => void steps.push(`invalidate ${id}`)) };
  const service = new IdentitiesService(db as never, box as never, users as never);
  return { service, manager, box, users, repo, state, steps };
}

describe('IdentitiesService.bind', () => {
  it('claims an unowned row (or one the user owns already) and drops the cached profile', async () => {
    const { service, manager, steps } = setup();
    await service.bind('weibo', '42', 'u1');
    expect(manager.query.mock.calls[0][0]).toMatch(/user_id IS NULL OR user_id = \$3/);
    expect(manager.query.mock.calls[0][1]).toEqual(['weibo', '42', 'u1']);
    expect(steps).toEqual(['invalidate u1']);
  });

  it('runs in the transaction it is given', async () => {
    const { service, manager } = setup();
    const tx = { query: jest.fn(async () => [[{ id: 'i1' }], 1]) };
    await service.bind('weibo', '42', 'u1', tx as never);
    expect(tx.query).toHaveBeenCalled();
    expect(manager.query).not.toHaveBeenCalled();
  });

  it('answers 409 10124 for a uid bound to another account, keeping the cache', async () => {
    const { service, manager, users } = setup();
    manager.query.mockResolvedValueOnce([[], 0]);
    await expect(service.bind('weibo', '42', 'u1')).rejects.toMatchObject({
      status: 409,
      reason: 'identity_bound_to_another_account',
    });
    expect(users.invalidateProfile).not.toHaveBeenCalled();
  });

  it.each([
    ['23505', 'account_already_has_identity'],
    ['23503', 'account_gone'],
  ])('maps PostgreSQL %s to %s', async (code, reason) => {
    const { service, manager } = setup();
    manager.query.mockRejectedValueOnce(pgError(code));
    await expect(service.bind('weibo', '42', 'u1')).rejects.toMatchObject({ reason });
  });

  it('passes any other database failure through', async () => {
    const { service, manager } = setup();
    const failure = pgError('57P01');
    manager.query.mockRejectedValueOnce(failure);
    await expect(service.bind('weibo', '42', 'u1')).rejects.toBe(failure);
  });
});

describe('IdentitiesService.unlink', () => {
  it('deletes the row, drops the cached profile and returns the credential in clear', async () => {
    const { service, steps } = setup();
    await expect(service.unlink('u1', 'weibo')).resolves.toEqual({ credential: 'open(sealed)' });
    expect(steps).toEqual(['delete {"id":"i1"}', 'invalidate u1']);
  });

  it('still unlinks when the credential cannot be unsealed (its key is gone)', async () => {
    const { service, box, repo } = setup();
    box.open.mockImplementationOnce(() => {
      throw new Error('unknown key version');
    });
    await expect(service.unlink('u1', 'weibo')).resolves.toEqual({ credential: null });
    expect(repo.delete).toHaveBeenCalled();
  });

  it('answers 404 without an identity at the provider', async () => {
    const { service, state, users } = setup();
    state.identity = null;
    await expect(service.unlink('u1', 'weibo')).rejects.toMatchObject({ status: 404, reason: 'identity_not_found' });
    expect(users.invalidateProfile).not.toHaveBeenCalled();
  });
});

describe('IdentitiesService.credentialOf', () => {
  it('answers the credential in clear, or null without one or when it cannot be unsealed', async () => {
    const { service, manager, box, state } = setup();
    await expect(service.credentialOf('u1', 'weibo', manager as never)).resolves.toBe('open(sealed)');
    box.open.mockImplementationOnce(() => {
      throw new Error('unknown key version');
    });
    await expect(service.credentialOf('u1', 'weibo', manager as never)).resolves.toBeNull();
    state.identity = null;
    await expect(service.credentialOf('u1', 'weibo', manager as never)).resolves.toBeNull();
  });
});
