// Jest loads global setup outside its ESM transform: use the compiled harness (npm test builds first).
export { default } from '../../dist/test/support/global-setup.js';
