import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

/** A handler result that already carries its business code (the Weibo `201` answer). */
export class Envelope<T> {
  constructor(
    readonly code: number,
    readonly data: T,
  ) {}
}

/** Wraps every successful handler result as `{code: 200, data}` (docs/api.md, conventions). */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        map((data: unknown) =>
          data instanceof Envelope ? { code: data.code, data: data.data as unknown } : { code: 200, data: data ?? {} },
        ),
      );
  }
}
