import * as nodeModule from 'node:module';
import * as nestCommon from '@nestjs/common';
import * as nestCore from '@nestjs/core';
import * as nestPlatformFastify from '@nestjs/platform-fastify';
import * as mortiseSdk from '@mortise/sdk';
import * as reflectMetadata from 'reflect-metadata';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';
import { initialize, KERNEL_MODULES_KEY, resolveSync, type HookData } from './shared-packages.hooks.js';

/** Packages an extension gets from the kernel instead of bundling them. */
export const SHARED_PACKAGES: readonly string[] = ['@nestjs/', 'rxjs', 'reflect-metadata', '@mortise/sdk'];

/**
 * The kernel's own instances of the shared entry points. An extension importing
 * one of these specifiers gets exactly these objects, even when the kernel is
 * bundled into one file and has no such modules on disk. Other paths under a
 * shared package (`@nestjs/common/...`, a Nest package the kernel does not use)
 * resolve from the kernel's `node_modules`.
 */
const KERNEL_MODULES: Readonly<Record<string, object>> = {
  '@nestjs/common': nestCommon,
  '@nestjs/core': nestCore,
  '@nestjs/platform-fastify': nestPlatformFastify,
  '@mortise/sdk': mortiseSdk,
  'reflect-metadata': reflectMetadata,
  rxjs,
  'rxjs/operators': rxjsOperators,
};

let registered = false;

/** `module.registerHooks` (Node 22.15+, 23.5+); @types/node 20 does not know it. */
type RegisterHooks = (hooks: { resolve: typeof resolveSync }) => unknown;

/**
 * Installs the resolve hook once per process. Bare specifiers do not resolve
 * from an unpacked extension directory by themselves (it has no
 * `node_modules`); the hook hands out the kernel's modules instead.
 *
 * Where Node has `module.registerHooks()` the hook runs synchronously in this
 * thread. Otherwise `module.register()` runs it on a loader thread of its
 * own: a second V8 isolate (several MiB) that every import of the process
 * then waits on. That hook module must sit beside this one (the kernel
 * bundle copies it beside itself).
 */
export function registerSharedPackages(): void {
  if (registered) return;
  registered = true;
  (globalThis as Record<symbol, unknown>)[Symbol.for(KERNEL_MODULES_KEY)] = KERNEL_MODULES;
  const kernelModules = Object.fromEntries(
    Object.entries(KERNEL_MODULES).map(([specifier, namespace]) => [specifier, Object.keys(namespace)]),
  );
  const data: HookData = { anchorURL: import.meta.url, packages: [...SHARED_PACKAGES], kernelModules };
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks) {
    initialize(data);
    registerHooks({ resolve: resolveSync });
  } else {
    nodeModule.register('./shared-packages.hooks.js', import.meta.url, { data });
  }
}
