export { AppError, fail, invalid, limited, type ErrorExtra } from './app-error.js';
export { CATALOGUE, languageOf, type ErrorEntry, type ErrorReason, type Language } from './catalogue.js';
export { ProviderError, providerErrorToAppError, type Provider, type ProviderFailure } from './provider-error.js';
