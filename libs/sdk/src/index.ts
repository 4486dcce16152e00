export * from './verify-identity.js';
