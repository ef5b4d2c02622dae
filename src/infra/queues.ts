import { BullModule, getQueueToken } from '@nestjs/bull';
import { Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { AppConfig } from '../config/config.js';
import { closeRedis, createRedis, type RedisClient } from './redis-factory.js';

export const SMS_QUEUE = 'sms';
export const MAIL_QUEUE = 'mail';
const QUEUES = [SMS_QUEUE, MAIL_QUEUE];

/**
 * Each queue's keys share one hash tag (`{bull:sms}:sms:…`): Bull's scripts build job keys from the prefix,
 * so on a Redis Cluster a queue must live in one slot (docs/scale-out.md).
 */
export const queueKeyPrefix = (prefix: string, queue: string) => `{${prefix}:${queue}}`;

type BullClientType = 'client' | 'subscriber' | 'bclient';

/**
 * Bull's connections, all from the one Redis factory (QUEUE_REDIS_*, else the main Redis): one command and
 * one subscriber connection shared by every queue of the process, a blocking one per queue. Bull leaves
 * connections it did not create open, so they are closed here, after the queues.
 */
@Injectable()
export class QueueConnections implements OnApplicationShutdown {
  private readonly shared = new Map<BullClientType, RedisClient>();
  private readonly all: RedisClient[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  create(type: BullClientType): RedisClient {
    const existing = this.shared.get(type);
    if (existing) return existing;
    const role = type === 'client' ? 'queue' : type === 'bclient' ? 'blocking' : 'subscriber';
    const client = createRedis(this.config.queueRedis, role);
    this.all.push(client);
    if (type !== 'bclient') this.shared.set(type, client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    // Shutdown hooks of different modules run in no set order: close the queues first (idempotent in Bull),
    // so active jobs finish on open connections.
    await Promise.all(QUEUES.map((name) => this.queue(name)?.close() ?? Promise.resolve()));
    await Promise.all(this.all.map(closeRedis));
  }

  private queue(name: string): Queue | undefined {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return undefined;
    }
  }
}

@Module({ providers: [QueueConnections], exports: [QueueConnections] })
class QueueConnectionsModule {}

/** Bull's root configuration: connections from the factory; prefixes are set per queue by `registerQueues`. */
export const BullRoot = BullModule.forRootAsync({
  imports: [QueueConnectionsModule],
  inject: [QueueConnections],
  useFactory: (connections: QueueConnections) => ({
    createClient: (type: BullClientType) => connections.create(type),
  }),
});

const registered = new Map<string, DynamicModule>();

/** Registers a queue under its own hash-tagged key prefix; every module importing it shares one Bull instance. */
export function registerQueue(name: string): DynamicModule {
  const module =
    registered.get(name) ??
    BullModule.registerQueueAsync({
      name,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ prefix: queueKeyPrefix(config.queuePrefix, name) }),
    });
  registered.set(name, module);
  return module;
}

const REPLICA_WAIT_MS = 250;
const DEGRADED_SKIP_MS = 5000;
const degradedUntil = new WeakMap<object, number>();

/**
 * Redis replicates asynchronously: a job the Sentinel master acknowledged can vanish when it dies before its
 * replica has it. Called after adding a job that must not be lost, this waits (WAIT) until one replica holds
 * every write of the queue connection so far. When no replica answers in time (the group runs degraded) it
 * goes on and skips the wait for a few seconds rather than slowing every request. See docs/scale-out.md.
 */
export async function confirmReplicated(queue: Queue, config: AppConfig): Promise<void> {
  if (config.queueRedis.mode !== 'sentinel') return;
  const client = queue.client;
  if ((degradedUntil.get(client) ?? 0) > Date.now()) return;
  if ((await client.wait(1, REPLICA_WAIT_MS)) < 1) degradedUntil.set(client, Date.now() + DEGRADED_SKIP_MS);
}
