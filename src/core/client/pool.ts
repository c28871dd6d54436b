/** A bounded worker pool: at most `concurrency` tasks in flight, results in input order. */
export async function runPool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await task(items[i], i)
    }
  }

  const workers = Array.from({length: Math.max(1, Math.min(concurrency, items.length))}, () => worker())
  await Promise.all(workers)
  return results
}
