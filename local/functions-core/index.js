'use strict';
// In Azure the Node.js worker provides `@azure/functions-core`; `@azure/functions`
// requires it to register functions. Locally this module takes its place and
// records what the app registers so that Doorstep's local host can serve it.
// The registry lives on globalThis so that CommonJS and ESM loads share one.

const key = Symbol.for('doorstep.local.functions-core');
const registry =
  globalThis[key] || (globalThis[key] = { model: undefined, functions: [], hooks: [], logSink: undefined });

function disposable(list, item) {
  return {
    dispose() {
      const at = list.indexOf(item);
      if (at >= 0) list.splice(at, 1);
    },
  };
}

// Plain `exports.x =` assignments let Node's ESM loader see the named exports.
exports.version = '0.0.0-doorstep-local';
exports.hostVersion = 'doorstep-local';
exports.setProgrammingModel = function setProgrammingModel(model) {
  registry.model = model;
};
exports.getProgrammingModel = function getProgrammingModel() {
  return registry.model;
};
exports.registerFunction = function registerFunction(metadata, callback) {
  if (registry.functions.some((f) => f.metadata.name === metadata.name)) {
    throw new Error(`A function named "${metadata.name}" is already registered.`);
  }
  const entry = { metadata, callback };
  registry.functions.push(entry);
  return disposable(registry.functions, entry);
};
exports.registerHook = function registerHook(hookName, callback) {
  const entry = { hookName, callback };
  registry.hooks.push(entry);
  return disposable(registry.hooks, entry);
};
exports.log = function log(level, category, message) {
  if (registry.logSink) registry.logSink(level, category, message);
  else process.stderr.write(`[${category}] ${level}: ${message}\n`);
};
exports.registry = registry;
