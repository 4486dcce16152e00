export * from './resource-store.js';
