import { normalizePhone } from './phone.js';
import { PHONE_INPUT } from './user.validators.js';

describe('the phone pattern of the OpenAPI document', () => {
  it('accepts exactly what normalizePhone accepts', () => {
    const samples = [
      '13800138000',
      '+8613800138000',
      '8613800138000',
      '86 138 0013 8000',
      '+86-138-0013-8000',
      ' 138 0013 8000 ',
      '+ 86 13800138000',
      '12800138000',
      '+13800138000',
      '1380013800',
      '138001380000',
      '+85213800138000',
      '86138001380000',
      'abc',
      '',
    ];
    for (const sample of samples) {
      expect([sample, PHONE_INPUT.test(sample)]).toEqual([sample, normalizePhone(sample) !== null]);
    }
  });
});
