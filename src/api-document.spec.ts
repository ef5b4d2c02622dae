import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { API_VERSION, createApiDocument, UNNAMED_OPERATION } from './common/openapi/document.js';
import { errorsJson, errorsTable, replaceErrorsTable } from './common/openapi/errors-doc.js';
import { loadConfig } from './config/config.js';

const committed = (file: string) => readFileSync(new URL(`../docs/${file}`, import.meta.url), 'utf8');

/** The document as `npm run openapi` writes it (scripts/openapi.mjs): preview mode, no provider started. */
async function generate(): Promise<OpenAPIObject> {
  const config = loadConfig({ NODE_ENV: 'test' });
  const app = await NestFactory.create(AppModule.register(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return createApiDocument(app, config.publicUrl);
  } finally {
    await app.close();
  }
}

describe('the OpenAPI document (docs/openapi.json)', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await generate();
  });

  it('is what the code generates (run `npm run openapi` after changing a route)', () => {
    expect(JSON.parse(committed('openapi.json'))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('gives every operation a chosen operationId, a 2xx schema in the envelope and its error answers', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ at: `${method} ${path}`, op: op as Operation })),
    );
    expect(operations.length).toBeGreaterThan(25);
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { at, op } of operations) {
      expect([at, op.operationId]).toEqual([at, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
      expect(op.operationId.startsWith(UNNAMED_OPERATION)).toBe(false);
      const ok = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      expect([at, ok.length]).toEqual([at, 1]);
      const schema = ok[0][1].content?.['application/json']?.schema;
      expect([at, JSON.stringify(schema)]).toEqual([at, expect.stringContaining('"required":["code","data"]')]);
      expect([at, op.responses['500']]).toEqual([at, expect.anything()]);
    }
  });

  it('is OpenAPI 3.1 with servers and the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(document.openapi).toBe('3.1.0');
    expect(API_VERSION).toBe(pkg.version);
    expect(document.info.version).toBe(pkg.version);
    expect(document.servers).toEqual([{ url: 'http://127.0.0.1:3000' }]);
  });
});

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

describe('docs/errors.md and docs/errors.json', () => {
  it('carry the catalogue (run `npm run openapi` after changing it)', () => {
    const page = committed('errors.md');
    expect(replaceErrorsTable(page, errorsTable())).toBe(page);
    expect(JSON.parse(committed('errors.json'))).toEqual(errorsJson());
  });
});
