// Jest's own order, except that the contract spec runs last: it validates every answer the other e2e specs
// recorded (test/support/client.ts), so it must come after them (docs/api.md "OpenAPI").
import TestSequencer from '@jest/test-sequencer';

export default class ContractLast extends TestSequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const isContract = (test) => test.path.endsWith('contract.e2e-spec.ts');
    return [...sorted.filter((t) => !isContract(t)), ...sorted.filter(isContract)];
  }
}
