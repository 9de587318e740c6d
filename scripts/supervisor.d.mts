// Types of supervisor.mjs, for its tests (apps/web/tests/server/supervisor.test.ts).
import type { SpawnOptions } from "node:child_process";

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}
export const DEFAULT_BACKOFF: BackoffOptions;
export function createBackoff(options?: BackoffOptions): { next(uptimeMs: number): number };

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}
export function exitReason(result: RunResult): string;

/** One run of a service, as its start function returns it. */
export interface Run {
  pid?: number;
  exited: Promise<RunResult>;
  stop(): Promise<void>;
}
export type StartService = () => Promise<Run>;

export function processService(command: string, args: string[], options?: SpawnOptions): StartService;
export function processAlive(pid: number): boolean;
export function watchPid(pid: number, intervalMs?: number): { exited: Promise<RunResult>; cancel(): void };

export interface Supervisor {
  add(name: string, start: StartService, options?: { stopLast?: boolean }): Promise<void>;
  stop(): Promise<void>;
  readonly stopping: boolean;
  pid(name: string): number | undefined;
  starts(name: string): number;
}
export function createSupervisor(options?: { log?: (message: string) => void; backoff?: BackoffOptions; now?: () => number }): Supervisor;
