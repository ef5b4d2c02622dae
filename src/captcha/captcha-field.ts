import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { invalid } from '../common/errors/index.js';
import { CAPTCHA_MAX_CHARS } from './captcha-verifier.js';

/**
 * The optional `captcha` of a route whose body is otherwise empty and may be missing altogether
 * (`POST /v1/users/me/reauth/sms`): a string of at most CAPTCHA_MAX_CHARS, else 400 `fields.captcha`.
 */
export const CaptchaField = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  const value = typeof body === 'object' && body !== null ? (body as { captcha?: unknown }).captcha : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > CAPTCHA_MAX_CHARS)
    throw invalid({ captcha: `must be a string of at most ${CAPTCHA_MAX_CHARS} characters` });
  return value;
});
