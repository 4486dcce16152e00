export * from './extension-harness.js';
