import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The `info.version` of the document: the package's version (a spec keeps them equal). */
export const API_VERSION = '0.1.0';

/** Marks an operation that has no `ApiOp(…)`; the document spec fails on it (docs/api.md "OpenAPI"). */
export const UNNAMED_OPERATION = 'unnamed_';

/** The OpenAPI 3.1 document of every route, as served at /docs-json and committed as docs/openapi.json. */
export function createApiDocument(app: INestApplication, publicUrl: string): OpenAPIObject {
  const options = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('nest-auth-cn')
    .setDescription(
      'Accounts, SMS codes, tokens, Weibo and WeChat sign-in. Every answer is an envelope: `{code, data}` on ' +
        'success, `{code, error: {reason, message, …}}` on failure (docs/api.md, docs/errors.md).',
    )
    .setVersion(API_VERSION)
    .addServer(publicUrl)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, options, {
    operationIdFactory: (controller, method) => `${UNNAMED_OPERATION}${controller}_${method}`,
  });
}
