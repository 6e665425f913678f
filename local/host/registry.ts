/**
 * The app's registrations as the host sees them, and invoking one through the
 * library's own programming model, as the Node.js worker does.
 */
import { randomUUID } from 'node:crypto';
import * as core from '@azure/functions-core';
import type { FunctionCallback, FunctionMetadata, RpcBindingInfo, RpcTypedData } from '@azure/functions-core';

export interface RegisteredFunction {
  readonly name: string;
  readonly trigger: RpcBindingInfo & { type: string };
  readonly triggerName: string;
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

export interface InvocationOutcome {
  readonly returnValue: RpcTypedData | null | undefined;
}

/** Runs one registered function with a trigger payload. */
export type Invoke = (
  fn: RegisteredFunction,
  data: RpcTypedData,
  triggerMetadata?: Record<string, RpcTypedData>,
) => Promise<InvocationOutcome>;

export function registeredFunctions(entries = core.registry.functions): RegisteredFunction[] {
  return entries.map(({ metadata, callback }) => {
    const entry = Object.entries(metadata.bindings).find(
      ([, b]) => b.direction === 'in' && typeof b.type === 'string' && b.type.endsWith('Trigger'),
    );
    if (!entry) throw new Error(`Function ${metadata.name} has no trigger binding`);
    const [triggerName, trigger] = entry;
    return {
      name: metadata.name,
      trigger: trigger as RpcBindingInfo & { type: string },
      triggerName,
      metadata,
      callback,
    };
  });
}

export const typed = (value: unknown): RpcTypedData => {
  if (value === undefined || value === null) return {};
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value };
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
};

/** What a timer trigger receives, whether fired by its schedule or through the admin API. */
export const timerPayload = () => typed({ isPastDue: false, schedule: { adjustForDST: true } });

/**
 * An invoker over the loaded programming model, counting executions and their
 * duration by function (what Flex Consumption bills).
 */
export function createInvoker(model: core.ProgrammingModel): {
  readonly invoke: Invoke;
  readonly stats: ReadonlyMap<string, { readonly count: number; readonly ms: number }>;
} {
  const stats = new Map<string, { count: number; ms: number }>();
  const invoke: Invoke = async (fn, data, triggerMetadata = {}) => {
    const invocationId = randomUUID();
    const coreContext: core.CoreInvocationContext = {
      invocationId,
      metadata: fn.metadata,
      request: { invocationId, functionId: fn.name, inputData: [{ name: fn.triggerName, data }], triggerMetadata },
      log: (level, category, message) => {
        core.log(level, category, category === 'user' ? `${fn.name}: ${message}` : message);
      },
    };
    const started = performance.now();
    try {
      const invocation = model.getInvocationModel(coreContext);
      const { context, inputs } = await invocation.getArguments();
      const result = await invocation.invokeFunction(context, inputs, fn.callback);
      const response = await invocation.getResponse(context, result);
      return { returnValue: response.returnValue };
    } finally {
      const stat = stats.get(fn.name) ?? { count: 0, ms: 0 };
      stats.set(fn.name, { count: stat.count + 1, ms: stat.ms + performance.now() - started });
    }
  };
  return { invoke, stats };
}
