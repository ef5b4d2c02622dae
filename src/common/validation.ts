import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalid } from './errors/index.js';

/** Unknown body fields are rejected; every failure becomes `10100` with one message per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
