/** SIGINT and SIGTERM to the one who supervises the engine. */
export type StopSignal = 'SIGINT' | 'SIGTERM'

/** Calls `handler` on each SIGINT/SIGTERM while installed; returns the uninstaller. */
export function onStopSignal(handler: (signal: StopSignal) => void): () => void {
  const listener = (signal: NodeJS.Signals) => handler(signal as StopSignal)
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}

/** A wait that does not keep r1 alive by itself (the engine's process does, while it runs). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())
export const now = (): number => Date.now()
