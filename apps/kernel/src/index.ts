export * from './create-kernel.js';
export * from './config/kernel-config.schema.js';
export * from './config/load-config.js';
export { KernelModule } from './kernel.module.js';
export type { KernelServices } from './kernel-services.js';
export { KERNEL_VERSION } from './kernel-version.js';
export * from './testing/kernel-fixture.js';
export * from './testing/kernel-process.js';
export * from './config/config-reference.js';
