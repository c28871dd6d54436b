/** The process environment, read in one place so services receive it as data. */
export function readEnv(): Record<string, string | undefined> {
  return {...process.env}
}
