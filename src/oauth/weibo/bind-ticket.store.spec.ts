import { Redis } from 'ioredis';
import { loadConfig } from '../../config/config.js';
import { BindTicketStore, ticketKey } from './bind-ticket.store.js';

// Against the real Redis (database 13): GETDEL's atomicity is what is under test.
const redis = new Redis('redis://127.0.0.1:6379/13');
const config = loadConfig({ WEIBO_BIND_TICKET_TTL: '600' });
const tickets = new BindTicketStore(redis, config);

afterAll(() => redis.quit());

describe('BindTicketStore', () => {
  it('issues 256 random bits and stores only their SHA-256, for 10 minutes', async () => {
    const { ticket, expiresIn } = await tickets.issue('1000000001');
    expect(ticket).toMatch(/^[\w-]{43}$/);
    expect(expiresIn).toBe(600);
    expect(await redis.exists(`weibo:ticket:${ticket}`)).toBe(0);
    expect(await redis.get(ticketKey(ticket))).toBe('1000000001');
    expect(await redis.ttl(ticketKey(ticket))).toBeGreaterThan(590);
  });

  it('peeks without consuming; of many concurrent consumes exactly one gets the uid', async () => {
    const { ticket } = await tickets.issue('1000000002');
    expect(await tickets.peek(ticket)).toBe('1000000002');
    const results = await Promise.all(Array.from({ length: 10 }, () => tickets.consume(ticket)));
    expect(results.filter(Boolean)).toEqual(['1000000002']);
    expect(await tickets.peek(ticket)).toBeNull();
  });

  it('refuses malformed tickets without asking Redis', async () => {
    expect(await tickets.consume('weibo:ticket:*')).toBeNull();
  });
});
