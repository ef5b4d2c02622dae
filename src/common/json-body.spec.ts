import { parseJsonBody } from './json-body.js';

describe('parseJsonBody', () => {
  it('parses JSON and treats an empty body as no body', () => {
    expect(parseJsonBody('{"phone":"13800138000","n":[1,{"a":null}]}')).toEqual({
      phone: '13800138000',
      n: [1, { a: null }],
    });
    expect(parseJsonBody('  ')).toBeUndefined();
  });

  it.each([
    ['{"a":', 'malformed_json'],
    ['['.repeat(1500) + ']'.repeat(1500), 'too_deeply_nested'],
    ['{"account":"a\\u0000b"}', 'invalid_characters'],
    ['{"email":"\\ud800"}', 'invalid_characters'],
    ['{"__proto__":{"admin":true}}', 'forbidden_key'],
    ['{"a":{"constructor":{}}}', 'forbidden_key'],
  ])('refuses %s with %s', (text, reason) => {
    expect(() => parseJsonBody(text)).toThrow(expect.objectContaining({ status: 400, reason }));
  });

  it('accepts emoji and Chinese text (well-formed surrogate pairs)', () => {
    expect(parseJsonBody('{"nickname":"小明😀"}')).toEqual({ nickname: '小明😀' });
  });
});
