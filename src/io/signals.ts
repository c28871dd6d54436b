/** SIGINT, SIGTERM and SIGHUP (a closed SSH session) to the one who supervises the engine. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

const STOP_SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Calls `handler` on each SIGINT/SIGTERM/SIGHUP while installed; returns the uninstaller. */
export function onStopSignal(handler: (signal: StopSignal) => void): () => void {
  const listener = (signal: NodeJS.Signals) => handler(signal as StopSignal)
  for (const s of STOP_SIGNALS) process.on(s, listener)
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, listener)
  }
}

/** A wait that does not keep r1 alive by itself (the engine's process does, while it runs). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())
export const now = (): number => Date.now()
/** A wait that keeps r1 alive until it ends (for a command whose only work is waiting, as `serve --stop`). */
export const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Keeps r1 alive until the returned release is called: for a phase whose waits are unref'd `sleep`s (a fake clock
 * in tests) but which must run to its end, as stopping the engine does once its pipes are closed.
 */
export function holdOpen(): () => void {
  const timer = setInterval(() => {}, 2 ** 30)
  return () => clearInterval(timer)
}
