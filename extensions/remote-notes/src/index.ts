export * from './gateway-objects.js';
export * from './notes-book.js';
export * from './notes-server.js';
export * from './workspace-reader.js';
