export { default } from '../../dist/test/support/global-teardown.js';
