import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { invalid } from './errors/index.js';

/** A body must be a JSON object; `null`, arrays and scalars never reach a handler. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && !isObject) throw invalid({ body: 'must be a JSON object' });
    return super.transform(value, metadata);
  }
}

/** Unknown body fields are rejected; every failure becomes `10100` with one message per field. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalid(collect(errors)),
  });
}

function collect(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length) fields[path] = messages[0].replace(/^property \S+ should not exist$/, 'is not allowed');
    Object.assign(fields, collect(error.children ?? [], path));
  }
  return fields;
}
