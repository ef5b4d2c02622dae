import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { renderError } from './error-envelope.js';

/** The one place that writes error responses for routes; Fastify-level errors use the same renderer. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = renderError(exception);
    void reply.status(status).headers(headers).send(body);
  }
}
