import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { CATALOGUE, type ErrorReason } from '../errors/index.js';

/** Reasons any JSON body can be refused with, before a handler runs (docs/errors.md). */
export const BODY_ERRORS = [
  'invalid_parameters',
  'bad_request',
  'malformed_json',
  'forbidden_key',
  'invalid_characters',
  'too_deeply_nested',
  'unsupported_media_type',
  'payload_too_large',
] as const satisfies readonly ErrorReason[];

/** Reasons of the access-token guard. */
export const SIGNED_IN_ERRORS = [
  'missing_token',
  'invalid_token',
  'session_revoked',
  'account_gone',
] as const satisfies readonly ErrorReason[];

/** Password hashing runs in a bounded queue (docs/abuse.md). */
export const HASHING_ERRORS = ['server_busy', 'client_closed_request'] as const satisfies readonly ErrorReason[];

/** The success envelope around `data` (docs/api.md "Envelope"). */
export function envelope(data: SchemaObject | { $ref: string }, code = 200): SchemaObject {
  return {
    type: 'object',
    required: ['code', 'data'],
    properties: { code: { type: 'integer', enum: [code] }, data },
  };
}

/** `data` of handlers that answer `{}`. */
export const EMPTY: SchemaObject = { type: 'object', additionalProperties: false };

const ref = (type: Type<unknown>) => ({ $ref: getSchemaPath(type) });

/** The operation: a short stable `operationId` clients are generated with, and its summary. */
export const ApiOp = (operationId: string, summary: string) => ApiOperation({ operationId, summary });

/** The 2xx answer: `{code: 200, data: Type}` (or `{}` for `null`), with HTTP `status`. */
export function ApiOk(type: Type<unknown> | null, status = 200, description = 'success') {
  const data = type ? ref(type) : EMPTY;
  return applyDecorators(
    ...(type ? [ApiExtraModels(type)] : []),
    ApiResponse({ status, description, schema: envelope(data) }),
  );
}

/** An answer with one of several envelopes (the Weibo callback: `code` 200 with tokens or 201 with an offer). */
export function ApiOkOneOf(variants: Array<{ code: number; type: Type<unknown> }>, description: string) {
  return applyDecorators(
    ApiExtraModels(...variants.map((v) => v.type)),
    ApiResponse({ status: 200, description, schema: { oneOf: variants.map((v) => envelope(ref(v.type), v.code)) } }),
  );
}

/** The error envelope for a set of reasons sharing one HTTP status. */
export function errorSchema(reasons: readonly ErrorReason[]): SchemaObject {
  const codes = [...new Set(reasons.map((r) => CATALOGUE[r].code))].sort((a, b) => a - b);
  const error: SchemaObject = {
    type: 'object',
    required: ['reason', 'message'],
    properties: {
      reason: { type: 'string', enum: [...reasons] },
      message: { type: 'string', description: 'in the language of Accept-Language (zh-CN default, en)' },
      ...(reasons.includes('invalid_parameters') && {
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'field → what is wrong' },
      }),
      ...(reasons.includes('captcha_required') && { challenge: CHALLENGE }),
      ...(reasons.includes('internal_error') && { reference: { type: 'string', description: 'quote it to support' } }),
    },
  };
  return { type: 'object', required: ['code', 'error'], properties: { code: { type: 'integer', enum: codes }, error } };
}

/** An ALTCHA v2 challenge (docs/captcha.md). */
const CHALLENGE: SchemaObject = {
  type: 'object',
  description: 'solve it and repeat the request with `captcha` (docs/captcha.md)',
  required: ['parameters', 'signature'],
  properties: {
    parameters: { type: 'object', additionalProperties: true },
    signature: { type: 'string' },
  },
};

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };

/**
 * Every error answer of an operation: one response per HTTP status, its `reason` an enum of exactly the given
 * reasons (each from the catalogue). `internal_error` is added to every operation.
 */
export function ApiErrors(...groups: Array<ErrorReason | readonly ErrorReason[]>) {
  const reasons = [...new Set([...groups.flat(), 'internal_error' as const])];
  const byStatus = new Map<number, ErrorReason[]>();
  for (const reason of reasons) {
    const status = CATALOGUE[reason].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), reason]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: list.join(', '),
        schema: errorSchema(list),
        ...((status === 429 || status === 503) && { headers: RETRY_AFTER }),
      }),
    ),
  );
}
