// What the CLI test thread (cli-thread.ts) and its test side (in-process.ts) exchange.

export interface RunRequest {
  readonly id: number;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

export interface RunResult {
  readonly id: number;
  readonly status?: number;
  /** what main threw, with its stack: a CLI must never throw, so a test that sees this fails */
  readonly error?: string;
}

/** Written to the thread's stdout and stderr after each run: where that run's output ends. */
export const endMarker = (id: number) => `\u0000perpsim-cli-run-${id}-end\u0000`;
