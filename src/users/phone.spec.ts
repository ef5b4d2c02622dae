import { maskPhone, nationalNumber, normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['+8613800138000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['19912345678', '+8619912345678'],
  ])('%s → %s', (input, expected) => expect(normalizePhone(input)).toBe(expected));

  it.each(['12800138000', '1380013800', '+14155550100', '', 'abc', null, 13800138000])('refuses %p', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it('masks and strips for Ronglian', () => {
    expect(maskPhone('+8613800138000')).toBe('+86138****8000');
    expect(nationalNumber('+8613800138000')).toBe('13800138000');
  });
});
