// Writes docs/openapi.json (the OpenAPI 3.1 document of the compiled API), docs/errors.json and the error table
// of docs/errors.md (both from the error catalogue). Run after `tsc` (the `openapi` script does both).
// The app is created in Nest's preview mode: modules and routes are read, no provider is instantiated, so no
// database, Redis or queue is needed (docs/api.md "OpenAPI").
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { AppModule } from '../dist/src/app.module.js';
import { loadConfig } from '../dist/src/config/config.js';
import { createApiDocument } from '../dist/src/common/openapi/document.js';
import { errorsJson, errorsTable, replaceErrorsTable } from '../dist/src/common/openapi/errors-doc.js';

/** The document as committed: its server is the default public URL, whatever this shell's environment says. */
export async function generateDocument() {
  const config = loadConfig({ NODE_ENV: 'test' });
  const app = await NestFactory.create(AppModule.register(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  const document = createApiDocument(app, config.publicUrl);
  await app.close();
  return document;
}

// Formatted as `npm run format` would, so the generated files pass `format:check`.
const json = async (value) =>
  format(JSON.stringify(value), { ...(await resolveConfig('docs/openapi.json')), parser: 'json' });

await writeFile('docs/openapi.json', await json(await generateDocument()));
await writeFile('docs/errors.json', await json(errorsJson()));
const page = await readFile('docs/errors.md', 'utf8');
await writeFile('docs/errors.md', replaceErrorsTable(page, errorsTable()));
console.log('wrote docs/openapi.json, docs/errors.json, docs/errors.md');
