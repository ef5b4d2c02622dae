// The signal lives with the request metadata (common), where every route's `RequestMeta` gets it.
export { clientGoneSignal } from '../common/request-context.js';
