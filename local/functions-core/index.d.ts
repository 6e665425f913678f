// The subset of the worker's `@azure/functions-core` API that `@azure/functions` uses,
// plus the registry the local host reads.
export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
  [key: string]: unknown;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: { name?: string | null; data?: RpcTypedData | null }[] | null;
  returnValue?: RpcTypedData | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    invocationId?: string;
    functionId?: string;
    inputData?: { name: string; data: RpcTypedData }[];
    triggerMetadata?: Record<string, RpcTypedData>;
    traceContext?: unknown;
    retryContext?: unknown;
  };
  metadata: FunctionMetadata;
  state?: string;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
}

export interface Disposable {
  dispose(): void;
}

export interface Registry {
  model: ProgrammingModel | undefined;
  functions: { metadata: FunctionMetadata; callback: FunctionCallback }[];
  hooks: { hookName: string; callback: (context: unknown) => unknown }[];
  logSink: ((level: RpcLogLevel, category: RpcLogCategory, message: string) => void) | undefined;
}

export const version: string;
export function setProgrammingModel(model: ProgrammingModel): void;
export function getProgrammingModel(): ProgrammingModel | undefined;
export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
export function registerHook(hookName: string, callback: (context: unknown) => unknown): Disposable;
export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
export const registry: Registry;
